{* Client area: confirm before an address is unassigned (the POST carries the CSRF token). *}
<div id="ipmanager-client-unassign">
    <div class="alert alert-warning">{$_lang.unassign_question|escape}</div>
    <p><code>{$confirm.ip|escape}</code> — {$confirm.product|escape} {$confirm.domain|escape}</p>
    <form method="post" action="{$modulelink}&amp;action=unassign">
        <input type="hidden" name="token" value="{$token|escape}">
        <input type="hidden" name="service_id" value="{$confirm.service_id|escape}">
        <input type="hidden" name="address_id" value="{$confirm.address_id|escape}">
        <button type="submit" class="btn btn-danger" id="ipmanager-confirm-unassign">{$_lang.confirm_unassign|escape}</button>
        <a class="btn btn-default btn-secondary" href="{$modulelink}">{$_lang.cancel|escape}</a>
    </form>
</div>
