<?php
/**
 * PHPUnit runs WITHOUT the extension loaded in its own process: every test
 * that needs it starts PHP (CLI, php -S or FPM) with IPMANAGER_SO, exactly as
 * WHMCS would run it, so a crash in the extension could never hide as a
 * PHPUnit crash.
 */

error_reporting(E_ALL);
require_once __DIR__ . '/support/Process.php';
require_once __DIR__ . '/support/Database.php';
require_once __DIR__ . '/support/Harness.php';
require_once __DIR__ . '/support/Browser.php';
require_once __DIR__ . '/support/ReadsHtml.php';

if (!getenv('IPMANAGER_SO') || !is_file(getenv('IPMANAGER_SO'))) {
    fwrite(STDERR, "IPMANAGER_SO must name the built extension (make test sets it).\n");
    exit(1);
}
