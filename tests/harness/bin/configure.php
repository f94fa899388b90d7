<?php
/**
 * Configures a harness root: writes DIR/configuration.php, loads schema.sql and the base rows
 * into the database, and copies the Debian-packaged Bootstrap/jQuery/Font Awesome files into
 * DIR/assets/vendor (the machine has no internet, so there is no CDN).
 *
 * php configure.php --root=DIR --db-name=NAME [--db-host=127.0.0.1] [--db-port=3306]
 *     [--db-user=root] [--db-pass=] [--smarty=3|4] [--reload-params=0|1]
 *     [--theme=twenty-one|six] [--system-url=http://127.0.0.1/] [--cc-encryption-hash=…]
 *     [--create-db] [--fresh]
 *
 * --create-db creates the database if missing; --fresh drops every table in it first.
 * Without --fresh the run is idempotent: existing tables and rows are kept, and an existing
 * configuration.php keeps its $cc_encryption_hash so encrypted values stay readable.
 */

require __DIR__ . '/cli.php';

/** [source glob, destination folder under assets/vendor, Debian package] */
const HARNESS_ASSETS = [
    ['/usr/share/javascript/bootstrap/css/bootstrap.min.css', 'bootstrap3/css', 'libjs-bootstrap'],
    ['/usr/share/javascript/bootstrap/js/bootstrap.min.js', 'bootstrap3/js', 'libjs-bootstrap'],
    ['/usr/share/javascript/bootstrap/fonts/glyphicons-halflings-regular.*', 'bootstrap3/fonts', 'libjs-bootstrap'],
    ['/usr/share/javascript/bootstrap4/css/bootstrap.min.css', 'bootstrap4/css', 'libjs-bootstrap4'],
    ['/usr/share/javascript/bootstrap4/js/bootstrap.bundle.min.js', 'bootstrap4/js', 'libjs-bootstrap4'],
    ['/usr/share/javascript/jquery/jquery.min.js', 'jquery', 'libjs-jquery'],
    ['/usr/share/javascript/font-awesome/css/font-awesome.min.css', 'font-awesome/css', 'fonts-font-awesome'],
    ['/usr/share/javascript/font-awesome/fonts/fontawesome-webfont.*', 'font-awesome/fonts', 'fonts-font-awesome'],
];

[$options] = harness_cli_args($argv);
$root = harness_cli_root($options);
$dbName = (string) ($options['db-name'] ?? '');
if (!preg_match('/^[A-Za-z0-9_]+$/', $dbName)) {
    harness_cli_fail('--db-name=NAME is required (letters, digits and _)');
}
$smarty = (string) ($options['smarty'] ?? '4');
$theme = (string) ($options['theme'] ?? 'twenty-one');
if (!in_array($smarty, ['3', '4'], true) || !in_array($theme, ['twenty-one', 'six'], true)) {
    harness_cli_fail('--smarty must be 3 or 4, --theme twenty-one or six');
}
$db = [
    'host' => (string) ($options['db-host'] ?? '127.0.0.1'),
    'port' => (string) ($options['db-port'] ?? '3306'),
    'user' => (string) ($options['db-user'] ?? 'root'),
    'pass' => is_string($options['db-pass'] ?? null) ? $options['db-pass'] : '',
];

// Same host forms as the runtime accepts (Harness\Database): host, host:port or a socket path.
if (str_starts_with($db['host'], '/')) {
    $dsn = "mysql:unix_socket={$db['host']};charset=utf8mb4";
} else {
    [$host, $port] = preg_match('/^([^:]+):(\d+)$/', $db['host'], $m) ? [$m[1], $m[2]] : [$db['host'], $db['port']];
    $dsn = "mysql:host={$host};port={$port};charset=utf8mb4";
}
$pdo = new PDO($dsn, $db['user'], $db['pass'], [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
// The same sql_mode the runtime uses (see Harness\Database): WHMCS runs without strict mode.
$pdo->exec("SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'");
if (isset($options['create-db'])) {
    $pdo->exec("CREATE DATABASE IF NOT EXISTS `{$dbName}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
}
$pdo->exec("USE `{$dbName}`");

if (isset($options['fresh'])) {
    $pdo->exec('SET FOREIGN_KEY_CHECKS = 0');
    foreach ($pdo->query('SHOW TABLES')->fetchAll(PDO::FETCH_COLUMN) as $table) {
        $pdo->exec("DROP TABLE `{$table}`");
    }
    $pdo->exec('SET FOREIGN_KEY_CHECKS = 1');
}

$schema = (string) file_get_contents(dirname(__DIR__) . '/schema.sql');
foreach (preg_split('/;\s*$/m', $schema) as $statement) {
    if (trim(preg_replace('/^\s*--.*$/m', '', $statement)) !== '') {
        $pdo->exec($statement);
    }
}
insertBaseRows($pdo, (string) ($options['system-url'] ?? 'http://127.0.0.1/'));
copyAssets($root);

$compileDir = $root . '/templates_c';
if (!is_dir($compileDir) && !mkdir($compileDir, 0775, true)) {
    harness_cli_fail("Cannot create {$compileDir}");
}

$configuration = [
    'db_host' => $db['host'],
    'db_port' => $db['port'],
    'db_username' => $db['user'],
    'db_password' => $db['pass'],
    'db_name' => $dbName,
    'cc_encryption_hash' => is_string($options['cc-encryption-hash'] ?? null)
        ? $options['cc-encryption-hash']
        : (existingEncryptionHash($root) ?? bin2hex(random_bytes(32))),
    'templates_compiledir' => $compileDir,
    'mysql_charset' => 'utf8mb4',
    'harness_smarty' => $smarty,
    'harness_reload_params_after_pre_hooks' => ($options['reload-params'] ?? '0') === '1',
    'harness_client_theme' => $theme,
];
$php = "<?php\n// Written by tests/harness/bin/configure.php; WHMCS-style configuration plus harness_* switches.\n";
foreach ($configuration as $name => $value) {
    $php .= '$' . $name . ' = ' . var_export($value, true) . ";\n";
}
file_put_contents($root . '/configuration.php', $php);
echo "Configured {$root} (database {$dbName}, Smarty {$smarty})\n";

/** Roles, admins, clients, currency and settings every harness test can rely on (README). */
function insertBaseRows(PDO $pdo, string $systemUrl): void
{
    $now = date('Y-m-d H:i:s');
    $insert = static function (string $table, array $row) use ($pdo): void {
        $columns = implode(', ', array_map(static fn (string $c): string => "`{$c}`", array_keys($row)));
        $placeholders = implode(', ', array_fill(0, count($row), '?'));
        $pdo->prepare("INSERT IGNORE INTO {$table} ({$columns}) VALUES ({$placeholders})")->execute(array_values($row));
    };
    $insert('tbladminroles', ['id' => 1, 'name' => 'Full Administrator', 'widgets' => '', 'reports' => '']);
    $insert('tbladminroles', ['id' => 2, 'name' => 'Support Operator', 'widgets' => '', 'reports' => '']);
    $admins = [[1, 1, 'admin', 'Admin', 'admin@example.test'], [2, 2, 'support', 'Support', 'support@example.test']];
    foreach ($admins as [$id, $role, $username, $firstName, $email]) {
        $insert('tbladmins', [
            'id' => $id, 'roleid' => $role, 'username' => $username, 'password' => password_hash($username, PASSWORD_DEFAULT),
            'firstname' => $firstName, 'lastname' => 'User', 'email' => $email, 'signature' => '', 'notes' => '',
            'template' => 'blend', 'language' => 'english', 'created_at' => $now, 'updated_at' => $now,
        ]);
    }
    $clients = [[1, 'client', 'Carla', 'Client', 'client@example.test'], [2, 'other', 'Oscar', 'Other', 'other@example.test']];
    foreach ($clients as [$id, $password, $firstName, $lastName, $email]) {
        $insert('tblclients', [
            'id' => $id, 'firstname' => $firstName, 'lastname' => $lastName, 'companyname' => '', 'email' => $email,
            'address1' => '1 Example Street', 'address2' => '', 'city' => 'Exampleton', 'state' => 'EX', 'postcode' => '00000',
            'country' => 'US', 'phonenumber' => '+1.5550100', 'password' => password_hash($password, PASSWORD_DEFAULT),
            'currency' => 1, 'defaultgateway' => '', 'datecreated' => date('Y-m-d'), 'notes' => '', 'language' => '',
            'created_at' => $now, 'updated_at' => $now,
        ]);
    }
    $insert('tblcurrencies', ['id' => 1, 'code' => 'USD', 'prefix' => '$', 'suffix' => ' USD', 'format' => 1, 'rate' => 1, 'default' => 1]);
    $settings = ['SystemURL' => $systemUrl, 'CompanyName' => 'Harness Hosting', 'Language' => 'english', 'ModuleDebugMode' => ''];
    foreach ($settings as $setting => $value) {
        $insert('tblconfiguration', ['setting' => $setting, 'value' => $value, 'created_at' => $now, 'updated_at' => $now]);
    }
    $templates = [[1, 'general', 'Client Signup Email'], [2, 'product', 'Hosting Account Welcome Email']];
    foreach ($templates as [$id, $type, $name]) {
        $insert('tblemailtemplates', [
            'id' => $id, 'type' => $type, 'name' => $name, 'subject' => $name, 'message' => '<p>{$client_name}</p>',
            'attachments' => '', 'fromname' => '', 'fromemail' => '', 'language' => '', 'copyto' => '',
            'created_at' => $now, 'updated_at' => $now,
        ]);
    }
}

function copyAssets(string $root): void
{
    foreach (HARNESS_ASSETS as [$pattern, $folder, $package]) {
        $files = glob($pattern) ?: [];
        if ($files === []) {
            fwrite(STDERR, "warning: {$pattern} not found (install the Debian package {$package})\n");
            continue;
        }
        $target = "{$root}/assets/vendor/{$folder}";
        if (!is_dir($target)) {
            mkdir($target, 0775, true);
        }
        foreach ($files as $file) {
            copy($file, $target . '/' . basename($file));
        }
    }
}

function existingEncryptionHash(string $root): ?string
{
    $file = $root . '/configuration.php';
    if (!is_file($file)) {
        return null;
    }
    return (static function (string $file): ?string {
        require $file;
        return $cc_encryption_hash ?? null;
    })($file);
}
