{$form = $data.form}
<h2>{if $data.editing}{$_lang.edit_subnet|escape}{else}{$_lang.add_subnet|escape}{/if}</h2>
<form method="post" action="{$modulelink}&amp;action=subnet_form" class="form-horizontal" id="ipmanager-subnet-form">
    <input type="hidden" name="token" value="{$csrfToken|escape}">
    {if $data.editing}<input type="hidden" name="id" value="{$form.id|escape}">{/if}
    <div class="form-group{if isset($errors.name)} has-error{/if}">
        <label class="col-sm-3 control-label" for="ipm-name">{$_lang.name|escape}</label>
        <div class="col-sm-6"><input class="form-control" id="ipm-name" name="name" value="{$form.name|default:''|escape}" maxlength="255" required>{include file="admin/field_error.tpl" field="name"}</div>
    </div>
    <div class="form-group{if isset($errors.cidr)} has-error{/if}">
        <label class="col-sm-3 control-label" for="ipm-cidr">{$_lang.cidr|escape}</label>
        <div class="col-sm-6"><input class="form-control" id="ipm-cidr" name="cidr" value="{$form.cidr|default:''|escape}" placeholder="79.133.56.0/24 or 2001:db8::/48"{if $data.editing} readonly{/if}>{include file="admin/field_error.tpl" field="cidr"}</div>
    </div>
    <div class="form-group{if isset($errors.parent_id)} has-error{/if}">
        <label class="col-sm-3 control-label" for="ipm-parent">{$_lang.parent|escape}</label>
        <div class="col-sm-6">
            <select class="form-control" id="ipm-parent" name="parent_id">
                <option value="0">{$_lang.none|escape}</option>
                {foreach $data.parents as $parent}
                    <option value="{$parent[0]|escape}"{if $form.parent_id|default:0 == $parent[0]} selected{/if}>{$parent[1]|escape}</option>
                {/foreach}
            </select>
            {include file="admin/field_error.tpl" field="parent_id"}
        </div>
    </div>
    <div class="form-group{if isset($errors.gateway)} has-error{/if}">
        <label class="col-sm-3 control-label" for="ipm-gateway">{$_lang.gateway|escape}</label>
        <div class="col-sm-6"><input class="form-control" id="ipm-gateway" name="gateway" value="{$form.gateway|default:''|escape}">{include file="admin/field_error.tpl" field="gateway"}</div>
    </div>
    <div class="form-group{if isset($errors.excluded_ips)} has-error{/if}">
        <label class="col-sm-3 control-label" for="ipm-excluded">{$_lang.excluded_ips|escape}</label>
        <div class="col-sm-6">
            <textarea class="form-control" id="ipm-excluded" name="excluded_ips" rows="3">{$form.excluded_ips|default:''|escape}</textarea>
            <span class="help-block">{$_lang.excluded_ips_help|escape}</span>
            {include file="admin/field_error.tpl" field="excluded_ips"}
        </div>
    </div>
    <div class="form-group{if isset($errors.reserve_gateway)} has-error{/if}">
        <label class="col-sm-3 control-label">{$_lang.reserve|escape}</label>
        <div class="col-sm-6">
            <div class="checkbox"><label><input type="checkbox" name="reserve_network" value="on"{if $form.reserve_network|default:false} checked{/if}> {$_lang.reserve_network|escape}</label></div>
            <div class="checkbox"><label><input type="checkbox" name="reserve_broadcast" value="on"{if $form.reserve_broadcast|default:false} checked{/if}> {$_lang.reserve_broadcast|escape}</label></div>
            <div class="checkbox"><label><input type="checkbox" name="reserve_gateway" value="on"{if $form.reserve_gateway|default:false} checked{/if}> {$_lang.reserve_gateway|escape}</label></div>
            {include file="admin/field_error.tpl" field="reserve_gateway"}
        </div>
    </div>
    <div class="form-group{if isset($errors.store_free_ips)} has-error{/if}">
        <label class="col-sm-3 control-label">{$_lang.store_free_ips|escape}</label>
        <div class="col-sm-6">
            <div class="checkbox"><label><input type="checkbox" id="ipm-store" name="store_free_ips" value="on"{if $form.store_free_ips|default:false} checked{/if}> {$_lang.store_free_ips_help|escape}</label></div>
            {include file="admin/field_error.tpl" field="store_free_ips"}
        </div>
    </div>
    <div class="form-group{if isset($errors.alert_threshold)} has-error{/if}">
        <label class="col-sm-3 control-label" for="ipm-threshold">{$_lang.alert_threshold|escape}</label>
        <div class="col-sm-2"><input class="form-control" id="ipm-threshold" name="alert_threshold" value="{$form.alert_threshold|default:''|escape}"></div>
        <div class="col-sm-4"><span class="help-block">{$_lang.alert_threshold_help|escape}</span>{include file="admin/field_error.tpl" field="alert_threshold"}</div>
    </div>
    <div class="form-group{if isset($errors.dedicated_client_id) || isset($errors.dedicated_service_id)} has-error{/if}">
        <label class="col-sm-3 control-label">{$_lang.dedicated_to|escape}</label>
        <div class="col-sm-2"><input class="form-control" name="dedicated_client_id" value="{$form.dedicated_client_id|default:''|escape}" placeholder="{$_lang.client_id|escape}"></div>
        <div class="col-sm-2"><input class="form-control" name="dedicated_service_id" value="{$form.dedicated_service_id|default:''|escape}" placeholder="{$_lang.service_id|escape}"></div>
        <div class="col-sm-offset-3 col-sm-6"><span class="help-block">{$_lang.dedicated_help|escape}</span>{include file="admin/field_error.tpl" field="dedicated_client_id"}{include file="admin/field_error.tpl" field="dedicated_service_id"}</div>
    </div>
    <div class="form-group">
        <label class="col-sm-3 control-label" for="ipm-description">{$_lang.description|escape}</label>
        <div class="col-sm-6"><textarea class="form-control" id="ipm-description" name="description" rows="2">{$form.description|default:''|escape}</textarea></div>
    </div>
    <div class="form-group">
        <div class="col-sm-offset-3 col-sm-6">
            <button type="submit" class="btn btn-primary" id="ipmanager-save">{$_lang.save|escape}</button>
            <a class="btn btn-default" href="{$modulelink}&amp;action=subnets">{$_lang.cancel|escape}</a>
        </div>
    </div>
</form>
