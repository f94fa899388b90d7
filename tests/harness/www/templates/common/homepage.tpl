{* Portal home: shared by both themes (uses only classes Bootstrap 3 and 4 have in common). *}
{if $loggedin}
    <p>{lang key='hello'}, {$client.firstname|escape}.</p>
{else}
    <p><a class="btn btn-primary" href="{$WEB_ROOT}/login.php">{lang key='login'}</a></p>
{/if}
