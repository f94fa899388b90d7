<?php
/** Admin home: the addons this admin's role may open, and a shortcut to a service page. */

use Harness\AdminArea;
use function Harness\e;

define('ADMINAREA', true);
require dirname(__DIR__) . '/init.php';

$admin = AdminArea::boot();

$items = '';
foreach (AdminArea::accessibleAddons($admin) as $module => $name) {
    $items .= '<a class="list-group-item" href="addonmodules.php?module=' . e(urlencode($module)) . '">' . e($name) . '</a>';
}
$html = '<h2>Addons</h2>'
    . ($items !== '' ? '<div class="list-group" id="addon-list">' . $items . '</div>' : '<p>No addon modules available to your role.</p>')
    . '<h2>Services</h2>
<form method="get" action="clientsservices.php" class="form-inline">
    <input type="number" min="1" name="id" class="form-control" placeholder="Service ID" required>
    <button type="submit" class="btn btn-default">Open</button>
</form>';
AdminArea::render($admin, 'Dashboard', $html);
