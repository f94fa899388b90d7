{* One Bootstrap 3 panel per menu item; labels may contain HTML, as in WHMCS. *}
{foreach $sidebar->getChildren() as $panel}
    <div menuItemName="{$panel->getName()|escape}" class="panel panel-sidebar panel-default">
        <div class="panel-heading">
            <h3 class="panel-title">{if $panel->getIcon()}<i class="{$panel->getIcon()|escape}"></i> {/if}{$panel->getLabel()}</h3>
        </div>
        {if $panel->hasChildren()}
            <div class="list-group">
                {foreach $panel->getChildren() as $child}
                    {if $child->getUri()}
                        <a menuItemName="{$child->getName()|escape}" href="{$child->getUri()|escape}" class="list-group-item">{if $child->getIcon()}<i class="{$child->getIcon()|escape}"></i> {/if}{$child->getLabel()}</a>
                    {else}
                        <div menuItemName="{$child->getName()|escape}" class="list-group-item">{if $child->getIcon()}<i class="{$child->getIcon()|escape}"></i> {/if}{$child->getLabel()}</div>
                    {/if}
                {/foreach}
            </div>
        {/if}
    </div>
{/foreach}
