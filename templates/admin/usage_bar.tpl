{* One usage bar; $usage is a UsageFigures array. *}
<div class="progress ipmanager-usage" style="margin-bottom:0;min-width:120px" title="{$usage.assigned|escape} {$_lang.assigned|escape} / {$usage.usable|escape} {$_lang.usable|escape}">
    <div class="progress-bar progress-bar-{if $usage.bar >= 90}danger{elseif $usage.bar >= 75}warning{else}success{/if}" role="progressbar"
         aria-valuenow="{$usage.bar|escape}" aria-valuemin="0" aria-valuemax="100" style="min-width:3em;width:{$usage.bar|escape}%">{$usage.percent|escape}%</div>
</div>
