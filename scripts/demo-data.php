<?php
/**
 * Sample IP Manager data for the demo, created through the extension exactly
 * as the admin pages would: subnets, pools and a few assignments to the
 * harness's sample services.
 * Usage: php -d extension=... scripts/demo-data.php WHMCS_ROOT
 */

chdir($argv[1]);
require $argv[1] . '/init.php';

use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\Ipmanager\Runtime;

$problem = Runtime::boot();
if ($problem !== null) {
    fwrite(STDERR, $problem . "\n");
    exit(1);
}
$admin = ['admin_id' => 1];
$v4 = ipmanager_subnet_save($admin, [
    'name' => 'Production IPv4', 'cidr' => '79.133.56.0/24', 'gateway' => '79.133.56.1',
    'reserve_network' => 'on', 'reserve_broadcast' => 'on', 'reserve_gateway' => 'on', 'store_free_ips' => 'on',
    'excluded_ips' => "79.133.56.250-79.133.56.254", 'description' => 'Frankfurt VPS network',
]);
$block = ipmanager_subnet_save($admin, ['name' => 'Customer block', 'cidr' => '185.12.0.0/22', 'reserve_network' => 'on', 'reserve_broadcast' => 'on']);
ipmanager_subnet_save($admin, ['name' => 'Dedicated servers', 'cidr' => '185.12.1.0/24', 'parent_id' => $block['id'],
    'gateway' => '185.12.1.1', 'reserve_network' => 'on', 'reserve_broadcast' => 'on', 'reserve_gateway' => 'on']);
$v6 = ipmanager_subnet_save($admin, ['name' => 'Production IPv6', 'cidr' => '2001:db8:100::/48', 'reserve_network' => 'on']);
$vpsPool = ipmanager_pool_save($admin, ['name' => 'Proxmox VPS pool', 'subnet_id' => $v4['id'], 'range_start' => '79.133.56.10',
    'range_end' => '79.133.56.200', 'vlan' => '100', 'bridge' => 'vmbr0', 'gateway' => '79.133.56.1',
    'dns1' => '79.133.56.2', 'dns2' => '79.133.56.3']);
$v6Pool = ipmanager_pool_save($admin, ['name' => 'IPv6 /64 per VPS', 'subnet_id' => $v6['id'], 'delegation_prefix_length' => '64']);

// The demo's client login (client 1) holds addresses too, so the client area has something to show.
$services = Capsule::table('tblhosting')->where('domainstatus', 'Active')
    ->orderByRaw('userid = 1 DESC')->orderBy('id')->limit(12)->get(['id', 'userid']);
// Through the Assignments page's use case, so WHMCS's dedicated IP fields are written too.
foreach ($services as $service) {
    ipmanager_assignment_assign($admin, ['service_id' => $service->id, 'pool_id' => $vpsPool['id']]);
    ipmanager_assignment_assign($admin, ['service_id' => $service->id, 'pool_id' => $v6Pool['id']]);
}
echo "Sample data: 4 subnets, 2 pools, ", count($services) * 2, " assignments.\n";
