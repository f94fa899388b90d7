<?php
/**
 * Importing a CSV file of 100,000 addresses (one subnet, one in ten
 * reserved) into an empty installation: the preview, then the one
 * transaction. Target for the import: under 10 s.
 */

require __DIR__ . '/lib.php';

const ADDRESSES = 100000;

bench_database('import');
$file = tempnam(sys_get_temp_dir(), 'ipm-bench-import');
register_shutdown_function(static fn () => @unlink($file));
$csv = fopen($file, 'w');
fwrite($csv, "type,id,subnet_id,name,cidr,ip,status,note\nsubnet,1,,Imported block,10.0.0.0/14,,,\n");
for ($i = 0; $i < ADDRESSES; $i++) {
    fprintf($csv, "address,,1,,,%s,%s,%s\n", long2ip(167772160 + $i), $i % 10 ? 'free' : 'reserved', $i % 10 ? '' : 'kept back');
}
fclose($csv);

$request = ['file' => $file, 'source' => 'auto', 'on_problem' => 'stop'];
$preview = bench_timed(static fn () => ipmanager_import_preview(['admin_id' => 1], $request)) / 1e6;
$import = bench_timed(static function () use ($request, &$saved): void {
    $saved = ipmanager_import(['admin_id' => 1], $request);
}) / 1e6;
printf("import preview, %s addresses (%.1f MB CSV): %.2f s\n", number_format(ADDRESSES), filesize($file) / 1e6, $preview);
printf("import, %s addresses in one transaction: %.2f s (target < 10 s: %s) — %s\n",
    number_format(ADDRESSES), $import, bench_verdict($import < 10), $saved['message']);
