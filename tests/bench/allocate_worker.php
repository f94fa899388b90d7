<?php
/**
 * One of the concurrent processes of allocate.php.
 * Usage: php -d extension=... allocate_worker.php DB extension|bare POOL_ID COUNT FIRST_SERVICE
 * Connects, prints "ready", waits for a line on stdin, makes COUNT allocations
 * and prints {"start": s, "end": s} (microtime) of the allocating part.
 */

require __DIR__ . '/lib.php';

use IpManager\Tests\Database;

[$db, $side, $poolId, $count, $firstService] = array_slice($argv, 1, 5);
[$poolId, $count, $firstService] = [(int) $poolId, (int) $count, (int) $firstService];
if ($side === 'extension') {
    ipmanager_connect(Database::settings($db));
    ipmanager_schema_status(); // opens the connection before the start signal
    $allocate = static fn (int $service) => ipmanager_allocate(['system' => 'hook'],
        ['pool_id' => $poolId, 'service_id' => $service, 'client_id' => 1]);
} else {
    $bare = new BareAllocator(Database::connect($db));
    $allocate = static fn (int $service) => $bare->allocate($poolId, $service, 1);
}

echo "ready\n";
fgets(STDIN);
$start = microtime(true);
for ($i = 0; $i < $count; $i++) {
    $allocate($firstService + $i);
}
echo json_encode(['start' => $start, 'end' => microtime(true)]), "\n";
