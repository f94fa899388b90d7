<?php
/**
 * The smallest database call through the extension (the schema check every
 * admin page makes: two queries) against PDO running the same SQL.
 * Usage: php -d extension=... roundtrip.php HOST PORT USER PASS DB
 */

[$host, $port, $user, $pass, $db] = array_slice($argv, 1, 5);
ipmanager_connect(['db_host' => $host, 'db_port' => $port, 'db_username' => $user, 'db_password' => $pass, 'db_name' => $db]);
$pdo = new PDO("mysql:host=$host;port=$port;dbname=$db", $user, $pass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
$tables = $pdo->prepare("SHOW TABLES LIKE 'mod_ipmanager_schema_migrations'");
$version = $pdo->prepare('SELECT MAX(version) FROM mod_ipmanager_schema_migrations');
$runs = ['extension ipmanager_schema_status()' => static fn () => ipmanager_schema_status(),
         'PDO, same two queries (prepared)' => static function () use ($tables, $version) {
             $tables->execute(); $tables->fetchAll(); $version->execute(); $version->fetchAll();
         }];
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
