<?php
/**
 * The subnet page (ipmanager_subnet_view) of a stored /16: 65,536 address
 * rows, a quarter of them assigned to services of 1,000 clients.
 * Target: server time p50 under 150 ms for every view.
 */

require __DIR__ . '/lib.php';

use IpManager\Tests\Database;

const RUNS = 15;   // per view, interleaved

$db = bench_database('subnet_page');
$pdo = Database::connect($db);
$subnetId = ipmanager_subnet_save(['admin_id' => 1], ['name' => 'page', 'cidr' => '10.60.0.0/16',
    'reserve_network' => 'on', 'reserve_broadcast' => 'on', 'store_free_ips' => 'on'])['id'];
// Every fourth address assigned, service id = address id, with a domain and a client.
$pdo->exec("UPDATE mod_ipmanager_ip_addresses SET status = 'assigned' WHERE subnet_id = $subnetId AND status = 'free' AND id % 4 = 0");
$pdo->exec("INSERT INTO mod_ipmanager_assignments (ip_address_id, service_id, client_id, source)
            SELECT id, id, 1 + id % 1000, 'import' FROM mod_ipmanager_ip_addresses WHERE subnet_id = $subnetId AND status = 'assigned'");
$pdo->exec("INSERT INTO tblhosting (id, domain) SELECT service_id, CONCAT('vps', service_id, '.example.com') FROM mod_ipmanager_assignments");
$pdo->exec("INSERT INTO tblclients (id, firstname, lastname) SELECT seq, 'Client', CONCAT('Number', seq) FROM seq_1_to_1000");

$views = [
    'page 1' => ['id' => $subnetId],
    'page 600 of 656' => ['id' => $subnetId, 'page' => 600],
    'search "10.60.200."' => ['id' => $subnetId, 'q' => '10.60.200.'],
    'search "Number777"' => ['id' => $subnetId, 'q' => 'Number777'],
];
$samples = array_fill_keys(array_keys($views), []);
for ($i = 0; $i < RUNS; $i++) {
    foreach ($i % 2 === 0 ? $views : array_reverse($views, true) as $name => $query) {
        $samples[$name][] = bench_timed(static fn () => ipmanager_subnet_view(['admin_id' => 1], $query));
    }
}
$parts = [];
$worst = 0.0;
foreach ($samples as $name => $list) {
    $p50 = bench_percentile($list, 0.5);
    $worst = max($worst, $p50);
    $parts[] = "$name " . bench_time($p50);
}
printf("subnet page, /16 stored, p50 of %d:           %s (target < 150 ms: %s)\n",
    RUNS, implode(' | ', $parts), bench_verdict($worst < 150_000));
