{$form = $data.form}
<h2>{if $data.editing}{$_lang.edit_pool|escape}{else}{$_lang.add_pool|escape}{/if}</h2>
<form method="post" action="{$modulelink}&amp;action=pool_form" class="form-horizontal" id="ipmanager-pool-form">
    <input type="hidden" name="token" value="{$csrfToken|escape}">
    {if $data.editing}<input type="hidden" name="id" value="{$form.id|escape}">{/if}
    <div class="form-group{if isset($errors.name)} has-error{/if}">
        <label class="col-sm-3 control-label" for="ipm-pool-name">{$_lang.name|escape}</label>
        <div class="col-sm-6"><input class="form-control" id="ipm-pool-name" name="name" value="{$form.name|default:''|escape}" maxlength="255" required>{include file="admin/field_error.tpl" field="name"}</div>
    </div>
    <div class="form-group{if isset($errors.subnet_id)} has-error{/if}">
        <label class="col-sm-3 control-label" for="ipm-pool-subnet">{$_lang.subnet|escape}</label>
        <div class="col-sm-6">
            <select class="form-control" id="ipm-pool-subnet" name="subnet_id">
                <option value="0">—</option>
                {foreach $data.subnets as $subnet}<option value="{$subnet[0]|escape}"{if $form.subnet_id|default:0 == $subnet[0]} selected{/if}>{$subnet[1]|escape}</option>{/foreach}
            </select>
            {include file="admin/field_error.tpl" field="subnet_id"}
        </div>
    </div>
    <div class="form-group{if isset($errors.range_start) || isset($errors.range_end)} has-error{/if}">
        <label class="col-sm-3 control-label">{$_lang.range|escape}</label>
        <div class="col-sm-3"><input class="form-control" name="range_start" value="{$form.range_start|default:''|escape}" placeholder="{$_lang.range_start|escape}"></div>
        <div class="col-sm-3"><input class="form-control" name="range_end" value="{$form.range_end|default:''|escape}" placeholder="{$_lang.range_end|escape}"></div>
        <div class="col-sm-offset-3 col-sm-6"><span class="help-block">{$_lang.range_help|escape}</span>{include file="admin/field_error.tpl" field="range_start"}{include file="admin/field_error.tpl" field="range_end"}</div>
    </div>
    <div class="form-group{if isset($errors.reserved_ips)} has-error{/if}">
        <label class="col-sm-3 control-label" for="ipm-pool-reserved">{$_lang.reserved_ips|escape}</label>
        <div class="col-sm-6"><textarea class="form-control" id="ipm-pool-reserved" name="reserved_ips" rows="2">{$form.reserved_ips|default:''|escape}</textarea><span class="help-block">{$_lang.excluded_ips_help|escape}</span>{include file="admin/field_error.tpl" field="reserved_ips"}</div>
    </div>
    <fieldset>
        <legend class="h4">{$_lang.network_metadata|escape}</legend>
        {foreach ['vlan' => 'vlan', 'bridge' => 'bridge', 'gateway' => 'gateway_override', 'dns1' => 'dns1', 'dns2' => 'dns2', 'delegation_prefix_length' => 'delegation'] as $field => $label}
            <div class="form-group{if isset($errors[$field])} has-error{/if}">
                <label class="col-sm-3 control-label" for="ipm-pool-{$field}">{$_lang[$label]|escape}</label>
                <div class="col-sm-4"><input class="form-control" id="ipm-pool-{$field}" name="{$field}" value="{$form[$field]|default:''|escape}">
                    {if $field == 'delegation_prefix_length'}<span class="help-block">{$_lang.delegation_help|escape}</span>{/if}
                    {include file="admin/field_error.tpl" field=$field}</div>
            </div>
        {/foreach}
    </fieldset>
    <div class="form-group{if isset($errors.dedicated_client_id) || isset($errors.dedicated_service_id)} has-error{/if}">
        <label class="col-sm-3 control-label">{$_lang.dedicated_to|escape}</label>
        <div class="col-sm-2"><input class="form-control" name="dedicated_client_id" value="{$form.dedicated_client_id|default:''|escape}" placeholder="{$_lang.client_id|escape}"></div>
        <div class="col-sm-2"><input class="form-control" name="dedicated_service_id" value="{$form.dedicated_service_id|default:''|escape}" placeholder="{$_lang.service_id|escape}"></div>
        <div class="col-sm-offset-3 col-sm-6"><span class="help-block">{$_lang.dedicated_help|escape}</span>{include file="admin/field_error.tpl" field="dedicated_client_id"}{include file="admin/field_error.tpl" field="dedicated_service_id"}</div>
    </div>
    <div class="form-group">
        <label class="col-sm-3 control-label" for="ipm-pool-description">{$_lang.description|escape}</label>
        <div class="col-sm-6"><textarea class="form-control" id="ipm-pool-description" name="description" rows="2">{$form.description|default:''|escape}</textarea></div>
    </div>
    <div class="form-group">
        <div class="col-sm-offset-3 col-sm-6">
            <button type="submit" class="btn btn-primary" id="ipmanager-save-pool">{$_lang.save|escape}</button>
            <a class="btn btn-default" href="{$modulelink}&amp;action=pools">{$_lang.cancel|escape}</a>
        </div>
    </div>
</form>
