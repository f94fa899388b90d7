<?php
/**
 * PHPUnit bootstrap: builds a throwaway harness root on the database named by HARNESS_DB_NAME
 * (created by run-tests.sh), then boots it in-process so unit tests can call the WHMCS
 * functions directly. Web tests start `php -S` on this or additional roots.
 */

use HarnessTests\Support\Roots;

foreach (['Roots', 'WebServer', 'Browser', 'Response', 'FixtureAddon', 'Fixtures', 'WebTestCase'] as $class) {
    require __DIR__ . "/support/{$class}.php";
}

if ((string) getenv('HARNESS_DB_NAME') === '') {
    fwrite(STDERR, "HARNESS_DB_NAME is not set: run the tests through tests/harness/run-tests.sh\n");
    exit(1);
}

Roots::init();
register_shutdown_function([Roots::class, 'cleanup']);
define('HARNESS_TEST_ROOT', Roots::create('main', ['--fresh']));
require HARNESS_TEST_ROOT . '/init.php';
