{$form = $data.form}
<h3>{$_lang.operational_settings|escape}</h3>
<p class="text-muted">{$_lang.settings_help|escape}</p>
<form method="post" action="{$modulelink}&amp;action=settings" class="form-horizontal" id="ipmanager-settings-form">
    <input type="hidden" name="token" value="{$csrfToken|escape}">
    <div class="form-group{if isset($errors.terminate_policy)} has-error{/if}">
        <label class="col-sm-3 control-label">{$_lang.terminate_policy|escape}</label>
        <div class="col-sm-6">
            {foreach $data.policies as $policy}
                <div class="radio"><label><input type="radio" name="terminate_policy" value="{$policy|escape}"{if $form.terminate_policy|default:'' == $policy} checked{/if}> {$_lang["terminate_{$policy}"]|escape}</label></div>
            {/foreach}
            {include file="admin/field_error.tpl" field="terminate_policy"}
        </div>
    </div>
    <div class="form-group{if isset($errors.cooldown_hours)} has-error{/if}">
        <label class="col-sm-3 control-label" for="ipm-cooldown">{$_lang.cooldown_hours|escape}</label>
        <div class="col-sm-2"><input class="form-control" id="ipm-cooldown" name="cooldown_hours" value="{$form.cooldown_hours|default:''|escape}"></div>
        <div class="col-sm-5"><span class="help-block">{$_lang.cooldown_help|escape}</span>{include file="admin/field_error.tpl" field="cooldown_hours"}</div>
    </div>
    <div class="form-group{if isset($errors.extra_ips_option)} has-error{/if}">
        <label class="col-sm-3 control-label" for="ipm-extra-option">{$_lang.extra_ips_option|escape}</label>
        <div class="col-sm-4"><input class="form-control" id="ipm-extra-option" name="extra_ips_option" value="{$form.extra_ips_option|default:''|escape}"></div>
        <div class="col-sm-offset-3 col-sm-6"><span class="help-block">{$_lang.extra_ips_option_help|escape}</span>{include file="admin/field_error.tpl" field="extra_ips_option"}</div>
    </div>
    <div class="form-group"><div class="col-sm-offset-3 col-sm-6"><button class="btn btn-primary" id="ipmanager-save-settings">{$_lang.save|escape}</button></div></div>
</form>

<h3 id="extra-ips">{$_lang.extra_ips_products|escape}</h3>
<p class="text-muted">{$_lang.extra_ips_products_help|escape}</p>
<table class="table table-condensed" id="ipmanager-extra-ips-products">
    {foreach $data.products as $product}
        <tr{if $query.product_id|default:0 == $product[0]} class="info"{/if}>
            <td>{$product[1]|escape}</td>
            <td class="text-right">
                <form method="post" action="{$modulelink}&amp;action=extra_ips_option" style="display:inline">
                    <input type="hidden" name="token" value="{$csrfToken|escape}">
                    <input type="hidden" name="product_id" value="{$product[0]|escape}">
                    <button class="btn btn-xs btn-default">{$_lang.create_option|escape}</button>
                </form>
            </td>
        </tr>
    {/foreach}
</table>
