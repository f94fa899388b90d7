<?php
/**
 * One database round trip through the extension (the Dashboard's query)
 * against PDO running the same SQL on the same server.
 * Usage: php -d extension=... roundtrip.php HOST PORT USER PASS DB
 */

[$host, $port, $user, $pass, $db] = array_slice($argv, 1, 5);
ipmanager_connect(['db_host' => $host, 'db_port' => $port, 'db_username' => $user, 'db_password' => $pass, 'db_name' => $db]);
$pdo = new PDO("mysql:host=$host;port=$port;dbname=$db", $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
$sql = "SELECT (SELECT COUNT(*) FROM mod_ipmanager_subnets), (SELECT COUNT(*) FROM mod_ipmanager_pools),
        (SELECT COUNT(*) FROM mod_ipmanager_assignments),
        (SELECT COUNT(*) FROM mod_ipmanager_ip_addresses WHERE status = 'free')";
$statement = $pdo->prepare($sql);
$runs = ['extension ipmanager_dashboard()' => static fn () => ipmanager_dashboard(['admin_id' => 1]),
         'PDO, same SQL (prepared)' => static function () use ($statement) { $statement->execute(); $statement->fetchAll(); }];
$samples = array_fill_keys(array_keys($runs), []);
for ($i = 0; $i < 300; $i++) {          // warm-up: connect, prepare
    foreach ($runs as $run) { $run(); }
}
for ($i = 0; $i < 5000; $i++) {         // interleaved so both see the same load
    foreach ($runs as $name => $run) {
        $t = hrtime(true);
        $run();
        $samples[$name][] = (hrtime(true) - $t) / 1000;
    }
}
foreach ($samples as $name => $list) {
    sort($list);
    printf("%-46s p50 %7.1f us   p99 %7.1f us\n", $name, $list[(int) (count($list) * 0.5)], $list[(int) (count($list) * 0.99)]);
}
