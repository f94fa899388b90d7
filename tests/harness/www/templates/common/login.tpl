{* Client login form (field names as WHMCS's: username, password, token). *}
{if $errormessage}{include file="$template/includes/alert.tpl" type="error" msg=$errormessage|escape}{/if}
<form method="post" action="{$WEB_ROOT}/login.php" class="login-form">
    <input type="hidden" name="token" value="{$token|escape}">
    <div class="form-group">
        <label for="inputEmail">{lang key='loginemail'}</label>
        <input type="email" name="username" id="inputEmail" class="form-control" value="{$username|escape}" autofocus>
    </div>
    <div class="form-group">
        <label for="inputPassword">{lang key='loginpassword'}</label>
        <input type="password" name="password" id="inputPassword" class="form-control">
    </div>
    <button type="submit" id="login" class="btn btn-primary">{lang key='loginbutton'}</button>
</form>
