<?php
/**
 * Client area entry point. index.php?m=NAME is the addon router (whmcs-reference.md 1.5, 9.3):
 * NAME_clientarea($vars) → requirelogin → templatefile rendered with Smarty inside the theme,
 * after the ClientAreaPageAddonModule hooks. Without ?m it shows a minimal portal home.
 */

use Harness\AddonModules;
use Harness\ClientArea;
use function Harness\redirect;

define('CLIENTAREA', true);
require __DIR__ . '/init.php';

$module = (string) ($_GET['m'] ?? '');
if ($module === '') {
    ClientArea::render('common/homepage.tpl', ['pagetitle' => 'Portal Home']);
    return;
}

if (!AddonModules::isActive($module) || !AddonModules::load($module) || !function_exists($module . '_clientarea')) {
    http_response_code(404);
    ClientArea::render('common/error.tpl', ['pagetitle' => 'Page Not Found', 'errormessage' => 'The requested addon page does not exist.']);
    return;
}

$client = ClientArea::client();
$moduleLink = 'index.php?m=' . $module;
$page = (array) call_user_func($module . '_clientarea', AddonModules::vars($module, $moduleLink, ClientArea::language($client)));

if (!empty($page['requirelogin']) && $client === null) {
    $_SESSION['harness_login_redirect'] = (string) ($_SERVER['REQUEST_URI'] ?? $moduleLink);
    redirect('login.php');
}

$template = ClientArea::addonTemplate($module, (string) ($page['templatefile'] ?? ''));
if ($template === null) {
    http_response_code(500);
    ClientArea::render('common/error.tpl', ['pagetitle' => 'Error', 'errormessage' => 'Template file not found for module ' . $module]);
    return;
}

ClientArea::render('file:' . $template, array_merge((array) ($page['vars'] ?? []), [
    'pagetitle' => (string) ($page['pagetitle'] ?? ''),
    'breadcrumb' => ClientArea::breadcrumb((array) ($page['breadcrumb'] ?? [])),
]), ['ClientAreaPageAddonModule']);
