<?php
/** Admin logout. */

use function Harness\redirect;

define('ADMINAREA', true);
require dirname(__DIR__) . '/init.php';

unset($_SESSION['adminid']);
session_regenerate_id(true);
redirect('login.php');
