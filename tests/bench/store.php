<?php
/**
 * Saving a /16 with "Store free IPs": one transaction that writes 65,536
 * address rows. Target: under 1 s.
 */

require __DIR__ . '/lib.php';

const RUNS = 3;

bench_database('store');
$seconds = [];
for ($run = 0; $run < RUNS; $run++) {
    $form = ['name' => "stored $run", 'cidr' => "10.$run.0.0/16", 'reserve_network' => 'on', 'reserve_broadcast' => 'on',
        'store_free_ips' => 'on'];
    $seconds[] = bench_timed(static fn () => ipmanager_subnet_save(['admin_id' => 1], $form)) / 1e6;
}
$median = bench_percentile($seconds, 0.5);
printf("store a /16 (65,536 rows), %d runs:          %s s, median %.2f s (target < 1 s: %s)\n",
    RUNS, implode(' / ', array_map(static fn (float $s) => sprintf('%.2f', $s), $seconds)), $median,
    bench_verdict($median < 1.0));
