<?php
/**
 * One allocating PHP process for AllocatorConcurrencyTest, run as WHMCS runs
 * the extension: php with IPMANAGER_SO loaded.
 *
 * Usage: php -d extension=... allocate.php CONFIG_JSON, where CONFIG_JSON holds
 *   db            ipmanager_connect() settings
 *   pool_id       the pool to allocate from
 *   client_id     the client every allocation goes to
 *   first_service the first service id; allocation i goes to first_service + i
 *   count         allocations to make, or 0 to go on until killed
 *   release_every every Nth iteration releases one of this process's own
 *                 addresses instead of allocating (0: never)
 *
 * Connects first, prints "ready", then waits for a line on stdin, so the test
 * can start every worker at the same moment. Finally prints a JSON summary
 * ({"allocated": n, "released": n, "error": null|message}) and exits 0, or 1
 * at the first exception, which then ends the run.
 */

$config = json_decode($argv[1], true, 512, JSON_THROW_ON_ERROR);
ipmanager_connect($config['db']);
ipmanager_schema_status(); // opens the connection before the start signal

echo "ready\n";
fgets(STDIN);

$mine = [];     // address ids this process holds
$summary = ['allocated' => 0, 'released' => 0, 'error' => null];
try {
    for ($i = 1; $config['count'] === 0 || $i <= $config['count']; $i++) {
        if ($config['release_every'] > 0 && $i % $config['release_every'] === 0 && $mine) {
            [$address] = array_splice($mine, mt_rand(0, count($mine) - 1), 1);
            ipmanager_release(['system' => 'hook'], ['address_id' => $address]);
            $summary['released']++;
            continue;
        }
        $result = ipmanager_allocate(['system' => 'hook'], [
            'pool_id' => $config['pool_id'],
            'service_id' => $config['first_service'] + $i,
            'client_id' => $config['client_id'],
        ]);
        $mine[] = $result['address_id'];
        $summary['allocated']++;
    }
} catch (IpManagerException $e) {
    $summary['error'] = get_class($e) . ': ' . $e->getMessage();
}
echo json_encode($summary), "\n";
exit($summary['error'] === null ? 0 : 1);
