{$filters = $query}
<form method="get" action="addonmodules.php" class="form-inline" style="margin-bottom:12px" id="ipmanager-assignment-filters">
    <input type="hidden" name="module" value="ipmanager">
    <input type="hidden" name="action" value="assignments">
    <input class="form-control" name="client_id" value="{$filters.client_id|default:''|escape}" placeholder="{$_lang.client_id|escape}" size="8">
    <input class="form-control" name="service_id" value="{$filters.service_id|default:''|escape}" placeholder="{$_lang.service_id|escape}" size="8">
    <select class="form-control" name="status"><option value="">{$_lang.service_status|escape}: {$_lang.all|escape}</option>
        {foreach $data.statuses as $status}<option value="{$status|escape}"{if $filters.status|default:'' == $status} selected{/if}>{$status|escape}</option>{/foreach}</select>
    <select class="form-control" name="product_id"><option value="0">{$_lang.product|escape}: {$_lang.all|escape}</option>
        {foreach $data.products as $product}<option value="{$product[0]|escape}"{if $filters.product_id|default:0 == $product[0]} selected{/if}>{$product[1]|escape}</option>{/foreach}</select>
    <input class="form-control" name="address" value="{$filters.address|default:''|escape}" placeholder="{$_lang.address|escape}">
    <button class="btn btn-default">{$_lang.filter|escape}</button>
</form>
<table class="table table-striped table-condensed" id="ipmanager-assignments">
    <thead><tr><th>{$_lang.service_id|escape}</th><th>{$_lang.client|escape}</th><th>{$_lang.product|escape}</th><th>{$_lang.service_status|escape}</th><th>{$_lang.assigned_ips|escape}</th><th>{$_lang.whmcs_dedicated_ip|escape}</th><th>{$_lang.actions|escape}</th></tr></thead>
    <tbody>
    {foreach $data.services as $service}
        <tr data-service="{$service.id|escape}">
            <td><a href="clientsservices.php?id={$service.id|escape:'url'}">#{$service.id|escape}</a><div class="small text-muted">{$service.domain|escape}</div></td>
            <td>{$service.client|escape} <span class="text-muted">#{$service.client_id|escape}</span></td>
            <td>{$service.product|escape}</td>
            <td><span class="label label-{if $service.live}success{else}default{/if}">{$service.status|escape}</span></td>
            <td>
                {foreach $service.addresses as $address}
                    <div class="ipmanager-assigned" style="margin-bottom:3px">
                        <code>{$address.ip|escape}</code>
                        <form method="post" action="{$modulelink}&amp;action=unassign" style="display:inline" onsubmit="return confirm('{$_lang.unassign_confirm|escape:'javascript'}');">
                            <input type="hidden" name="token" value="{$csrfToken|escape}">
                            <input type="hidden" name="service_id" value="{$service.id|escape}">
                            <input type="hidden" name="address_id" value="{$address.address_id|escape}">
                            <button class="btn btn-xs btn-link text-danger">{$_lang.unassign|escape}</button>
                        </form>
                    </div>
                {/foreach}
            </td>
            <td>{$service.dedicatedip|escape}</td>
            <td>
                <form method="post" action="{$modulelink}&amp;action=assign" class="form-inline ipmanager-assign-form">
                    <input type="hidden" name="token" value="{$csrfToken|escape}">
                    <input type="hidden" name="service_id" value="{$service.id|escape}">
                    <select class="form-control input-sm" name="pool_id"><option value="0">{$_lang.pool|escape}</option>{foreach $data.pools as $pool}<option value="{$pool[0]|escape}">{$pool[1]|escape}</option>{/foreach}</select>
                    <select class="form-control input-sm" name="subnet_id"><option value="0">{$_lang.or_subnet|escape}</option>{foreach $data.subnets as $subnet}<option value="{$subnet[0]|escape}">{$subnet[1]|escape}</option>{/foreach}</select>
                    <input class="form-control input-sm" name="address" placeholder="{$_lang.or_address|escape}" size="14">
                    <button class="btn btn-sm btn-success">{$_lang.assign|escape}</button>
                </form>
            </td>
        </tr>
    {foreachelse}
        <tr><td colspan="7" class="text-muted">{$_lang.no_services|escape}</td></tr>
    {/foreach}
    </tbody>
</table>
<nav class="clearfix">
    <span class="text-muted">{$_lang.page|escape} {$data.page|escape} / {$data.pages|escape} · {$data.total|escape} {$_lang.services_total|escape}</span>
    <span class="pull-right">
        {foreach ['previous' => $data.page - 1, 'next' => $data.page + 1] as $label => $target}
            {if $target >= 1 && $target <= $data.pages}
                <a class="btn btn-default btn-sm" href="{$modulelink}&amp;action=assignments&amp;client_id={$filters.client_id|default:''|escape:'url'}&amp;service_id={$filters.service_id|default:''|escape:'url'}&amp;status={$filters.status|default:''|escape:'url'}&amp;product_id={$filters.product_id|default:''|escape:'url'}&amp;address={$filters.address|default:''|escape:'url'}&amp;page={$target}">{$_lang[$label]|escape}</a>
            {/if}
        {/foreach}
    </span>
</nav>
