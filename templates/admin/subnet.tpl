{$subnet = $data.subnet}
<h2>{$subnet.name|escape} <small><code>{$subnet.cidr|escape}</code></small></h2>
<div class="row">
    <div class="col-md-6">
        <table class="table table-condensed" id="ipmanager-subnet-summary">
            <tr><th>{$_lang.gateway|escape}</th><td>{$subnet.gateway|default:'—'|escape}</td></tr>
            <tr><th>{$_lang.usage|escape}</th><td>{include file="admin/usage_bar.tpl" usage=$subnet.usage}
                <span class="small text-muted">{$subnet.usage.assigned|escape} {$_lang.assigned|escape}, {$subnet.usage.reserved|escape} {$_lang.reserved|escape}, {$subnet.usage.free|escape} {$_lang.free|escape} / {$subnet.usage.usable|escape} {$_lang.usable|escape}</span></td></tr>
            <tr><th>{$_lang.rdns_zone|escape}</th><td>{foreach $subnet.reverse_zones as $zone}<code>{$zone|escape}</code> {/foreach}</td></tr>
            <tr><th>{$_lang.pools|escape}</th><td>{foreach $data.pools as $pool}<div>{$pool[1]|escape} <span class="text-muted">{$pool[2]|escape}</span></div>{foreachelse}—{/foreach}</td></tr>
            {if $data.excluded_ips}<tr><th>{$_lang.excluded_ips|escape}</th><td><pre style="margin:0">{$data.excluded_ips|escape}</pre></td></tr>{/if}
            {if $data.description}<tr><th>{$_lang.description|escape}</th><td>{$data.description|escape}</td></tr>{/if}
        </table>
        <a class="btn btn-default btn-sm" href="{$modulelink}&amp;action=subnet_form&amp;id={$subnet.id|escape:'url'}">{$_lang.edit|escape}</a>
        <a class="btn btn-default btn-sm" href="{$modulelink}&amp;action=pool_form&amp;subnet_id={$subnet.id|escape:'url'}">{$_lang.add_pool|escape}</a>
    </div>
    <div class="col-md-6">
        <h4>{$_lang.reservations|escape}</h4>
        <table class="table table-condensed" id="ipmanager-reservations">
            {foreach $data.reservations as $reservation}
                <tr>
                    <td>{$reservation.kind|escape}</td><td><code>{$reservation.value|escape}</code></td><td>{$reservation.note|escape}</td>
                    <td class="text-right">{if $reservation.releasable}
                        <form method="post" action="{$modulelink}&amp;action=reservation_release" style="display:inline" onsubmit="return confirm('{$_lang.confirm_release|escape:'javascript'}');">
                            <input type="hidden" name="token" value="{$csrfToken|escape}">
                            <input type="hidden" name="subnet_id" value="{$subnet.id|escape}">
                            <input type="hidden" name="rule_id" value="{$reservation.rule_id|escape}">
                            <button class="btn btn-xs btn-default">{$_lang.release|escape}</button>
                        </form>{/if}</td>
                </tr>
            {/foreach}
        </table>
        <form method="post" action="{$modulelink}&amp;action=address_reserve" class="form-inline" id="ipmanager-reserve-form">
            <input type="hidden" name="token" value="{$csrfToken|escape}">
            <input type="hidden" name="subnet_id" value="{$subnet.id|escape}">
            <input class="form-control input-sm" name="address" placeholder="{$_lang.address|escape}" required>
            <input class="form-control input-sm" name="note" placeholder="{$_lang.note|escape}" maxlength="255">
            <button class="btn btn-sm btn-warning">{$_lang.reserve_address|escape}</button>
        </form>
    </div>
</div>

<h3>{$_lang.addresses|escape}</h3>
<form method="get" action="addonmodules.php" class="form-inline" style="margin-bottom:10px">
    <input type="hidden" name="module" value="ipmanager">
    <input type="hidden" name="action" value="subnet">
    <input type="hidden" name="id" value="{$subnet.id|escape}">
    <input class="form-control" name="q" value="{$data.search|escape}" placeholder="{$_lang.search_placeholder|escape}">
    <button class="btn btn-default">{$_lang.search|escape}</button>
</form>
<table class="table table-striped table-condensed" id="ipmanager-addresses">
    <thead><tr><th>{$_lang.address|escape}</th><th>{$_lang.status|escape}</th><th>{$_lang.pools|escape}</th><th>{$_lang.assignment|escape}</th><th>{$_lang.note|escape}</th></tr></thead>
    <tbody>
    {foreach $data.addresses as $address}
        <tr>
            <td><code>{$address.ip|escape}</code></td>
            <td><span class="label label-{if $address.status == 'free'}success{elseif $address.status == 'assigned'}primary{elseif $address.status == 'reserved'}default{else}warning{/if}">{$address.status|escape}</span></td>
            <td>{$address.pool|escape}</td>
            <td>{if $address.service_id}<a href="clientsservices.php?id={$address.service_id|escape:'url'}">#{$address.service_id|escape}</a> {$address.domain|escape} <span class="text-muted">{$address.client|escape}</span>{/if}</td>
            <td>{$address.note|escape}</td>
        </tr>
    {foreachelse}
        <tr><td colspan="5" class="text-muted">{$_lang.no_addresses|escape}</td></tr>
    {/foreach}
    </tbody>
</table>
<nav class="clearfix">
    <span class="text-muted">{$_lang.page|escape} {$data.page|escape} / {$data.pages|escape} · {$data.total|escape} {$_lang.address_rows|escape}</span>
    <span class="pull-right">
        {if $data.page > 1}<a class="btn btn-default btn-sm" href="{$modulelink}&amp;action=subnet&amp;id={$subnet.id|escape:'url'}&amp;q={$data.search|escape:'url'}&amp;page={$data.page - 1}">{$_lang.previous|escape}</a>{/if}
        {if $data.page < $data.pages}<a class="btn btn-default btn-sm" href="{$modulelink}&amp;action=subnet&amp;id={$subnet.id|escape:'url'}&amp;q={$data.search|escape:'url'}&amp;page={$data.page + 1}">{$_lang.next|escape}</a>{/if}
    </span>
</nav>
