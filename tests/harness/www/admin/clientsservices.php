<?php
/**
 * Admin service page, clientsservices.php?id=N (whmcs-reference.md 2.2): the service's main
 * fields plus the rows from AdminClientServicesTabFields; Save fires PreAdminServiceEdit, stores
 * the fields, then AdminClientServicesTabFieldsSave and AdminServiceEdit. The module command
 * buttons go through the provisioning runner, Delete fires ServiceDelete.
 */

use Harness\AdminArea;
use Harness\Provisioning;
use Harness\Services;
use WHMCS\Database\Capsule;
use function Harness\e;
use function Harness\redirect;

define('ADMINAREA', true);
require dirname(__DIR__) . '/init.php';

const MODULE_COMMANDS = ['Create', 'Suspend', 'Unsuspend', 'Terminate', 'ChangePackage'];
const SERVICE_STATUSES = ['Pending', 'Active', 'Suspended', 'Terminated', 'Cancelled', 'Fraud', 'Completed'];

$admin = AdminArea::boot();
$id = (int) ($_GET['id'] ?? 0);
$service = Services::find($id);
if ($service === null) {
    http_response_code(404);
    AdminArea::render($admin, 'Products/Services', '<div class="alert alert-danger">Service ID not found</div>');
    return;
}

$message = '';
if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
    $action = (string) ($_POST['action'] ?? '');
    if ($action === 'save') {
        run_hook('PreAdminServiceEdit', ['serviceid' => $id]);
        $status = (string) ($_POST['domainstatus'] ?? '');
        Capsule::table('tblhosting')->where('id', $id)->update([
            'domain' => (string) ($_POST['domain'] ?? ''),
            'username' => (string) ($_POST['username'] ?? ''),
            'dedicatedip' => trim((string) ($_POST['dedicatedip'] ?? '')),
            // Browsers submit textareas with CRLF; WHMCS data uses "\n" between IPs.
            'assignedips' => str_replace("\r\n", "\n", (string) ($_POST['assignedips'] ?? '')),
            'domainstatus' => in_array($status, SERVICE_STATUSES, true) ? $status : $service->domainstatus,
            'notes' => (string) ($_POST['notes'] ?? ''),
        ]);
        run_hook('AdminClientServicesTabFieldsSave', $_REQUEST);
        run_hook('AdminServiceEdit', ['userid' => (int) $service->userid, 'serviceid' => $id]);
        $message = '<div class="alert alert-success" id="action-result">Changes Saved Successfully!</div>';
    } elseif ($action === 'module' && in_array($_POST['command'] ?? '', MODULE_COMMANDS, true)) {
        $result = Provisioning::moduleAction($id, $_POST['command']);
        $message = $result['result'] === 'success'
            ? '<div class="alert alert-success" id="action-result">Module Command Successful</div>'
            : '<div class="alert alert-danger" id="action-result">Module Command Failed: ' . e($result['message']) . '</div>';
    } elseif ($action === 'delete') {
        Provisioning::deleteService($id);
        redirect('index.php');
    }
    $service = Services::find($id);
}

$client = Capsule::table('tblclients')->where('id', $service->userid)->first();
$product = Capsule::table('tblproducts as p')->leftJoin('tblproductgroups as g', 'g.id', '=', 'p.gid')
    ->where('p.id', $service->packageid)->first(['p.name', 'g.name as groupname']);
$server = Capsule::table('tblservers')->where('id', $service->server)->value('name');

$extraRows = '';
foreach (run_hook('AdminClientServicesTabFields', ['id' => $id]) as $fields) {
    // Labels and values are HTML by contract: modules escape their own data.
    foreach ((array) $fields as $label => $html) {
        $extraRows .= '<tr><td class="fieldlabel">' . $label . '</td><td class="fieldarea">' . $html . '</td></tr>';
    }
}

$statusOptions = '';
foreach (SERVICE_STATUSES as $status) {
    $statusOptions .= '<option' . ($status === $service->domainstatus ? ' selected' : '') . '>' . e($status) . '</option>';
}
$token = '<input type="hidden" name="token" value="' . e(harness_csrf_token()) . '">';
$commandButtons = '';
foreach (MODULE_COMMANDS as $command) {
    $commandButtons .= '<button type="submit" name="command" value="' . e($command) . '" class="btn btn-default">' . e($command) . '</button> ';
}
$text = static fn (string $name, string $label): string => '<tr><td class="fieldlabel"><label for="' . e($name) . '">' . e($label) . '</label></td>'
    . '<td class="fieldarea"><input type="text" class="form-control" name="' . e($name) . '" id="' . e($name) . '" value="' . e($service->$name) . '"></td></tr>';

$html = $message . '
<form method="post" action="clientsservices.php?id=' . $id . '" id="servicecontent">' . $token . '
    <input type="hidden" name="action" value="save">
    <table class="table form-table">
        <tr><td class="fieldlabel">Service ID</td><td class="fieldarea">' . $id . '</td></tr>
        <tr><td class="fieldlabel">Client</td><td class="fieldarea">' . e(trim(($client->firstname ?? '') . ' ' . ($client->lastname ?? ''))) . ' (' . e($client->email ?? '') . ')</td></tr>
        <tr><td class="fieldlabel">Product/Service</td><td class="fieldarea">' . e(($product->groupname ?? '') . ' - ' . ($product->name ?? '')) . '</td></tr>
        <tr><td class="fieldlabel">Server</td><td class="fieldarea">' . e($server ?? 'None') . '</td></tr>
        <tr><td class="fieldlabel">Registration Date</td><td class="fieldarea">' . e($service->regdate) . '</td></tr>
        <tr><td class="fieldlabel">Next Due Date</td><td class="fieldarea">' . e($service->nextduedate) . '</td></tr>
        <tr><td class="fieldlabel">Billing Cycle</td><td class="fieldarea">' . e($service->billingcycle) . '</td></tr>
        <tr><td class="fieldlabel"><label for="domainstatus">Status</label></td><td class="fieldarea"><select class="form-control" name="domainstatus" id="domainstatus">' . $statusOptions . '</select></td></tr>'
        . $text('domain', 'Domain') . $text('username', 'Username') . $text('dedicatedip', 'Dedicated IP') . '
        <tr><td class="fieldlabel"><label for="assignedips">Assigned IPs</label></td><td class="fieldarea"><textarea class="form-control" rows="4" name="assignedips" id="assignedips">' . e($service->assignedips) . '</textarea></td></tr>
        <tr><td class="fieldlabel"><label for="notes">Admin Notes</label></td><td class="fieldarea"><textarea class="form-control" rows="3" name="notes" id="notes">' . e($service->notes) . '</textarea></td></tr>'
        . $extraRows . '
    </table>
    <button type="submit" class="btn btn-primary" id="save">Save Changes</button>
</form>
<h3>Module Commands</h3>
<form method="post" action="clientsservices.php?id=' . $id . '" id="modulecommands">' . $token . '
    <input type="hidden" name="action" value="module">' . $commandButtons . '
</form>
<form method="post" action="clientsservices.php?id=' . $id . '" id="deleteservice" style="margin-top: 1em">' . $token . '
    <input type="hidden" name="action" value="delete">
    <button type="submit" class="btn btn-danger">Delete</button>
</form>';
AdminArea::render($admin, 'Products/Services', $html);
