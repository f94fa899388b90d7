<?php
/**
 * WHMCS's system cron (`php -q crons/cron.php`), reduced to the hook points
 * addons see (ref §7): PreCronJob, the daily run ending in DailyCronJob, then
 * AfterCronJob. The harness has no scheduled tasks of its own, so every call
 * is a daily run.
 */

if (PHP_SAPI !== 'cli') {
    http_response_code(403);
    exit("cron.php runs from the command line only.\n");
}
require dirname(__DIR__) . '/init.php';

run_hook('PreCronJob', []);
run_hook('DailyCronJobPreEmail', []);
run_hook('DailyCronJob', []);
run_hook('AfterCronJob', []);
echo "Cron run complete.\n";
