<p><a class="btn btn-success" href="{$modulelink}&amp;action=configuration" id="ipmanager-add-configuration"><i class="fa fa-plus"></i> {$_lang.add_configuration|escape}</a></p>
{if $data}
    <table class="table table-striped table-condensed" id="ipmanager-configurations">
        <thead><tr><th>{$_lang.name|escape}</th><th>{$_lang.products|escape}</th><th>{$_lang.servers|escape}</th><th>{$_lang.relations|escape}</th><th class="text-right">{$_lang.actions|escape}</th></tr></thead>
        <tbody>
        {foreach $data as $configuration}
            <tr>
                <td><a href="{$modulelink}&amp;action=configuration&amp;id={$configuration.id|escape:'url'}">{$configuration.name|escape}</a></td>
                <td>{$configuration.products|escape}</td>
                <td>{$configuration.servers|escape}</td>
                <td>{$configuration.other_relations|escape}</td>
                <td class="text-right text-nowrap">
                    <a class="btn btn-xs btn-default" href="{$modulelink}&amp;action=configuration&amp;id={$configuration.id|escape:'url'}">{$_lang.edit|escape}</a>
                    <form method="post" action="{$modulelink}&amp;action=configuration_delete" style="display:inline" onsubmit="return confirm('{$_lang.delete_configuration_confirm|escape:'javascript'}');">
                        <input type="hidden" name="token" value="{$csrfToken|escape}">
                        <input type="hidden" name="id" value="{$configuration.id|escape}">
                        <button class="btn btn-xs btn-danger">{$_lang.delete|escape}</button>
                    </form>
                </td>
            </tr>
        {/foreach}
        </tbody>
    </table>
{else}
    <div class="alert alert-info">{$_lang.no_configurations|escape}</div>
{/if}
