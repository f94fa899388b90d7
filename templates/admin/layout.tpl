{* Admin page frame: the tab menu of the user guide, a flash message, then the page. *}
<div id="ipmanager" class="ipmanager-admin">
    <ul class="nav nav-tabs" role="tablist" style="margin-bottom:15px">
        {foreach $tabs as $tab}
            <li role="presentation"{if $tab.action == $activeTab} class="active"{/if}>
                <a href="{$modulelink}&amp;action={$tab.action|escape:'url'}" data-tab="{$tab.action|escape}">{$tab.label|escape}</a>
            </li>
        {/foreach}
    </ul>
    {if $flash}
        <div class="alert alert-{$flash.level|escape} ipmanager-flash" role="alert" style="white-space:pre-line">{$flash.message|escape}</div>
    {/if}
    {if $error}
        <div class="alert alert-danger ipmanager-form-error" role="alert">{$error|escape}</div>
    {/if}
    {include file="admin/$page.tpl"}
</div>
