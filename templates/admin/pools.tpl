<div class="clearfix" style="margin-bottom:10px">
    <a class="btn btn-success" href="{$modulelink}&amp;action=pool_form{if $data.subnet_filter}&amp;subnet_id={$data.subnet_filter|escape:'url'}{/if}" id="ipmanager-add-pool"><i class="fa fa-plus"></i> {$_lang.add_pool|escape}</a>
    <form method="get" action="addonmodules.php" class="form-inline pull-right">
        <input type="hidden" name="module" value="ipmanager">
        <input type="hidden" name="action" value="pools">
        <select class="form-control" name="subnet_id" onchange="this.form.submit()">
            <option value="0">{$_lang.all_subnets|escape}</option>
            {foreach $data.subnets as $subnet}<option value="{$subnet[0]|escape}"{if $data.subnet_filter == $subnet[0]} selected{/if}>{$subnet[1]|escape}</option>{/foreach}
        </select>
        <noscript><button class="btn btn-default">{$_lang.filter|escape}</button></noscript>
    </form>
</div>
{if $data.pools}
    <table class="table table-striped table-condensed" id="ipmanager-pools">
        <thead><tr><th>{$_lang.name|escape}</th><th>{$_lang.subnet|escape}</th><th>{$_lang.range|escape}</th><th>{$_lang.vlan|escape}</th><th>{$_lang.usage|escape}</th><th>{$_lang.rdns_zone|escape}</th><th class="text-right">{$_lang.actions|escape}</th></tr></thead>
        <tbody>
        {foreach $data.pools as $pool}
            <tr data-pool="{$pool.name|escape}">
                <td>{$pool.name|escape}{if $pool.delegation_prefix_length} <span class="label label-info">/{$pool.delegation_prefix_length|escape}</span>{/if}</td>
                <td><a href="{$modulelink}&amp;action=subnet&amp;id={$pool.subnet_id|escape:'url'}">{$pool.subnet|escape}</a></td>
                <td><code style="white-space:normal;word-break:break-all">{$pool.range|escape}</code></td>
                <td>{$pool.vlan|escape}</td>
                <td>{include file="admin/usage_bar.tpl" usage=$pool.usage}</td>
                <td class="small">{foreach $pool.reverse_zones as $zone}<div><code>{$zone|escape}</code></div>{/foreach}</td>
                <td class="text-right text-nowrap">
                    <a class="btn btn-xs btn-default" href="{$modulelink}&amp;action=pool_form&amp;id={$pool.id|escape:'url'}">{$_lang.edit|escape}</a>
                    <form method="post" action="{$modulelink}&amp;action=pool_delete" style="display:inline" onsubmit="return confirm('{$_lang.delete_pool_confirm|escape:'javascript'}');">
                        <input type="hidden" name="token" value="{$csrfToken|escape}">
                        <input type="hidden" name="id" value="{$pool.id|escape}">
                        <button class="btn btn-xs btn-danger">{$_lang.delete|escape}</button>
                    </form>
                </td>
            </tr>
        {/foreach}
        </tbody>
    </table>
{else}
    <div class="alert alert-info">{$_lang.no_pools|escape}</div>
{/if}
