<?php
/**
 * Setup > Addon Modules (whmcs-reference.md 1.2, 1.3, 1.6, 9.1): list, Activate, Deactivate and
 * Configure. Restricted to the Full Administrator role, which stands in for WHMCS's
 * "Configure Addon Modules" permission (the harness has no per-permission table).
 */

use Harness\AddonConfigForm;
use Harness\AddonModules;
use Harness\AdminArea;
use function Harness\e;

define('ADMINAREA', true);
require dirname(__DIR__) . '/init.php';

$admin = AdminArea::boot();
if (!AdminArea::isFullAdmin($admin)) {
    http_response_code(403);
    AdminArea::render($admin, 'Access Denied', '<div class="alert alert-danger">Access Denied</div>');
    return;
}

$message = '';
if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
    $module = (string) ($_POST['module'] ?? '');
    switch ((string) ($_POST['action'] ?? '')) {
        case 'activate':
            $result = AddonModules::activate($module);
            break;
        case 'deactivate':
            $result = AddonModules::deactivate($module);
            break;
        case 'save':
            AddonModules::saveConfiguration($module, (array) ($_POST['fields'] ?? []), (array) ($_POST['access'] ?? []));
            $result = ['status' => 'success', 'description' => 'Changes Saved Successfully!'];
            break;
        default:
            $result = ['status' => 'error', 'description' => 'Unknown action'];
    }
    $class = ['success' => 'success', 'error' => 'danger'][$result['status']] ?? 'info';
    $text = $result['description'] !== '' ? $result['description'] : ucfirst($result['status']);
    $message = '<div class="alert alert-' . $class . '" id="action-result">' . e($text) . '</div>';
}

$configure = (string) ($_GET['configure'] ?? '');
$form = $configure !== '' && AddonModules::isActive($configure) ? AddonConfigForm::configureForm($configure) : '';
AdminArea::render($admin, 'Addon Modules', $message . AddonConfigForm::moduleList() . $form);
