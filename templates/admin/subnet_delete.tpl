<h2>{$_lang.delete_subnet|escape}: {$data.name|escape} <small><code>{$data.cidr|escape}</code></small></h2>
{if $data.allowed}
    <div class="alert alert-warning" id="ipmanager-delete-consequences">
        <p>{$_lang.delete_subnet_confirm|escape}</p>
        <ul>
            <li>{$data.pools|escape} {$_lang.pools|escape}</li>
            <li>{$data.address_rows|escape} {$_lang.addresses|escape}</li>
            <li>{$data.relations|escape} configuration relations</li>
        </ul>
    </div>
    <form method="post" action="{$modulelink}&amp;action=subnet_delete">
        <input type="hidden" name="token" value="{$csrfToken|escape}">
        <input type="hidden" name="id" value="{$data.id|escape}">
        <button class="btn btn-danger" id="ipmanager-confirm-delete">{$_lang.delete|escape}</button>
        <a class="btn btn-default" href="{$modulelink}&amp;action=subnets">{$_lang.cancel|escape}</a>
    </form>
{else}
    <div class="alert alert-danger" id="ipmanager-delete-refused">{$data.reason|escape}</div>
    <a class="btn btn-default" href="{$modulelink}&amp;action=subnet&amp;id={$data.id|escape:'url'}">{$_lang.view|escape}</a>
{/if}
