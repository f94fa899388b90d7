<?php
/**
 * The next free address of an unstored IPv6 /48 that holds 100,000 used
 * addresses (::1 to ::1:86a0, written directly with SQL) against an IPv4 /24,
 * stored and unstored. Target: the /48 within 2x of the /24.
 */

require __DIR__ . '/lib.php';

use IpManager\Tests\Database;

const USED = 100_000;
const ALLOCATIONS = 200;   // per pool, interleaved
const COLD = 5;            // allocations right after the pool's hint is reset

$db = bench_database('next_free');
$pdo = Database::connect($db);
[$v6Subnet, $v6Pool] = bench_subnet_with_pool(['name' => 'v6', 'cidr' => '2001:db8:100::/48', 'reserve_network' => 'on']);
[, $storedPool] = bench_subnet_with_pool(['name' => 'v4 stored', 'cidr' => '10.1.1.0/24', 'reserve_network' => 'on',
    'reserve_broadcast' => 'on', 'store_free_ips' => 'on']);
[, $unstoredPool] = bench_subnet_with_pool(['name' => 'v4 unstored', 'cidr' => '10.1.2.0/24', 'reserve_network' => 'on',
    'reserve_broadcast' => 'on']);

// 2001:db8:100::/48 is 20010db80100 followed by 20 hex digits of host part;
// the text form is canonical (RFC 5952), as the extension writes it.
$pdo->exec("INSERT INTO mod_ipmanager_ip_addresses (subnet_id, pool_id, ip, ip_bin, prefix_length, version, status)
            SELECT $v6Subnet, $v6Pool,
                   IF(seq < 65536, CONCAT('2001:db8:100::', LOWER(HEX(seq))),
                      CONCAT('2001:db8:100::', LOWER(HEX(seq >> 16)), ':', LOWER(HEX(seq & 65535)))),
                   UNHEX(CONCAT('20010db80100', LPAD(HEX(seq), 20, '0'))), 128, 6, 'assigned'
              FROM seq_1_to_" . USED);
$pdo->exec("INSERT INTO mod_ipmanager_assignments (ip_address_id, service_id, client_id, source)
            SELECT id, id, 1, 'import' FROM mod_ipmanager_ip_addresses WHERE subnet_id = $v6Subnet");

$allocate = static fn (int $pool, int $service) => ipmanager_allocate(['system' => 'hook'],
    ['pool_id' => $pool, 'service_id' => $service, 'client_id' => 1]);
// Saving the pool (as an admin editing it would) resets its free-address
// hint; the next allocation then searches the used rows from the bottom.
$resetHint = static fn () => ipmanager_pool_save(['admin_id' => 1],
    ['id' => $v6Pool, 'name' => 'v6', 'subnet_id' => $v6Subnet, 'range_start' => '', 'range_end' => '']);

$cold = [];
for ($i = 0; $i < COLD; $i++) {
    $resetHint();
    $cold[] = bench_timed(static fn () => $allocate($v6Pool, $i + 1));
}
$pools = ['v6' => $v6Pool, 'stored' => $storedPool, 'unstored' => $unstoredPool];
$samples = array_fill_keys(array_keys($pools), []);
for ($i = 0; $i < ALLOCATIONS; $i++) {
    foreach ($i % 2 === 0 ? $pools : array_reverse($pools, true) as $name => $pool) {
        $samples[$name][] = bench_timed(static fn () => $allocate($pool, 1000 + $i));
    }
}
$p50 = array_map(static fn (array $s) => bench_percentile($s, 0.5), $samples);
printf("next free, %d each: IPv6 /48 with 100,000 used p50 %s | IPv4 /24 stored p50 %s, unstored p50 %s | %.2fx, %.2fx (target <= 2x: %s)\n",
    ALLOCATIONS, bench_time($p50['v6']), bench_time($p50['stored']), bench_time($p50['unstored']),
    $p50['v6'] / $p50['stored'], $p50['v6'] / $p50['unstored'],
    bench_verdict(max($p50['v6'] / $p50['stored'], $p50['v6'] / $p50['unstored']) <= 2.0));
printf("  the /48 right after its pool is saved (hint reset, search from ::1 over the used rows): p50 %s over %d\n",
    bench_time(bench_percentile($cold, 0.5)), COLD);
