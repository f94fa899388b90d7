<?php
/** Client logout: forgets the client and returns to the portal home. */

use function Harness\redirect;

define('CLIENTAREA', true);
require __DIR__ . '/init.php';

unset($_SESSION['uid']);
session_regenerate_id(true);
redirect('index.php');
