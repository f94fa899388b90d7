{* Same parameters as Six's includes/alert.tpl, all optional; msg and errorshtml are HTML. *}
<div class="alert alert-{if empty($type)}info{elseif $type == 'error'}danger{else}{$type|escape}{/if}{if !empty($textcenter)} text-center{/if}{if !empty($additionalClasses)} {$additionalClasses|escape}{/if}{if !empty($hide)} hidden{/if}"{if !empty($idname)} id="{$idname|escape}"{/if}>
    {if !empty($errorshtml)}<ul>{$errorshtml}</ul>{elseif isset($msg)}{$msg}{/if}
</div>
