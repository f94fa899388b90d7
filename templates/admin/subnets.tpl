<p><a class="btn btn-success" href="{$modulelink}&amp;action=subnet_form" id="ipmanager-add-subnet"><i class="fa fa-plus"></i> {$_lang.add_subnet|escape}</a></p>
{if $data}
    <table class="table table-striped table-condensed" id="ipmanager-subnets">
        <thead>
            <tr><th>{$_lang.name|escape}</th><th>{$_lang.cidr|escape}</th><th>{$_lang.gateway|escape}</th><th>{$_lang.pools|escape}</th><th>{$_lang.usage|escape}</th><th>{$_lang.rdns_zone|escape}</th><th class="text-right">{$_lang.actions|escape}</th></tr>
        </thead>
        <tbody>
            {foreach $data as $subnet}
                <tr data-subnet="{$subnet.cidr|escape}">
                    <td style="padding-left:{8 + $subnet.depth * 20}px">{if $subnet.depth}<i class="fa fa-level-up fa-rotate-90 text-muted"></i> {/if}<a href="{$modulelink}&amp;action=subnet&amp;id={$subnet.id|escape:'url'}">{$subnet.name|escape}</a></td>
                    <td><code>{$subnet.cidr|escape}</code>{if $subnet.store_free_ips} <span class="label label-default">stored</span>{/if}</td>
                    <td>{$subnet.gateway|default:'—'|escape}</td>
                    <td>{$subnet.pools|escape}</td>
                    <td>{include file="admin/usage_bar.tpl" usage=$subnet.usage}</td>
                    <td class="small">{foreach $subnet.reverse_zones as $zone}<div><code>{$zone|escape}</code></div>{/foreach}</td>
                    <td class="text-right text-nowrap">
                        <a class="btn btn-xs btn-default" href="{$modulelink}&amp;action=subnet_form&amp;id={$subnet.id|escape:'url'}">{$_lang.edit|escape}</a>
                        <a class="btn btn-xs btn-danger" href="{$modulelink}&amp;action=subnet_delete&amp;id={$subnet.id|escape:'url'}">{$_lang.delete|escape}</a>
                    </td>
                </tr>
            {/foreach}
        </tbody>
    </table>
{else}
    <div class="alert alert-info">{$_lang.no_subnets|escape}</div>
{/if}
