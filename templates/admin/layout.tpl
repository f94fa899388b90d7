{* Admin page frame: the tab menu of the user guide, then the page. *}
<div id="ipmanager" class="ipmanager-admin">
    <ul class="nav nav-tabs" role="tablist" style="margin-bottom:15px">
        {foreach $tabs as $tab}
            <li role="presentation"{if $tab.action == $activeTab} class="active"{/if}>
                <a href="{$modulelink}&amp;action={$tab.action|escape:'url'}" data-tab="{$tab.action|escape}">{$tab.label|escape}</a>
            </li>
        {/foreach}
    </ul>
    {include file="admin/$page.tpl"}
</div>
