<?php
/**
 * PreModuleCreate end to end through the harness: WHMCS's module command for
 * a new service runs the hook (which allocates and writes back), then the
 * sample server module's CreateAccount. Prints p50/p99 over N services, on a
 * fresh harness root.
 * Usage: php -d extension=... provision.php [N]
 */

require __DIR__ . '/lib.php';
require_once __DIR__ . '/../php/support/Harness.php';

use IpManager\Tests\Harness;
use IpManager\Tests\Process;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\Ipmanager\Runtime;

$count = (int) ($argv[1] ?? 500);
$harness = Harness::create('bench_provision');
register_shutdown_function(static fn () => $harness->destroy());
[$exit, $out, $err] = Process::run(array_merge(Process::phpArgs(), [
    Process::repoRoot() . '/tests/harness/bin/seed.php', '--root=' . $harness->root, '--clients=2', '--services=2',
]));
if ($exit !== 0) {
    fwrite(STDERR, "seed.php exited with $exit\n$out$err");
    exit(1);
}
chdir($harness->root);
require $harness->root . '/init.php';
if (($problem = Runtime::boot()) !== null) {
    fwrite(STDERR, $problem . "\n");
    exit(1);
}
$admin = ['admin_id' => 1];
$subnet = ipmanager_subnet_save($admin, ['name' => 'bench', 'cidr' => '10.77.0.0/20', 'reserve_network' => 'on',
    'reserve_broadcast' => 'on', 'store_free_ips' => 'on']);
$pool = ipmanager_pool_save($admin, ['name' => 'bench pool', 'subnet_id' => $subnet['id']]);
$productId = Capsule::table('tblproducts')->insertGetId(['gid' => 0, 'type' => 'server', 'name' => 'Bench VPS',
    'servertype' => 'sampleserver', 'description' => '', 'paytype' => 'recurring']);
ipmanager_configuration_save($admin, ['name' => 'bench', 'pool_id' => $pool['id'], 'products' => [$productId]]);
$serverId = (int) Capsule::table('tblservers')->value('id');
$clientId = (int) Capsule::table('tblclients')->value('id');
$services = [];
for ($i = 0; $i < $count + 20; $i++) {
    $services[] = Capsule::table('tblhosting')->insertGetId(['userid' => $clientId, 'packageid' => $productId,
        'server' => $serverId, 'domain' => "bench$i.example.test", 'domainstatus' => 'Pending', 'regdate' => date('Y-m-d'),
        'username' => "bench$i", 'password' => encrypt('x'), 'billingcycle' => 'Monthly']);
}
foreach (array_splice($services, 0, 20) as $id) {           // warm-up
    \Harness\Provisioning::moduleAction($id, 'Create');
}
$samples = [];
foreach ($services as $id) {
    $t = hrtime(true);
    $result = \Harness\Provisioning::moduleAction($id, 'Create');
    $samples[] = (hrtime(true) - $t) / 1e6;
    if (($result['result'] ?? '') !== 'success') {
        fwrite(STDERR, "service $id: " . json_encode($result) . "\n");
        exit(1);
    }
}
sort($samples);
printf("%-46s p50 %6.2f ms   p99 %6.2f ms   (%d services)\n", 'ModuleCreate with the PreModuleCreate hook',
    $samples[(int) (count($samples) * 0.5)], $samples[(int) (count($samples) * 0.99)], count($samples));
