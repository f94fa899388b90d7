{* Client area: the client's services and their addresses. Markup works in Six (Bootstrap 3) and Twenty-One (Bootstrap 4). *}
<div id="ipmanager-client">
    {if $problem|default:''}<div class="alert alert-warning">{$problem|escape}</div>{/if}
    {if $error|default:''}<div class="alert alert-danger" id="ipmanager-client-error">{$error|escape}</div>{/if}
    {if $success|default:''}<div class="alert alert-success" id="ipmanager-client-success">{$success|escape}</div>{/if}
    {if isset($overview)}
        <p>{$_lang.client_intro|escape}</p>
        {foreach $overview.services as $service}
            <div class="card panel panel-default mb-3" data-service="{$service.id|escape}">
                <div class="card-header panel-heading">
                    <strong>{$service.product|escape}</strong> {$service.domain|escape}
                    {if $service.order_more_url}<a class="btn btn-sm btn-default btn-outline-primary float-right pull-right ipmanager-order-more" href="{$service.order_more_url|escape}">{$_lang.order_more|escape}</a>{/if}
                </div>
                <table class="table table-striped mb-0">
                    <thead><tr><th>{$_lang.address|escape}</th><th>{$_lang.version|escape}</th><th>{$_lang.subnet|escape}</th><th></th></tr></thead>
                    <tbody>
                    {foreach $service.addresses as $address}
                        <tr>
                            <td><code>{$address.ip|escape}</code></td>
                            <td>IPv{$address.version|escape}</td>
                            <td>{$address.subnet|escape}{if $address.pool} <span class="text-muted">({$address.pool|escape})</span>{/if}</td>
                            <td class="text-right"><a class="btn btn-sm btn-danger ipmanager-unassign" href="{$modulelink}&amp;action=unassign&amp;service_id={$service.id|escape:'url'}&amp;address_id={$address.address_id|escape:'url'}">{$_lang.unassign|escape}</a></td>
                        </tr>
                    {foreachelse}
                        <tr><td colspan="4" class="text-muted">{$_lang.no_assigned_addresses|escape}</td></tr>
                    {/foreach}
                    </tbody>
                </table>
            </div>
        {foreachelse}
            <div class="alert alert-info">{$_lang.client_none|escape}</div>
        {/foreach}
    {/if}
</div>
