<?php
/**
 * IP Manager's scheduled work: usage alerts, the IP Cleaner (when enabled in
 * the module configuration) and log retention. Run it from the WHMCS root:
 *
 *     php modules/addons/ipmanager/cron/usage_alerts.php
 *
 * WHMCS's daily cron does the same through the DailyCronJob hook, so this
 * line is optional; whichever runs first on a day does the work.
 */

if (PHP_SAPI !== 'cli') {
    http_response_code(403);
    exit("This script runs from the command line only.\n");
}

const IPMANAGER_CRON_USAGE = <<<'TXT'
Usage: php modules/addons/ipmanager/cron/usage_alerts.php [options]
Run from the WHMCS root directory (or give the full path of this file).

Runs IP Manager's scheduled tasks, in this order:
  alerts   usage of every subnet and pool against its threshold; one email per crossing
  cleaner  the IP Cleaner with the configured behavior (only when IP Cleaner Enabled is on)
  logs     deletes log entries older than the retention set on Addons > IP Manager > Settings

Options:
  --task=NAME   run only this task: alerts, cleaner or logs
  --dry-run     show what would happen; change nothing, send nothing
  --force       run even if the task already ran today
  -h, --help    show this help

Each task runs once a day, whether from this script or from WHMCS's daily cron,
and never twice at the same time: a second run says so and stops.
Exit status: 0 done or nothing to do, 1 a task failed, 2 wrong usage.

TXT;

$known = ['--help', '-h', '--dry-run', '--force'];
$unknown = array_filter(array_slice($argv, 1), static fn ($a) => !in_array($a, $known, true) && strpos($a, '--task=') !== 0);
$options = getopt('h', ['help', 'task:', 'dry-run', 'force']);
if (isset($options['h']) || isset($options['help'])) {
    echo IPMANAGER_CRON_USAGE;
    exit(0);
}
if ($unknown !== []) {
    fwrite(STDERR, 'Unknown option: ' . implode(' ', $unknown) . "\n\n" . IPMANAGER_CRON_USAGE);
    exit(2);
}

$root = dirname(__DIR__, 4);
if (!is_file($root . '/init.php')) {
    fwrite(STDERR, "WHMCS's init.php is not in {$root}. Keep this script in modules/addons/ipmanager/cron/ inside WHMCS.\n");
    exit(2);
}
chdir($root);
require_once $root . '/init.php';
require_once dirname(__DIR__) . '/lib/Runtime.php';

use WHMCS\Module\Addon\Ipmanager\Runtime;

$problem = Runtime::boot() ?? Runtime::schemaProblem(['system' => 'cron'], Runtime::language());
if ($problem !== null) {
    fwrite(STDERR, "IP Manager cannot run: {$problem}\n");
    exit(1);
}

try {
    $outcomes = ipmanager_task_run(['system' => 'cron'], [
        'task' => (string) ($options['task'] ?? ''),
        'trigger' => 'cron',
        'dry_run' => isset($options['dry-run']),
        'force' => isset($options['force']),
    ]);
} catch (\IpManagerInvalidInputException $e) {
    fwrite(STDERR, $e->getMessage() . "\n\n" . IPMANAGER_CRON_USAGE);
    exit(2);
} catch (\Throwable $e) {
    fwrite(STDERR, 'IP Manager: ' . $e->getMessage() . "\n");
    exit(1);
}
foreach ($outcomes as $outcome) {
    echo '[', $outcome['task'], '] ', strtoupper($outcome['status']), "\n";
    foreach ($outcome['lines'] as $line) {
        echo '  ', str_replace("\n", "\n  ", $line), "\n";
    }
}
exit(in_array('failed', array_column($outcomes, 'status'), true) ? 1 : 0);
