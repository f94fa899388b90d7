<p>{$_lang.orphaned_intro|escape}</p>
<form method="get" action="addonmodules.php" class="form-inline" style="margin-bottom:12px">
    <input type="hidden" name="module" value="ipmanager">
    <input type="hidden" name="action" value="orphaned">
    <select class="form-control" name="status"><option value="">{$_lang.service_status|escape}: {$_lang.all|escape}</option>
        {foreach $data.statuses as $status}<option value="{$status|escape}"{if $query.status|default:'' == $status} selected{/if}>{if $status == 'missing'}{$_lang.status_missing|escape}{else}{$status|escape}{/if}</option>{/foreach}</select>
    <select class="form-control" name="product_id"><option value="0">{$_lang.product|escape}: {$_lang.all|escape}</option>
        {foreach $data.products as $product}<option value="{$product[0]|escape}"{if $query.product_id|default:0 == $product[0]} selected{/if}>{$product[1]|escape}</option>{/foreach}</select>
    <button class="btn btn-default">{$_lang.filter|escape}</button>
</form>
{if $data.orphans}
    <form method="post" action="{$modulelink}&amp;action=orphan_release" style="margin-bottom:10px" onsubmit="return confirm('{$_lang.release_all_confirm|escape:'javascript'}');">
        <input type="hidden" name="token" value="{$csrfToken|escape}">
        <input type="hidden" name="all" value="on">
        <input type="hidden" name="status" value="{$query.status|default:''|escape}">
        <input type="hidden" name="product_id" value="{$query.product_id|default:''|escape}">
        <button class="btn btn-danger" id="ipmanager-release-all">{$_lang.release_all|escape} ({$data.orphans|count})</button>
    </form>
    <table class="table table-striped table-condensed" id="ipmanager-orphans">
        <thead><tr><th>IP</th><th>{$_lang.service_id|escape}</th><th>{$_lang.client|escape}</th><th>{$_lang.product|escape}</th><th>{$_lang.service_status|escape}</th><th>{$_lang.since|escape}</th><th></th></tr></thead>
        <tbody>
        {foreach $data.orphans as $orphan}
            <tr data-address="{$orphan.ip|escape}">
                <td><code>{$orphan.ip|escape}</code></td>
                <td>{if $orphan.status != 'missing'}<a href="clientsservices.php?id={$orphan.service_id|escape:'url'}">#{$orphan.service_id|escape}</a>{else}#{$orphan.service_id|escape}{/if}</td>
                <td>{$orphan.client|escape} <span class="text-muted">#{$orphan.client_id|escape}</span></td>
                <td>{$orphan.product|escape}</td>
                <td><span class="label label-default">{if $orphan.status == 'missing'}{$_lang.status_missing|escape}{else}{$orphan.status|escape}{/if}</span></td>
                <td>{$orphan.since|escape}</td>
                <td class="text-right">
                    <form method="post" action="{$modulelink}&amp;action=orphan_release" style="display:inline" onsubmit="return confirm('{$_lang.release_confirm|escape:'javascript'}');">
                        <input type="hidden" name="token" value="{$csrfToken|escape}">
                        <input type="hidden" name="address_id" value="{$orphan.address_id|escape}">
                        <input type="hidden" name="status" value="{$query.status|default:''|escape}">
                        <input type="hidden" name="product_id" value="{$query.product_id|default:''|escape}">
                        <button class="btn btn-xs btn-warning">{$_lang.release|escape}</button>
                    </form>
                </td>
            </tr>
        {/foreach}
        </tbody>
    </table>
{else}
    <div class="alert alert-success">{$_lang.orphaned_none|escape}</div>
{/if}
