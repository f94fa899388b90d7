<?php
/**
 * IP Manager hooks. WHMCS loads this file on every page, so it must never
 * break one: each hook body runs through Runtime::guardHook, which logs a
 * missing or mismatched extension or an unreachable database and lets WHMCS
 * carry on.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/Runtime.php';
