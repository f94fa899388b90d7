<?php
/**
 * Synchronize (guide §10) over 100,000 services: a fresh harness root seeded
 * by tests/harness/bin/seed.php (every service with a dedicated IP, some VPS
 * services with assigned IPs too, mixed statuses), and subnets covering what
 * it hands out: 192.0.2.0/24 stored, 198.51.100.0/24 and 203.0.113.0/24 on
 * demand, and 2001:db8::/32 on demand for the IPv6 addresses it continues
 * with once the 762 documentation IPv4 addresses are used up.
 *
 * Times the whole full sync (live only off) through ipmanager_sync_batch,
 * batch after batch as the Synchronize page's script drives it, and also the
 * preview before it and the second run after it. Target: the sync under 5 s.
 * Usage: php -d extension=... sync.php [SERVICES]  (IPMANAGER_SO names the
 * same extension, for the harness's own PHP processes).
 */

require __DIR__ . '/lib.php';
require_once __DIR__ . '/../php/support/Harness.php';

use IpManager\Tests\Harness;
use IpManager\Tests\Process;
use WHMCS\Module\Addon\Ipmanager\Runtime;

$serviceCount = (int) ($argv[1] ?? 100_000);
$harness = Harness::create('bench_sync');
register_shutdown_function(static fn () => $harness->destroy());

[$exit, $out, $err] = Process::run(array_merge(Process::phpArgs(), [
    Process::repoRoot() . '/tests/harness/bin/seed.php', '--root=' . $harness->root,
    '--clients=2000', "--services=$serviceCount", '--dedicated-ratio=1',
]));
if ($exit !== 0) {
    fwrite(STDERR, "seed.php exited with $exit\n$out$err");
    exit(1);
}

chdir($harness->root);
require $harness->root . '/init.php';
require ROOTDIR . '/modules/addons/ipmanager/ipmanager.php';
if (($problem = Runtime::boot()) !== null) {
    fwrite(STDERR, $problem . "\n");
    exit(1);
}
$admin = ['admin_id' => 1];
$reserve = ['reserve_network' => 'on', 'reserve_broadcast' => 'on'];
ipmanager_subnet_save($admin, ['name' => 'doc 1', 'cidr' => '192.0.2.0/24', 'store_free_ips' => 'on'] + $reserve);
ipmanager_subnet_save($admin, ['name' => 'doc 2', 'cidr' => '198.51.100.0/24'] + $reserve);
ipmanager_subnet_save($admin, ['name' => 'doc 3', 'cidr' => '203.0.113.0/24'] + $reserve);
ipmanager_subnet_save($admin, ['name' => 'doc v6', 'cidr' => '2001:db8::/32']);

// What WHMCS holds: services with an address, and their addresses (dedicated IP plus assigned IPs, once each).
$pdo = WHMCS\Database\Capsule::connection()->getPdo();
$withIp = 0;
$addresses = 0;
foreach ($pdo->query("SELECT dedicatedip, assignedips FROM tblhosting WHERE dedicatedip <> '' OR assignedips <> ''", PDO::FETCH_NUM) as [$dedicated, $assigned]) {
    $withIp++;
    $list = array_filter(array_map('trim', preg_split('/[\r\n,]+/', $assigned)), 'strlen');
    $addresses += count(array_unique(array_merge($dedicated === '' ? [] : [$dedicated], $list)));
}

/** Runs a whole sync through ipmanager_sync_batch; returns [seconds, totals, batches]. */
function bench_sync(array $admin, bool $dryRun): array
{
    $totals = array_fill_keys(['services', 'synced', 'created', 'correct', 'skipped', 'conflicts'], 0);
    $after = 0;
    $batches = 0;
    $started = hrtime(true);
    do {
        $batch = ipmanager_sync_batch($admin, ['after' => (string) $after, 'dry_run' => $dryRun ? '1' : '0', 'live_only' => '']);
        foreach (array_keys($totals) as $key) {
            $totals[$key] += $batch[$key];
        }
        $after = $batch['next_after'];
        $batches++;
    } while (!$batch['done']);
    return [(hrtime(true) - $started) / 1e9, $totals, $batches];
}

function bench_counts(array $totals): string
{
    return sprintf('%s synced, %s created, %s correct, %s skipped, %s conflicts',
        number_format($totals['synced']), number_format($totals['created']), number_format($totals['correct']),
        number_format($totals['skipped']), number_format($totals['conflicts']));
}

[$previewSeconds, $preview] = bench_sync($admin, true);
[$syncSeconds, $sync, $batches] = bench_sync($admin, false);
[$againSeconds, $again] = bench_sync($admin, false);

$processed = array_sum(array_slice($sync, 1));
if ($sync['services'] !== $withIp || $processed !== $addresses || $again['correct'] !== $sync['synced'] + $sync['created']) {
    fwrite(STDERR, sprintf("counts do not add up: %d services with an IP, %d addresses; sync %s; again %s\n",
        $withIp, $addresses, json_encode($sync), json_encode($again)));
    exit(1);
}
$assigned = (int) $pdo->query('SELECT COUNT(*) FROM mod_ipmanager_assignments')->fetchColumn();
printf("sync, %s services (%s addresses), %d batches: %.2f s (target < 5 s: %s)\n",
    number_format($withIp), number_format($addresses), $batches, $syncSeconds, bench_verdict($syncSeconds < 5));
printf("    sync:    %s; %s assignments stored\n", bench_counts($sync), number_format($assigned));
printf("    preview: %.2f s, %s\n", $previewSeconds, bench_counts($preview));
printf("    re-run:  %.2f s, %s\n", $againSeconds, bench_counts($again));
