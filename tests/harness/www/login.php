<?php
/**
 * Client login: tblclients email + password (password_hash), sets $_SESSION['uid'] and returns
 * to the page that required the login.
 */

use Harness\ClientArea;
use WHMCS\Database\Capsule;
use function Harness\redirect;

define('CLIENTAREA', true);
require __DIR__ . '/init.php';

$email = (string) ($_POST['username'] ?? '');
$error = '';
if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
    if (!check_token()) {
        $error = 'Invalid CSRF Protection Token';
    } else {
        $client = Capsule::table('tblclients')->where('email', $email)->where('status', '!=', 'Closed')->first();
        if ($client !== null && password_verify((string) ($_POST['password'] ?? ''), (string) $client->password)) {
            session_regenerate_id(true);
            $_SESSION['uid'] = (int) $client->id;
            $target = (string) ($_SESSION['harness_login_redirect'] ?? 'index.php');
            unset($_SESSION['harness_login_redirect']);
            redirect($target);
        }
        $error = 'Login Details Incorrect. Please try again.';
    }
}

ClientArea::render('common/login.tpl', ['pagetitle' => 'Login', 'username' => $email, 'errormessage' => $error]);
