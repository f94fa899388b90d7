<?php
/**
 * WHMCS bootstrap as seen by modules: every page, hook and standalone script starts with
 * `require 'init.php'` (whmcs-reference.md 4 and 7). After it: WHMCS and ROOTDIR are defined,
 * the configuration.php variables are globals, the session is open (web requests), the WHMCS
 * helper functions exist, Capsule is connected, `new \Smarty()` works, module classes autoload
 * and the hooks of includes/hooks/ and of every active addon are registered.
 */

if (defined('WHMCS')) {
    return;
}
define('WHMCS', true);
define('ROOTDIR', __DIR__);

if (!is_file(ROOTDIR . '/configuration.php')) {
    http_response_code(500);
    fwrite(PHP_SAPI === 'cli' ? STDERR : fopen('php://output', 'w'), "configuration.php is missing: run tests/harness/bin/configure.php --root=" . ROOTDIR . "\n");
    exit(1);
}

// WHMCS includes configuration.php in the global scope and module code reads it with `global`.
// Exporting explicitly keeps that true when init.php itself is required inside a function
// (PHPUnit, addon cron scripts).
(static function (): void {
    require ROOTDIR . '/configuration.php';
    foreach (get_defined_vars() as $name => $value) {
        $GLOBALS[$name] = $value;
    }
})();

if (PHP_SAPI !== 'cli' && session_status() === PHP_SESSION_NONE) {
    // One cookie name per root, so two harness roots on the same host keep separate sessions.
    session_name('WHMCS' . substr(sha1(ROOTDIR), 0, 10));
    session_start();
} elseif (!isset($_SESSION)) {
    $_SESSION = [];
}

// illuminate/database as packaged by Debian (php-illuminate-database); WHMCS bundles its own copy.
require_once 'Illuminate/Database/autoload.php';
foreach (glob(ROOTDIR . '/includes/harness/*.php') as $harnessFile) {
    require_once $harnessFile;
}
unset($harnessFile);

Harness\Database::boot();
Harness\View::loadSmarty();
Harness\ModuleAutoloader::register();
Harness\Hooks::loadHookFiles();
