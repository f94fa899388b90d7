<?php
/**
 * IP Manager hooks. WHMCS loads this file on every page, so it must never
 * break one: each hook body runs through Runtime::guardHook, which logs a
 * missing or mismatched extension or an unreachable database and lets WHMCS
 * carry on.
 */

use WHMCS\Module\Addon\Ipmanager\Runtime;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/Runtime.php';
require_once __DIR__ . '/lib/View.php';

/**
 * Before the server module creates the account: allocate the service's
 * addresses, write them to WHMCS and return them so the module receives them
 * in its params. No free address aborts the create (WHMCS shows why). When
 * the extension is not available at all, WHMCS provisions as if IP Manager
 * were not installed; when it fails half-way, the create is aborted rather
 * than run without the address the product should have.
 */
add_hook('PreModuleCreate', 1, static function (array $vars) {
    $params = $vars['params'] ?? [];
    return Runtime::guardHook('PreModuleCreate', static function () use ($params) {
        $outcome = ipmanager_provision(['system' => 'hook'], [
            'service_id' => (int) ($params['serviceid'] ?? 0),
            'customfields' => $params['customfields'] ?? [],
        ]);
        return $outcome['hook_return'];
    }, [], ['abortcmd' => true]);
});

/**
 * Before a package change or configurable-option upgrade reaches the server
 * module: follow the Additional IPs quantity, and hand the module the
 * addresses the service now has.
 */
add_hook('PreModuleChangePackage', 1, static function (array $vars) {
    $serviceId = (int) ($vars['params']['serviceid'] ?? 0);
    return Runtime::guardHook('PreModuleChangePackage', static function () use ($serviceId) {
        return ipmanager_service_event(['system' => 'hook'], ['service_id' => $serviceId, 'event' => 'changed'])['hook_return'];
    }, []);
});

/** Service events that change which addresses a service holds. */
$ipmanagerServiceEvent = static function (string $event, string $hookPoint) {
    return static function (array $vars) use ($event, $hookPoint) {
        $serviceId = (int) ($vars['params']['serviceid'] ?? $vars['serviceid'] ?? 0);
        Runtime::guardHook($hookPoint, static function () use ($event, $serviceId) {
            ipmanager_service_event(['system' => 'hook'], ['service_id' => $serviceId, 'event' => $event]);
        });
    };
};
/**
 * WHMCS's daily automation run: the same tasks as cron/usage_alerts.php, so
 * no extra crontab line is needed. A task the script already did today is
 * skipped, and the other way round.
 */
add_hook('DailyCronJob', 1, static function () {
    Runtime::guardHook('DailyCronJob', static function () {
        foreach (ipmanager_task_run(['system' => 'cron'], ['trigger' => 'daily']) as $outcome) {
            if ($outcome['status'] === 'failed') {
                logActivity('IP Manager (DailyCronJob): ' . implode(' ', $outcome['lines']));
            }
        }
    });
});

add_hook('AfterModuleCreate', 1, $ipmanagerServiceEvent('created', 'AfterModuleCreate'));
add_hook('AfterModuleTerminate', 1, $ipmanagerServiceEvent('terminated', 'AfterModuleTerminate'));
add_hook('ServiceDelete', 1, $ipmanagerServiceEvent('deleted', 'ServiceDelete'));

/** A sidebar link to the IP Manager page for clients who hold addresses. */
add_hook('ClientAreaPrimarySidebar', 1, static function ($sidebar) {
    if (empty($_SESSION['uid'])) {
        return;
    }
    Runtime::guardHook('ClientAreaPrimarySidebar', static function () use ($sidebar) {
        if (!ipmanager_client_has_addresses(Runtime::client())) {
            return;
        }
        $lang = Runtime::language();
        $panel = $sidebar->addChild('ipmanager', ['label' => $lang['client_title'] ?? 'IP Manager', 'order' => 90, 'icon' => 'fa fa-sitemap']);
        $panel->addChild('ipmanager-addresses', ['label' => $lang['client_sidebar'] ?? 'My IP addresses', 'uri' => 'index.php?m=ipmanager', 'order' => 1]);
    });
});

/** The IP Manager panel on the admin's service page: the service's addresses. */
add_hook('AdminClientServicesTabFields', 1, static function (array $vars) {
    return Runtime::guardHook('AdminClientServicesTabFields', static function () use ($vars) {
        $lang = Runtime::language();
        $panel = ipmanager_service_panel(Runtime::admin(), ['service_id' => (int) ($vars['id'] ?? 0)]);
        $html = WHMCS\Module\Addon\Ipmanager\View::render('admin/service_panel.tpl', [
            'data' => $panel,
            '_lang' => $lang,
            'modulelink' => 'addonmodules.php?module=ipmanager',
            'csrfToken' => function_exists('generate_token') ? generate_token('plain') : '',
        ]);
        return [$lang['ip_manager_panel'] ?? 'IP Manager' => $html];
    }, []);
});

/** On the product's Other tab: a link to the one-click Additional IPs option. */
add_hook('AdminProductConfigFields', 1, static function (array $vars) {
    $lang = Runtime::language();
    $productId = (int) ($vars['pid'] ?? 0);
    $link = 'addonmodules.php?module=ipmanager&action=settings&product_id=' . $productId . '#extra-ips';
    return [
        $lang['ip_manager_panel'] ?? 'IP Manager' => htmlspecialchars($lang['product_panel_help'] ?? '', ENT_QUOTES)
            . ' <a href="' . htmlspecialchars($link, ENT_QUOTES) . '">'
            . htmlspecialchars($lang['create_option'] ?? 'Create Additional IPs option', ENT_QUOTES) . '</a>',
    ];
});
