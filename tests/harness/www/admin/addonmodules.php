<?php
/**
 * Admin addon router, addonmodules.php?module=NAME (whmcs-reference.md 1.3, 1.4, 9.2): role
 * check against the `access` setting, upgrade on version change, then NAME_output() (echoed,
 * captured) and NAME_sidebar() (returned) inside the admin layout.
 */

use Harness\AddonModules;
use Harness\AdminArea;
use function Harness\e;
use function Harness\redirect;

define('ADMINAREA', true);
require dirname(__DIR__) . '/init.php';

$admin = AdminArea::boot();
$module = (string) ($_GET['module'] ?? '');
if ($module === '') {
    redirect('index.php');
}
if (!AddonModules::isActive($module) || !AddonModules::load($module)) {
    http_response_code(404);
    AdminArea::render($admin, 'Addon Modules', '<div class="alert alert-danger">Invalid module name: ' . e($module) . '</div>');
    return;
}
if (!AddonModules::canAccess($module, (int) $admin->roleid)) {
    http_response_code(403);
    AdminArea::render($admin, 'Access Denied', '<div class="alert alert-danger">Access Denied: your administrator role does not have access to this addon module.</div>');
    return;
}

AddonModules::upgradeIfNeeded($module);
$vars = AddonModules::vars($module, 'addonmodules.php?module=' . $module, AdminArea::language($admin));

$output = '';
if (function_exists($module . '_output')) {
    ob_start();
    try {
        call_user_func($module . '_output', $vars);
    } finally {
        $output = (string) ob_get_clean();
    }
}
$sidebar = function_exists($module . '_sidebar') ? (string) call_user_func($module . '_sidebar', $vars) : '';

$title = (string) (AddonModules::config($module)['name'] ?? $module);
AdminArea::render($admin, $title, AdminArea::injectToken($output), AdminArea::injectToken($sidebar));
