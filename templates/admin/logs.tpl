{$filters = $query}
<form method="get" action="addonmodules.php" class="form-inline" style="margin-bottom:12px" id="ipmanager-log-filters">
    <input type="hidden" name="module" value="ipmanager">
    <input type="hidden" name="action" value="logs">
    <select class="form-control" name="log_action"><option value="">{$_lang.log_action|escape}: {$_lang.all|escape}</option>
        {foreach $data.actions as $action}<option value="{$action|escape}"{if $filters.log_action|default:'' == $action} selected{/if}>{$action|escape}</option>{/foreach}</select>
    <input class="form-control" name="admin_id" value="{$filters.admin_id|default:''|escape}" placeholder="{$_lang.admin_id|escape}" size="7">
    <input class="form-control" name="client_id" value="{$filters.client_id|default:''|escape}" placeholder="{$_lang.client_id|escape}" size="7">
    <input class="form-control" name="service_id" value="{$filters.service_id|default:''|escape}" placeholder="{$_lang.service_id|escape}" size="7">
    <input class="form-control" name="address" value="{$filters.address|default:''|escape}" placeholder="{$_lang.address|escape}" size="14">
    <input class="form-control" type="date" name="from" value="{$filters.from|default:''|escape}" aria-label="{$_lang.from|escape}">
    <input class="form-control" type="date" name="to" value="{$filters.to|default:''|escape}" aria-label="{$_lang.to|escape}">
    <button class="btn btn-default">{$_lang.filter|escape}</button>
</form>
<form method="post" action="{$modulelink}&amp;action=logs_download" style="margin-bottom:10px">
    <input type="hidden" name="token" value="{$csrfToken|escape}">
    {foreach ['log_action', 'admin_id', 'client_id', 'service_id', 'address', 'from', 'to'] as $field}
        <input type="hidden" name="{$field}" value="{$filters[$field]|default:''|escape}">
    {/foreach}
    <button class="btn btn-default btn-sm" id="ipmanager-logs-csv"><i class="fa fa-download"></i> {$_lang.download_csv|escape}</button>
</form>
<table class="table table-striped table-condensed" id="ipmanager-logs">
    <thead><tr><th>ID</th><th>{$_lang.date|escape}</th><th>{$_lang.actor|escape}</th><th>{$_lang.log_action|escape}</th><th>{$_lang.details|escape}</th><th>{$_lang.address|escape}</th><th>{$_lang.service|escape}</th><th>{$_lang.request_ip|escape}</th></tr></thead>
    <tbody>
    {foreach $data.rows as $row}
        <tr>
            <td>{$row.id|escape}</td>
            <td class="text-nowrap">{$row.created_at|escape}</td>
            <td>{$row.actor|escape}</td>
            <td><code>{$row.action|escape}</code></td>
            <td>{$row.details|escape}</td>
            <td>{$row.ip|escape}</td>
            <td>{if $row.service_id}<a href="clientsservices.php?id={$row.service_id|escape:'url'}">#{$row.service_id|escape}</a>{/if}</td>
            <td>{$row.request_ip|escape}</td>
        </tr>
    {foreachelse}
        <tr><td colspan="8" class="text-muted">{$_lang.no_logs|escape}</td></tr>
    {/foreach}
    </tbody>
</table>
<nav class="clearfix">
    <span class="text-muted">{$_lang.page|escape} {$data.page|escape} / {$data.pages|escape} · {$data.total|escape} {$_lang.log_entries|escape}</span>
    <span class="pull-right">
        {foreach ['previous' => $data.page - 1, 'next' => $data.page + 1] as $label => $target}
            {if $target >= 1 && $target <= $data.pages}
                <a class="btn btn-default btn-sm" href="{$modulelink}&amp;action=logs&amp;log_action={$filters.log_action|default:''|escape:'url'}&amp;admin_id={$filters.admin_id|default:''|escape:'url'}&amp;client_id={$filters.client_id|default:''|escape:'url'}&amp;service_id={$filters.service_id|default:''|escape:'url'}&amp;address={$filters.address|default:''|escape:'url'}&amp;from={$filters.from|default:''|escape:'url'}&amp;to={$filters.to|default:''|escape:'url'}&amp;page={$target}">{$_lang[$label]|escape}</a>
            {/if}
        {/foreach}
    </span>
</nav>
