<?php
// Theme strings ($_LANG) used by the harness layouts, with WHMCS's key names.
$_LANG['loginbutton'] = 'Login';
$_LANG['logouttitle'] = 'Logout';
$_LANG['loginemail'] = 'Email Address';
$_LANG['loginpassword'] = 'Password';
$_LANG['login'] = 'Login';
$_LANG['hello'] = 'Hello';
