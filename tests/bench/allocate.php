<?php
/**
 * ipmanager_allocate() against the same transaction written by hand with PDO
 * (BareAllocator in lib.php), each side on its own stored pool of the same
 * size so that neither waits for the other's row locks.
 * Targets: p50 within 1.1x of the bare transaction, throughput >= 0.9x of it.
 */

require __DIR__ . '/lib.php';

use IpManager\Tests\Database;

const SEQUENTIAL = 2000;   // allocations per side in one process, interleaved
const WARM_UP = 50;        // per side, before measuring: connections, statement caches
const PROCESSES = 8;
const PER_PROCESS = 500;
const ROUNDS = 2;          // concurrent rounds per side, alternating which side goes first

$db = bench_database('alloc');
[, $extensionPool] = bench_subnet_with_pool(['name' => 'extension', 'cidr' => '10.1.0.0/17', 'reserve_network' => 'on',
    'reserve_broadcast' => 'on', 'store_free_ips' => 'on']);
[, $barePool] = bench_subnet_with_pool(['name' => 'bare', 'cidr' => '10.2.0.0/17', 'reserve_network' => 'on',
    'reserve_broadcast' => 'on', 'store_free_ips' => 'on']);
$bare = new BareAllocator(Database::connect($db));
$sides = [
    'extension' => static fn (int $service) => ipmanager_allocate(['system' => 'hook'],
        ['pool_id' => $extensionPool, 'service_id' => $service, 'client_id' => 1]),
    'bare' => static fn (int $service) => $bare->allocate($barePool, $service, 1),
];

// One process: the two sides take turns, and which goes first alternates, so
// both see the same load and the same fsync luck.
$samples = ['extension' => [], 'bare' => []];
for ($i = 0; $i < WARM_UP + SEQUENTIAL; $i++) {
    $order = $i % 2 === 0 ? ['extension', 'bare'] : ['bare', 'extension'];
    foreach ($order as $side) {
        $us = bench_timed(static fn () => $sides[$side]($i + 1));
        if ($i >= WARM_UP) {
            $samples[$side][] = $us;
        }
    }
}
$p50 = array_map(static fn (array $s) => bench_percentile($s, 0.5), $samples);
$p99 = array_map(static fn (array $s) => bench_percentile($s, 0.99), $samples);
$ratio = $p50['extension'] / $p50['bare'];
printf("allocate, 1 process, %d each interleaved:  extension p50 %s p99 %s | bare PDO p50 %s p99 %s | p50 %.2fx (target <= 1.10x: %s)\n",
    SEQUENTIAL, bench_time($p50['extension']), bench_time($p99['extension']), bench_time($p50['bare']),
    bench_time($p99['bare']), $ratio, bench_verdict($ratio <= 1.10));

// Concurrent: PROCESSES processes of one side at a time; the rate is
// allocations over the span from the first start to the last finish.
$rates = ['extension' => [], 'bare' => []];
$nextService = 1_000_000;
for ($round = 0; $round < ROUNDS; $round++) {
    foreach ($round % 2 === 0 ? ['extension', 'bare'] : ['bare', 'extension'] as $side) {
        $pool = $side === 'extension' ? $extensionPool : $barePool;
        $arguments = [];
        for ($p = 0; $p < PROCESSES; $p++) {
            $arguments[] = [__DIR__ . '/allocate_worker.php', $db, $side, (string) $pool, (string) PER_PROCESS, (string) $nextService];
            $nextService += PER_PROCESS;
        }
        $spans = bench_run_workers($arguments);
        $seconds = max(array_column($spans, 'end')) - min(array_column($spans, 'start'));
        $rates[$side][] = PROCESSES * PER_PROCESS / $seconds;
    }
}
$best = array_map('max', $rates);
$ratio = $best['extension'] / $best['bare'];
printf("allocate, %d processes x %d (best of %d):   extension %.0f/s | bare PDO %.0f/s | %.2fx (target >= 0.90x: %s)\n",
    PROCESSES, PER_PROCESS, ROUNDS, $best['extension'], $best['bare'], $ratio, bench_verdict($ratio >= 0.90));
echo "  (bare PDO = BEGIN; SELECT ... FOR UPDATE SKIP LOCKED; UPDATE; INSERT assignment; INSERT log row; COMMIT:\n"
    . "   the rows the extension writes, over the same kind of TCP connection; the extension also reads its subnet's\n"
    . "   row for Store free IPs, dedications and the cooldown bound, which the bare transaction does not)\n";
