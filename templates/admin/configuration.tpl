{$form = $data.form}
<h2>{if $data.editing}{$_lang.edit_configuration|escape}: {$form.name|escape}{else}{$_lang.add_configuration|escape}{/if}</h2>
<form method="post" action="{$modulelink}&amp;action=configuration" class="form-horizontal" id="ipmanager-configuration-form">
    <input type="hidden" name="token" value="{$csrfToken|escape}">
    {if $data.editing}<input type="hidden" name="id" value="{$form.id|escape}">{/if}
    <h4>{$_lang.basic_settings|escape}</h4>
    <div class="form-group{if isset($errors.name)} has-error{/if}">
        <label class="col-sm-3 control-label" for="ipm-conf-name">{$_lang.name|escape}</label>
        <div class="col-sm-6"><input class="form-control" id="ipm-conf-name" name="name" value="{$form.name|default:''|escape}" maxlength="255" required>{include file="admin/field_error.tpl" field="name"}</div>
    </div>
    <div class="form-group">
        <div class="col-sm-offset-3 col-sm-6">
            <div class="checkbox"><label><input type="checkbox" name="omit_dedicated_ip" value="on"{if $form.omit_dedicated_ip|default:false} checked{/if}> {$_lang.omit_dedicated_ip|escape}</label><span class="help-block">{$_lang.omit_dedicated_ip_help|escape}</span></div>
            <div class="checkbox"><label><input type="checkbox" name="use_custom_field" value="on"{if $form.use_custom_field|default:false} checked{/if}> {$_lang.use_custom_field|escape}</label></div>
        </div>
    </div>
    <div class="form-group{if isset($errors.custom_field_name)} has-error{/if}">
        <label class="col-sm-3 control-label" for="ipm-conf-field">{$_lang.custom_field_name|escape}</label>
        <div class="col-sm-6"><input class="form-control" id="ipm-conf-field" name="custom_field_name" value="{$form.custom_field_name|default:''|escape}"><span class="help-block">{$_lang.custom_field_help|escape}</span>{include file="admin/field_error.tpl" field="custom_field_name"}</div>
    </div>
    {if !$data.editing}
        <h4>{$_lang.assign_pool|escape}</h4>
        {include file="admin/configuration_selection.tpl"}
    {/if}
    <div class="form-group">
        <div class="col-sm-offset-3 col-sm-6">
            <button type="submit" class="btn btn-primary" id="ipmanager-save-configuration">{if $data.editing}{$_lang.save|escape}{else}{$_lang.create_configuration|escape}{/if}</button>
            <a class="btn btn-default" href="{$modulelink}&amp;action=configurations">{$_lang.cancel|escape}</a>
        </div>
    </div>
</form>

{if $data.editing}
    <hr>
    <h4>{$_lang.assign_pool|escape}</h4>
    <form method="post" action="{$modulelink}&amp;action=configuration_selection" class="form-horizontal" id="ipmanager-selection-form">
        <input type="hidden" name="token" value="{$csrfToken|escape}">
        <input type="hidden" name="id" value="{$form.id|escape}">
        {include file="admin/configuration_selection.tpl"}
        <div class="form-group"><div class="col-sm-offset-3 col-sm-6"><button class="btn btn-primary" id="ipmanager-save-selection">{$_lang.save_selection|escape}</button></div></div>
    </form>

    <hr>
    <h4>{$_lang.relations|escape}</h4>
    <p class="text-muted">{$_lang.relations_help|escape}</p>
    <table class="table table-condensed" id="ipmanager-relations">
        <thead><tr><th>{$_lang.order|escape}</th><th>{$_lang.type|escape}</th><th>{$_lang.target|escape}</th><th>{$_lang.pool_or_subnet|escape}</th><th></th></tr></thead>
        <tbody>
        {foreach $data.relations as $relation}
            <tr data-relation="{$relation.id|escape}">
                <td class="text-nowrap">
                    {foreach ['up' => 'fa-arrow-up', 'down' => 'fa-arrow-down'] as $direction => $icon}
                        <form method="post" action="{$modulelink}&amp;action=configuration_relation" style="display:inline">
                            <input type="hidden" name="token" value="{$csrfToken|escape}">
                            <input type="hidden" name="id" value="{$form.id|escape}">
                            <input type="hidden" name="relation_id" value="{$relation.id|escape}">
                            <input type="hidden" name="change" value="{$direction}">
                            <button class="btn btn-xs btn-default" title="{$direction}"><i class="fa {$icon}"></i></button>
                        </form>
                    {/foreach}
                </td>
                <td>{$_lang["relation_{$relation.relation_type}"]|escape}</td>
                <td>{$relation.target|escape}</td>
                <td>{$relation.source|escape}</td>
                <td class="text-right">
                    <form method="post" action="{$modulelink}&amp;action=configuration_relation" style="display:inline" onsubmit="return confirm('{$_lang.delete_relation_confirm|escape:'javascript'}');">
                        <input type="hidden" name="token" value="{$csrfToken|escape}">
                        <input type="hidden" name="id" value="{$form.id|escape}">
                        <input type="hidden" name="relation_id" value="{$relation.id|escape}">
                        <input type="hidden" name="change" value="delete">
                        <button class="btn btn-xs btn-danger">{$_lang.delete|escape}</button>
                    </form>
                </td>
            </tr>
        {foreachelse}
            <tr><td colspan="5" class="text-muted">{$_lang.no_relations|escape}</td></tr>
        {/foreach}
        </tbody>
    </table>

    <h4>{$_lang.add_relation|escape}</h4>
    <form method="post" action="{$modulelink}&amp;action=configuration_relation" class="form-inline" id="ipmanager-relation-form">
        <input type="hidden" name="token" value="{$csrfToken|escape}">
        <input type="hidden" name="id" value="{$form.id|escape}">
        <input type="hidden" name="change" value="add">
        <select class="form-control" name="target" aria-label="{$_lang.target|escape}">
            {foreach ['product' => $data.products, 'server' => $data.servers, 'addon' => $data.addons, 'configoption' => $data.config_options] as $kind => $choices}
                {if $choices}<optgroup label="{$_lang["relation_{$kind}"]|escape}">{foreach $choices as $choice}<option value="{$kind}:{$choice[0]|escape}">{$choice[1]|escape}</option>{/foreach}</optgroup>{/if}
            {/foreach}
        </select>
        <select class="form-control" name="pool_id" aria-label="{$_lang.pool|escape}"><option value="0">{$_lang.pool|escape}</option>{foreach $data.pools as $pool}<option value="{$pool[0]|escape}">{$pool[1]|escape}</option>{/foreach}</select>
        <select class="form-control" name="subnet_id" aria-label="{$_lang.or_subnet|escape}"><option value="0">{$_lang.or_subnet|escape}</option>{foreach $data.subnets as $subnet}<option value="{$subnet[0]|escape}">{$subnet[1]|escape}</option>{/foreach}</select>
        <button class="btn btn-success">{$_lang.add|escape}</button>
    </form>
{/if}
