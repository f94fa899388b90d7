{* One Bootstrap 4 card per panel; labels may contain HTML, as in WHMCS. *}
{foreach $sidebar->getChildren() as $panel}
    <div menuItemName="{$panel->getName()|escape}" class="mb-3 card card-sidebar">
        <div class="card-header">
            <h3 class="card-title m-0">{if $panel->getIcon()}<i class="{$panel->getIcon()|escape}"></i> {/if}{$panel->getLabel()}</h3>
        </div>
        {if $panel->hasChildren()}
            <div class="list-group list-group-flush">
                {foreach $panel->getChildren() as $child}
                    {if $child->getUri()}
                        <a menuItemName="{$child->getName()|escape}" href="{$child->getUri()|escape}" class="list-group-item list-group-item-action">{if $child->getIcon()}<i class="{$child->getIcon()|escape}"></i> {/if}{$child->getLabel()}</a>
                    {else}
                        <div menuItemName="{$child->getName()|escape}" class="list-group-item">{if $child->getIcon()}<i class="{$child->getIcon()|escape}"></i> {/if}{$child->getLabel()}</div>
                    {/if}
                {/foreach}
            </div>
        {/if}
    </div>
{/foreach}
