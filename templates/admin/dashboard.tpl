<div class="row" id="ipmanager-dashboard">
    {foreach ['subnets' => 'dashboard_subnets', 'pools' => 'dashboard_pools', 'assigned_ips' => 'dashboard_assigned', 'free_ips' => 'dashboard_free'] as $key => $label}
        <div class="col-sm-6 col-md-3">
            <div class="panel panel-default text-center" data-count="{$key}">
                <div class="panel-body">
                    <div class="h2 ipmanager-count" style="margin-top:0">{$data[$key]|escape}</div>
                    <div class="text-muted">{$_lang[$label]|escape}</div>
                </div>
            </div>
        </div>
    {/foreach}
</div>
<p class="text-muted small">{$_lang.dashboard_free_hint|escape}</p>
<p>
    <a class="btn btn-success" href="{$modulelink}&amp;action=subnet_form"><i class="fa fa-plus"></i> {$_lang.add_subnet|escape}</a>
    <a class="btn btn-default" href="{$modulelink}&amp;action=pool_form"><i class="fa fa-plus"></i> {$_lang.add_pool|escape}</a>
</p>
{if $data.usage}
    <h3>{$_lang.subnet_usage|escape}</h3>
    <table class="table table-condensed" id="ipmanager-dashboard-usage">
        {foreach $data.usage as $row}
            <tr>
                <td style="width:35%"><a href="{$modulelink}&amp;action=subnet&amp;id={$row.id|escape:'url'}">{$row.name|escape}</a> <span class="text-muted">{$row.cidr|escape}</span></td>
                <td>{include file="admin/usage_bar.tpl" usage=$row.usage}</td>
            </tr>
        {/foreach}
    </table>
{/if}
