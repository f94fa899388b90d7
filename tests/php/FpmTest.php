<?php

use IpManager\Tests\Browser;
use IpManager\Tests\Database;
use IpManager\Tests\Harness;
use IpManager\Tests\Process;
use PHPUnit\Framework\TestCase;

/**
 * The extension under PHP-FPM, as most WHMCS installations run it: four
 * static workers serving the admin Dashboard concurrently, each keeping one
 * database connection for its whole life and closing it when FPM stops.
 *
 * It uses a private MariaDB so that the server-wide Connections and
 * Aborted_clients counters count this test's connections only.
 */
final class FpmTest extends TestCase
{
    private const WORKERS = 4;
    private const REQUESTS = 200;
    private const DB_ENV = ['DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASS'];

    private string $work;
    private array $savedEnv = [];
    private ?Harness $harness = null;
    /** @var resource|null */
    private $fpm = null;

    protected function setUp(): void
    {
        $this->work = sys_get_temp_dir() . '/ipm-fpm-' . getmypid();
        mkdir($this->work . '/sessions', 0700, true);
        [$exit, $port, $err] = Process::run([Process::repoRoot() . '/scripts/mariadb-throwaway.sh', 'start', $this->work . '/mariadb']);
        $this->assertSame(0, $exit, $err);
        // Database and Harness read the server from the environment.
        foreach (self::DB_ENV as $name) {
            $this->savedEnv[$name] = getenv($name);
        }
        putenv('DB_HOST=127.0.0.1');
        putenv('DB_PORT=' . trim($port));
        putenv('DB_USER=ipmanager');
        putenv('DB_PASS=ipmanager-test');
        $this->harness = Harness::create('fpm');
    }

    protected function tearDown(): void
    {
        if ($this->fpm !== null) {
            // The test failed before stopping FPM: end the master and its workers at once.
            posix_kill(-proc_get_status($this->fpm)['pid'], 9);
            proc_close($this->fpm);
        }
        $this->harness?->destroy();
        Process::run([Process::repoRoot() . '/scripts/mariadb-throwaway.sh', 'stop', $this->work . '/mariadb']);
        Process::run(['rm', '-rf', $this->work]);
        foreach ($this->savedEnv as $name => $value) {
            putenv($value === false ? $name : "$name=$value");
        }
    }

    public function testFourWorkersServeTheDashboardConcurrentlyWithOneConnectionEach(): void
    {
        $subnet = $this->harness->call('ipmanager_subnet_save', ['admin_id' => 1], [
            'name' => 'Frankfurt', 'cidr' => '79.133.56.0/24', 'store_free_ips' => 'on', 'reserve_network' => 'on', 'reserve_broadcast' => 'on',
        ])['id'];
        $pool = $this->harness->call('ipmanager_pool_save', ['admin_id' => 1], ['subnet_id' => $subnet, 'name' => 'Web'])['id'];
        foreach ([1, 2] as $service) {
            $this->harness->call('ipmanager_allocate', ['admin_id' => 1], ['pool_id' => $pool, 'service_id' => $service, 'client_id' => 1]);
        }
        $cookies = $this->adminSessions();
        $port = $this->startFpm();
        $monitor = Database::server();

        $before = $this->status($monitor);
        $responses = $this->fetchConcurrently($port, $cookies);
        $after = $this->status($monitor);

        $this->assertCount(self::REQUESTS, $responses);
        foreach ($responses as $i => [$exit, $output, $errors]) {
            $this->assertSame(0, $exit, "request $i did not finish within the time limit (exit 124) or failed:\n$errors");
            $this->assertSame('', $errors, "request $i");
            [$headers, $body] = explode("\r\n\r\n", $output, 2) + [1 => ''];
            $this->assertDoesNotMatchRegularExpression('/^Status: (?!200)/mi', $headers, "request $i");
            $this->assertStringContainsString('id="ipmanager-dashboard"', $body, "request $i");
            // 256 stored addresses minus network, broadcast and the two assigned.
            $this->assertSame(['subnets' => '1', 'pools' => '1', 'assigned_ips' => '2', 'free_ips' => '252'], $this->counts($body), "request $i");
        }

        $idle = $this->databaseConnections($monitor, self::WORKERS);
        $this->assertGreaterThanOrEqual(1, count($idle));
        $this->assertLessThanOrEqual(self::WORKERS, count($idle));
        $this->assertSame(['Sleep'], array_values(array_unique(array_column($idle, 'COMMAND'))));
        $this->assertSame(
            count($idle),
            $after['Connections'] - $before['Connections'] - self::REQUESTS,
            'besides one harness PDO connection per request, only the kept extension connections were opened'
        );

        $this->stopFpm();

        $this->assertSame([], $this->databaseConnections($monitor, 0), 'the workers closed their connections');
        $this->assertSame(0, $this->status($monitor)['Aborted_clients'] - $after['Aborted_clients'], 'module shutdown said goodbye to MariaDB');
        $this->assertDoesNotMatchRegularExpression('/PHP (Fatal|Warning|Notice)/', (string) @file_get_contents($this->work . '/php-errors.log'));
    }

    /** Logs in WORKERS times through php -S sharing FPM's session directory; returns the session cookies. */
    private function adminSessions(): array
    {
        $base = $this->harness->serve(true, ['session.save_path' => $this->work . '/sessions']);
        $cookies = [];
        for ($i = 0; $i < self::WORKERS; $i++) {
            $browser = new Browser($base);
            $browser->loginAdmin('admin', 'admin');
            $cookies[] = implode('; ', array_map(static fn ($k, $v) => "$k=$v", array_keys($browser->cookies()), $browser->cookies()));
        }
        $this->harness->stopServers();
        return $cookies;
    }

    private function startFpm(): int
    {
        $port = Process::freePort();
        $work = $this->work;
        file_put_contents("$work/fpm.conf", <<<INI
            [global]
            pid = $work/fpm.pid
            error_log = $work/fpm.log
            daemonize = no
            ; Without it the master follows SIGQUIT with SIGTERM at once, killing workers before module shutdown.
            process_control_timeout = 10s

            [www]
            listen = 127.0.0.1:$port
            pm = static
            pm.max_children = 4
            request_terminate_timeout = 30
            catch_workers_output = yes
            php_admin_value[session.save_path] = $work/sessions
            php_admin_value[error_log] = $work/php-errors.log
            php_admin_flag[log_errors] = on
            php_admin_value[error_reporting] = 24575
            INI);
        // In a process group of its own, so that tearDown can reach the workers too.
        $command = ['/usr/bin/setsid', '/usr/sbin/php-fpm8.2', '-F', '-y', "$work/fpm.conf", '-d', 'extension=' . Process::extension()];
        if (posix_geteuid() === 0) {
            $command[] = '--allow-to-run-as-root';
        }
        $this->fpm = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$work/fpm.out", 'a'], 2 => ['file', "$work/fpm.out", 'a']], $pipes);
        Process::waitForPort($port);
        return $port;
    }

    private function stopFpm(): void
    {
        proc_terminate($this->fpm, 3); // SIGQUIT: graceful shutdown
        $deadline = microtime(true) + 10;
        while (proc_get_status($this->fpm)['running']) {
            $this->assertLessThan($deadline, microtime(true), "FPM did not stop:\n" . file_get_contents($this->work . '/fpm.log'));
            usleep(20000);
        }
        proc_close($this->fpm);
        $this->fpm = null;
    }

    /**
     * REQUESTS GETs of the Dashboard through cgi-fcgi, WORKERS at a time, one
     * admin session per lane (PHP's file sessions would serialise a shared
     * one). Returns [exit code, stdout, stderr] per request.
     */
    private function fetchConcurrently(int $port, array $cookies): array
    {
        $root = $this->harness->root;
        $env = [
            'SCRIPT_FILENAME' => "$root/admin/addonmodules.php", 'SCRIPT_NAME' => '/admin/addonmodules.php',
            'REQUEST_URI' => '/admin/addonmodules.php?module=ipmanager', 'QUERY_STRING' => 'module=ipmanager',
            'REQUEST_METHOD' => 'GET', 'DOCUMENT_ROOT' => $root, 'GATEWAY_INTERFACE' => 'CGI/1.1',
            'SERVER_PROTOCOL' => 'HTTP/1.1', 'SERVER_NAME' => '127.0.0.1', 'SERVER_PORT' => '80',
            'HTTP_HOST' => '127.0.0.1', 'REMOTE_ADDR' => '127.0.0.1',
        ];
        $command = ['/usr/bin/timeout', '20', '/usr/bin/cgi-fcgi', '-bind', '-connect', "127.0.0.1:$port"];
        $lanes = array_fill(0, self::WORKERS, null);
        $responses = [];
        $started = 0;
        $deadline = microtime(true) + 120;
        while (count($responses) < self::REQUESTS) {
            $this->assertLessThan($deadline, microtime(true), 'the requests did not finish within 120 s');
            foreach ($lanes as $lane => $running) {
                $status = $running === null ? null : proc_get_status($running['process']);
                if ($status !== null && !$status['running']) {
                    proc_close($running['process']);
                    $responses[] = [$status['exitcode'], (string) file_get_contents("$running[out]"), (string) file_get_contents("$running[err]")];
                    $running = $lanes[$lane] = null;
                }
                if ($running === null && $started < self::REQUESTS) {
                    $out = "{$this->work}/lane-$lane.out";
                    $err = "{$this->work}/lane-$lane.err";
                    $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $out, 'w'], 2 => ['file', $err, 'w']],
                        $pipes, null, $env + ['HTTP_COOKIE' => $cookies[$lane]]);
                    $lanes[$lane] = ['process' => $process, 'out' => $out, 'err' => $err];
                    $started++;
                }
            }
            usleep(2000);
        }
        return $responses;
    }

    private function counts(string $html): array
    {
        preg_match_all('/data-count="(\w+)">\s*<div class="panel-body">\s*<div class="h2 ipmanager-count"[^>]*>(\d+)</', $html, $m);
        return array_combine($m[1], $m[2]);
    }

    private function status(\PDO $monitor): array
    {
        return array_map('intval', $monitor->query("SHOW GLOBAL STATUS WHERE Variable_name IN ('Connections', 'Aborted_clients')")
            ->fetchAll(\PDO::FETCH_KEY_PAIR));
    }

    /** The connections to the harness database, once no more than $expected are left (or after 3 s). */
    private function databaseConnections(\PDO $monitor, int $expected): array
    {
        $query = $monitor->prepare('SELECT ID, COMMAND FROM information_schema.PROCESSLIST WHERE DB = ? ORDER BY ID');
        $deadline = microtime(true) + 3;
        do {
            $query->execute([$this->harness->database]);
            $rows = $query->fetchAll(\PDO::FETCH_ASSOC);
            if (count($rows) <= $expected) {
                return $rows;
            }
            usleep(50000);
        } while (microtime(true) < $deadline);
        return $rows;
    }
}
