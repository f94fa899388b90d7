<?php
/**
 * Setup > Addon Modules from the command line, through the same code as configaddonmods.php
 * and addonmodules.php (Harness\AddonModules):
 *
 * php addon.php --root=DIR activate|deactivate|upgrade-check NAME
 */

use Harness\AddonModules;

require __DIR__ . '/cli.php';

[$options, $arguments] = harness_cli_args($argv);
$root = harness_cli_root($options);
[$action, $module] = array_pad($arguments, 2, '');
if (!in_array($action, ['activate', 'deactivate', 'upgrade-check'], true) || $module === '') {
    harness_cli_fail('usage: php addon.php --root=DIR activate|deactivate|upgrade-check NAME');
}

require $root . '/init.php';

if ($action === 'upgrade-check') {
    if (!AddonModules::isActive($module)) {
        harness_cli_fail("{$module} is not active");
    }
    $previous = AddonModules::upgradeIfNeeded($module);
    echo $previous === null ? "{$module}: up to date\n" : "{$module}: upgraded from {$previous}\n";
    exit(0);
}

$result = $action === 'activate' ? AddonModules::activate($module) : AddonModules::deactivate($module);
echo "{$module}: {$action} {$result['status']}" . ($result['description'] !== '' ? " - {$result['description']}" : '') . "\n";
exit($result['status'] === 'error' ? 1 : 0);
