<?php

namespace IpManager\Tests;

/**
 * A WHMCS root built from tests/harness with the addon installed, its own
 * database, and optional web servers (php -S) that load the extension.
 */
final class Harness
{
    public string $root;
    public string $database;
    /** @var resource[] */
    private array $servers = [];
    private static int $counter = 0;

    private function __construct(string $root, string $database)
    {
        $this->root = $root;
        $this->database = $database;
    }

    /**
     * @param array $options smarty => '3'|'4', reload_params => bool, activate => bool
     */
    public static function create(string $purpose, array $options = []): self
    {
        $repo = Process::repoRoot();
        $root = $repo . '/.run/php-roots/' . $purpose . '-' . getmypid() . '-' . (++self::$counter);
        self::mustRun([$repo . '/tests/harness/bin/new-root.sh', $root]);
        self::mustRun([$repo . '/scripts/install-addon.sh', $root]);
        $database = Database::create($purpose);
        $db = Database::settings($database);
        self::mustRun(array_merge(Process::phpArgs(false), [
            $repo . '/tests/harness/bin/configure.php',
            '--root=' . $root,
            '--db-host=' . $db['db_host'],
            '--db-port=' . $db['db_port'],
            '--db-user=' . $db['db_username'],
            '--db-pass=' . $db['db_password'],
            '--db-name=' . $database,
            '--smarty=' . ($options['smarty'] ?? '4'),
            '--reload-params=' . (($options['reload_params'] ?? false) ? '1' : '0'),
            '--fresh',
        ]));
        $harness = new self($root, $database);
        if ($options['activate'] ?? true) {
            $harness->addon('activate');
        }
        return $harness;
    }

    private static function mustRun(array $command): string
    {
        [$exit, $out, $err] = Process::run($command);
        if ($exit !== 0) {
            throw new \RuntimeException(implode(' ', $command) . " exited with $exit\n$out\n$err");
        }
        return $out;
    }

    /** Setup > Addon Modules from the CLI: activate, deactivate. */
    public function addon(string $action, bool $withExtension = true): string
    {
        return self::mustRun(array_merge(Process::phpArgs($withExtension), [
            Process::repoRoot() . '/tests/harness/bin/addon.php', '--root=' . $this->root, $action, 'ipmanager',
        ]));
    }

    public function pdo(): \PDO
    {
        return Database::connect($this->database);
    }

    /** Runs code after WHMCS's init.php, as a cron script or hook would run. */
    public function php(string $code, bool $withExtension = true, array $ini = []): array
    {
        $boot = 'chdir(' . var_export($this->root, true) . '); require ' . var_export($this->root . '/init.php', true) . ";\n";
        return Process::runPhp($boot . $code, $withExtension, $ini, $this->root);
    }

    /** Serves the root with php -S; returns the base URL. Stopped by destroy(). */
    public function serve(bool $withExtension = true): string
    {
        $port = Process::freePort();
        $args = array_merge(Process::phpArgs($withExtension), ['-S', "127.0.0.1:$port", '-t', $this->root]);
        $log = $this->root . "/php-server-$port.log";
        $process = proc_open($args, [1 => ['file', $log, 'a'], 2 => ['file', $log, 'a']], $pipes, $this->root);
        $this->servers[] = $process;
        Process::waitForPort($port);
        return "http://127.0.0.1:$port";
    }

    public function destroy(): void
    {
        foreach ($this->servers as $server) {
            proc_terminate($server);
            proc_close($server);
        }
        $this->servers = [];
        Database::drop($this->database);
        Process::run(['rm', '-rf', $this->root]);
    }
}
