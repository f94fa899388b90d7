<?php
/** Admin login: tbladmins username + password (password_hash); sets $_SESSION['adminid']. */

use Harness\AdminArea;
use WHMCS\Database\Capsule;
use function Harness\e;
use function Harness\redirect;

define('ADMINAREA', true);
require dirname(__DIR__) . '/init.php';

AdminArea::checkCsrf();
$username = (string) ($_POST['username'] ?? '');
$error = '';
if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
    $admin = Capsule::table('tbladmins')->where('username', $username)->where('disabled', 0)->first();
    if ($admin !== null && password_verify((string) ($_POST['password'] ?? ''), (string) $admin->password)) {
        session_regenerate_id(true);
        $_SESSION['adminid'] = (int) $admin->id;
        $target = (string) ($_SESSION['harness_admin_redirect'] ?? 'index.php');
        unset($_SESSION['harness_admin_redirect']);
        redirect($target);
    }
    $error = 'Login Details Incorrect. Please try again.';
}

$html = ($error !== '' ? '<div class="alert alert-danger">' . e($error) . '</div>' : '') . '
<form method="post" action="login.php" class="form-horizontal" style="max-width: 420px">
    <input type="hidden" name="token" value="' . e(harness_csrf_token()) . '">
    <div class="form-group"><label class="col-sm-4 control-label" for="username">Username</label>
        <div class="col-sm-8"><input type="text" class="form-control" name="username" id="username" value="' . e($username) . '" autofocus></div></div>
    <div class="form-group"><label class="col-sm-4 control-label" for="password">Password</label>
        <div class="col-sm-8"><input type="password" class="form-control" name="password" id="password"></div></div>
    <div class="form-group"><div class="col-sm-offset-4 col-sm-8"><button type="submit" class="btn btn-primary">Login</button></div></div>
</form>';
AdminArea::render(null, 'Admin Login', $html);
