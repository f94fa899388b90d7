<?php
/**
 * php testdb.php create|drop -- creates HARNESS_DB_NAME, or drops it together with every
 * HARNESS_DB_NAME_* database the tests made (SeedTest). Used by run-tests.sh.
 */

$name = (string) getenv('HARNESS_DB_NAME');
$action = $argv[1] ?? '';
if (!preg_match('/^[A-Za-z0-9_]+$/', $name) || !in_array($action, ['create', 'drop'], true)) {
    fwrite(STDERR, "usage: HARNESS_DB_NAME=name php testdb.php create|drop\n");
    exit(2);
}
$pdo = new PDO(
    'mysql:host=' . getenv('HARNESS_DB_HOST') . ';port=' . getenv('HARNESS_DB_PORT'),
    (string) getenv('HARNESS_DB_USER'),
    (string) getenv('HARNESS_DB_PASS'),
    [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]
);
if ($action === 'create') {
    $pdo->exec("CREATE DATABASE `{$name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    exit(0);
}
foreach ($pdo->query('SHOW DATABASES')->fetchAll(PDO::FETCH_COLUMN) as $database) {
    if ($database === $name || str_starts_with($database, $name . '_')) {
        $pdo->exec("DROP DATABASE `{$database}`");
    }
}
