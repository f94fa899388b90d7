{include file="$template/includes/alert.tpl" type="error" msg=$errormessage|escape}
