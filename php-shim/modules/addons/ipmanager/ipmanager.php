<?php
/**
 * IP Manager for WHMCS: addon module entry points.
 *
 * Every decision is made by the ipmanager PHP extension (Rust). These
 * functions only hand WHMCS's calls to it and render what it returns.
 */

use WHMCS\Module\Addon\Ipmanager\Admin\Controller as AdminController;
use WHMCS\Module\Addon\Ipmanager\Client\Controller as ClientController;
use WHMCS\Module\Addon\Ipmanager\Runtime;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/Runtime.php';
require_once __DIR__ . '/lib/View.php';
require_once __DIR__ . '/lib/Admin/Controller.php';
require_once __DIR__ . '/lib/Admin/Uploads.php';
require_once __DIR__ . '/lib/Client/Controller.php';

function ipmanager_config()
{
    return [
        'name' => 'IP Manager',
        'description' => 'IPv4/IPv6 subnets and pools, automatic IP assignment on provisioning, '
            . 'synchronisation with WHMCS and client-area IP listing.',
        'author' => 'ipmanager',
        'language' => 'english',
        'version' => Runtime::VERSION,
        'fields' => [
            'usage_alert_threshold' => [
                'FriendlyName' => 'Usage Alert Threshold (%)',
                'Type' => 'text',
                'Size' => '5',
                'Default' => '80',
                'Description' => 'Email the first administrator (and the extra recipients on Settings) when a subnet or pool reaches this usage. Empty or 0 turns alerts off.',
            ],
            'ip_cleaner_enabled' => [
                'FriendlyName' => 'IP Cleaner Enabled',
                'Type' => 'yesno',
                'Description' => 'Run the IP Cleaner with the cron job.',
            ],
            'ip_cleaner_behavior' => [
                'FriendlyName' => 'IP Cleaner Behavior',
                'Type' => 'dropdown',
                'Options' => ['notify' => 'Notify only', 'mark_free' => 'Mark free'],
                'Default' => 'notify',
                'Description' => 'Notify only sends a report; Mark free unassigns the addresses, then reports.',
            ],
            'use_custom_field' => [
                'FriendlyName' => 'Use Custom Field Instead Of Assigned IP',
                'Type' => 'yesno',
                'Description' => 'Allow configurations to write the address to a product custom field.',
            ],
            'delete_data_on_deactivate' => [
                'FriendlyName' => 'Delete all data on deactivate',
                'Type' => 'yesno',
                'Description' => 'Drop every IP Manager table when the module is deactivated. Leave off to keep your data.',
            ],
        ],
    ];
}

/**
 * Runs a lifecycle call and answers in WHMCS's status/description shape. The
 * call is a closure so that nothing names an extension function before
 * Runtime::boot() has checked that the extension is there.
 */
function ipmanager_lifecycle(\Closure $call)
{
    $problem = Runtime::boot();
    if ($problem !== null) {
        return ['status' => 'error', 'description' => $problem];
    }
    try {
        return $call(Runtime::admin());
    } catch (\Throwable $e) {
        return ['status' => 'error', 'description' => $e->getMessage()];
    }
}

function ipmanager_activate()
{
    return ipmanager_lifecycle(static fn (array $admin) => ipmanager_module_activate($admin));
}

function ipmanager_deactivate()
{
    return ipmanager_lifecycle(static fn (array $admin) => ipmanager_module_deactivate($admin));
}

function ipmanager_upgrade($vars)
{
    $previous = (string) ($vars['version'] ?? '');
    $outcome = ipmanager_lifecycle(static fn (array $admin) => ipmanager_module_upgrade($admin, $previous));
    if ($outcome['status'] !== 'success') {
        logActivity('IP Manager upgrade failed: ' . $outcome['description']);
    }
}

function ipmanager_output($vars)
{
    echo (new AdminController($vars))->handle($_GET, $_POST, $_SERVER['REQUEST_METHOD'] ?? 'GET');
}

function ipmanager_clientarea($vars)
{
    return (new ClientController($vars))->handle($_GET, $_POST, $_SERVER['REQUEST_METHOD'] ?? 'GET');
}
