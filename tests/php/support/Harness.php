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
        $harness = new self($root, Database::create($purpose));
        try {
            self::mustRun([$repo . '/tests/harness/bin/new-root.sh', $root]);
            self::mustRun([$repo . '/scripts/install-addon.sh', $root]);
            $db = Database::settings($harness->database);
            self::mustRun(array_merge(Process::phpArgs(false), [
                $repo . '/tests/harness/bin/configure.php',
                '--root=' . $root,
                '--db-host=' . $db['db_host'],
                '--db-port=' . $db['db_port'],
                '--db-user=' . $db['db_username'],
                '--db-pass=' . $db['db_password'],
                '--db-name=' . $harness->database,
                '--smarty=' . ($options['smarty'] ?? '4'),
                '--reload-params=' . (($options['reload_params'] ?? false) ? '1' : '0'),
                '--fresh',
            ]));
            if ($options['activate'] ?? true) {
                $harness->addon('activate');
            }
        } catch (\Throwable $e) {
            $harness->destroy();
            throw $e;
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

    /** Setup > Addon Modules from the CLI (activate, deactivate, upgrade-check); fails unless it succeeds. */
    public function addon(string $action, bool $withExtension = true): string
    {
        [$exit, $output] = $this->tryAddon($action, $withExtension);
        if ($exit !== 0) {
            throw new \RuntimeException("addon.php $action exited with $exit\n$output");
        }
        return $output;
    }

    /** Setup > Addon Modules from the CLI; returns [exit code, stdout and stderr]. */
    public function tryAddon(string $action, bool $withExtension = true): array
    {
        [$exit, $out, $err] = Process::run(array_merge(Process::phpArgs($withExtension), [
            Process::repoRoot() . '/tests/harness/bin/addon.php', '--root=' . $this->root, $action, 'ipmanager',
        ]));
        return [$exit, $out . $err];
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

    /**
     * Runs code with the addon loaded and the extension connected to this
     * root's database, as the shim connects it; returns what the code echoes
     * as JSON, decoded.
     */
    public function extension(string $code): array
    {
        $boot = "require ROOTDIR . '/modules/addons/ipmanager/ipmanager.php';\n"
            . "if ((\$problem = WHMCS\\Module\\Addon\\Ipmanager\\Runtime::boot()) !== null) { throw new RuntimeException(\$problem); }\n";
        [$exit, $out, $err] = $this->php($boot . $code);
        $decoded = json_decode($out, true);
        if ($exit !== 0 || !is_array($decoded)) {
            throw new \RuntimeException("PHP exited with $exit\nstdout: $out\nstderr: $err");
        }
        return $decoded;
    }

    /** One ipmanager_* function called with array arguments through extension(); returns its result. */
    public function call(string $function, array ...$arguments)
    {
        $list = implode(', ', array_map(static fn (array $a): string => var_export($a, true), $arguments));
        return $this->extension("echo json_encode([$function($list)]);")[0];
    }

    /** Serves the root with php -S; returns the base URL. Stopped by stopServers() or destroy(). */
    public function serve(bool $withExtension = true, array $ini = []): string
    {
        $port = Process::freePort();
        $args = array_merge(Process::phpArgs($withExtension, $ini), ['-S', "127.0.0.1:$port", '-t', $this->root]);
        $log = $this->root . "/php-server-$port.log";
        $process = proc_open($args, [1 => ['file', $log, 'a'], 2 => ['file', $log, 'a']], $pipes, $this->root);
        $this->servers[] = $process;
        Process::waitForPort($port);
        return "http://127.0.0.1:$port";
    }

    public function stopServers(): void
    {
        foreach ($this->servers as $server) {
            proc_terminate($server);
            proc_close($server);
        }
        $this->servers = [];
    }

    public function destroy(): void
    {
        $this->stopServers();
        Database::drop($this->database);
        Process::run(['rm', '-rf', $this->root]);
    }
}
