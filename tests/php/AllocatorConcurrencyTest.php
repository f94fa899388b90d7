<?php

use IpManager\Tests\Database;
use IpManager\Tests\Process;
use PHPUnit\Framework\TestCase;

/**
 * The allocation contract (design §4) under real concurrency: many PHP CLI
 * processes, each with its own connection, allocating from one pool at the
 * same moment, and processes killed with SIGKILL in the middle of allocating
 * and releasing. Workers are tests/php/support/workers/allocate.php.
 */
final class AllocatorConcurrencyTest extends TestCase
{
    private const WORKERS = 16;
    private const PER_WORKER = 1000;

    private string $db;
    private \PDO $pdo;

    protected function setUp(): void
    {
        $this->db = Database::create('alloc');
        $this->pdo = Database::connect($this->db);
        $this->pdo->exec(
            'CREATE TABLE tbladdonmodules (id INT AUTO_INCREMENT PRIMARY KEY, module VARCHAR(64), setting VARCHAR(64), value TEXT)'
        );
        $this->extension("ipmanager_module_activate(['system' => 'system']); echo json_encode([]);");
    }

    protected function tearDown(): void
    {
        Database::drop($this->db);
    }

    public function testSixteenProcessesShareAStoredPoolWithoutDuplicatesLowestFirst(): void
    {
        $subnetId = $this->subnet(['name' => 'v4', 'cidr' => '10.20.0.0/16', 'reserve_network' => 'on',
            'reserve_broadcast' => 'on', 'store_free_ips' => 'on']);
        $poolId = $this->pool($subnetId);

        $this->runToCompletion($poolId);

        $this->assertConsistent(self::WORKERS * self::PER_WORKER);
        $expected = [];
        for ($k = 1; $k <= self::WORKERS * self::PER_WORKER; $k++) {
            $expected[] = long2ip(ip2long('10.20.0.0') + $k);
        }
        $this->assertSameAddressSet($expected, $this->assignedAddresses($subnetId));
    }

    public function testSixteenProcessesShareAnUnstoredIpv6PoolWithoutDuplicatesLowestFirst(): void
    {
        $subnetId = $this->subnet(['name' => 'v6', 'cidr' => '2001:db8::/64']);
        $poolId = $this->pool($subnetId);

        $this->runToCompletion($poolId);

        $this->assertConsistent(self::WORKERS * self::PER_WORKER);
        // 2001:db8:: is the subnet-router anycast address: ::1 … ::3e80.
        $expected = [];
        for ($k = 1; $k <= self::WORKERS * self::PER_WORKER; $k++) {
            $expected[] = '2001:db8::' . dechex($k);
        }
        $this->assertSameAddressSet($expected, $this->assignedAddresses($subnetId));
    }

    public function testProcessesKilledMidAllocationLeaveNoHalfWrittenAssignment(): void
    {
        $storedSubnet = $this->subnet(['name' => 'v4', 'cidr' => '10.30.0.0/20', 'reserve_network' => 'on',
            'reserve_broadcast' => 'on', 'store_free_ips' => 'on']);
        $storedPool = $this->pool($storedSubnet);
        $unstoredSubnet = $this->subnet(['name' => 'v6', 'cidr' => '2001:db8:2::/64']);
        $unstoredPool = $this->pool($unstoredSubnet);

        for ($round = 0; $round < 3; $round++) {
            $configs = [];
            for ($w = 0; $w < self::WORKERS; $w++) {
                $configs[] = $this->workerConfig($w < self::WORKERS / 2 ? $storedPool : $unstoredPool,
                    $round * self::WORKERS + $w, 0, 5);
            }
            $workers = $this->startWorkers($configs);
            usleep(mt_rand(300_000, 800_000));
            foreach ($workers as $i => $worker) {
                // A worker that stopped by itself hit an exception; its summary says which.
                $status = proc_get_status($worker['process']);
                if (!$status['running']) {
                    // proc_get_status() has taken the exit code; proc_close() no longer knows it.
                    [, $out, $err] = $this->collect($worker);
                    $this->fail("worker $i stopped before it was killed (exit {$status['exitcode']}): $out\n$err");
                }
            }
            foreach ($workers as $worker) {
                proc_terminate($worker['process'], 9);
            }
            foreach ($workers as $worker) {
                $this->collect($worker);
            }
        }
        $this->waitForKilledSessions();

        $assigned = (int) $this->pdo->query('SELECT COUNT(*) FROM mod_ipmanager_assignments')->fetchColumn();
        $this->assertGreaterThan(0, $assigned, 'the workers allocated before they were killed');
        $this->assertConsistent($assigned);

        // Nothing killed mid-transaction may hide a free address below a
        // pool's hint or keep a row lock: the next allocations get the lowest
        // free addresses.
        $lowestStored = $this->pdo->query(
            "SELECT ip_bin FROM mod_ipmanager_ip_addresses WHERE pool_id = $storedPool AND status = 'free' ORDER BY ip_bin LIMIT 1"
        )->fetchColumn();
        $this->assertSame(inet_ntop($lowestStored), $this->allocateOnce($storedPool)['ip']);
        $this->assertSame($this->lowestGap($unstoredSubnet, '2001:db8:2::'), $this->allocateOnce($unstoredPool)['ip']);
        $this->assertConsistent($assigned + 2);
    }

    // --- Workers --------------------------------------------------------------------

    /** Starts 16 workers with 1,000 allocations each and expects all to finish cleanly. */
    private function runToCompletion(int $poolId): void
    {
        $configs = [];
        for ($w = 0; $w < self::WORKERS; $w++) {
            $configs[] = $this->workerConfig($poolId, $w, self::PER_WORKER, 0);
        }
        foreach ($this->startWorkers($configs) as $i => $worker) {
            [$exit, $out, $err] = $this->collect($worker);
            $summary = json_decode($out, true);
            $this->assertSame(0, $exit, "worker $i exited with $exit\nstdout: $out\nstderr: $err");
            $this->assertSame(['allocated' => self::PER_WORKER, 'released' => 0, 'error' => null], $summary);
        }
    }

    /** Each worker (across rounds, too) gets its own service ids and client. */
    private function workerConfig(int $poolId, int $worker, int $count, int $releaseEvery): array
    {
        return [
            'db' => Database::settings($this->db),
            'pool_id' => $poolId,
            'client_id' => $worker + 1,
            'first_service' => ($worker + 1) * 100_000,
            'count' => $count,
            'release_every' => $releaseEvery,
        ];
    }

    /**
     * Starts one process per config, waits until every one is connected and
     * then lets them all go at once.
     *
     * @return array<int, array{process: resource, stdin: resource, stdout: resource, stderr: string}>
     */
    private function startWorkers(array $configs): array
    {
        $script = __DIR__ . '/support/workers/allocate.php';
        $workers = [];
        foreach ($configs as $config) {
            // stderr goes to a file so that a chatty worker can never block on a full pipe.
            $stderr = tempnam(sys_get_temp_dir(), 'ipm-worker-');
            $process = proc_open(
                array_merge(Process::phpArgs(), [$script, json_encode($config)]),
                [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', $stderr, 'w']],
                $pipes
            );
            $this->assertIsResource($process);
            $workers[] = ['process' => $process, 'stdin' => $pipes[0], 'stdout' => $pipes[1], 'stderr' => $stderr];
        }
        foreach ($workers as $i => $worker) {
            $line = fgets($worker['stdout']);
            if ($line !== "ready\n") {
                [$exit, $out, $err] = $this->collect($worker);
                $this->fail("worker $i did not start (exit $exit): $line$out\n$err");
            }
        }
        foreach ($workers as $worker) {
            fwrite($worker['stdin'], "go\n");
            fclose($worker['stdin']);
        }
        return $workers;
    }

    /** Waits for a worker to end; returns [exit code, stdout, stderr]. */
    private function collect(array $worker): array
    {
        $out = stream_get_contents($worker['stdout']);
        fclose($worker['stdout']);
        if (is_resource($worker['stdin'])) {
            fclose($worker['stdin']);
        }
        $exit = proc_close($worker['process']);
        $err = (string) file_get_contents($worker['stderr']);
        unlink($worker['stderr']);
        return [$exit, $out, $err];
    }

    // --- The extension and the database -----------------------------------------------

    /** Runs PHP code with the extension connected to this test's database. */
    private function extension(string $code): array
    {
        return Process::json('ipmanager_connect(' . var_export(Database::settings($this->db), true) . ");\n" . $code);
    }

    private function subnet(array $form): int
    {
        return $this->extension('echo json_encode(ipmanager_subnet_save([\'admin_id\' => 1], '
            . var_export($form, true) . '));')['id'];
    }

    /** A pool over the whole subnet. */
    private function pool(int $subnetId): int
    {
        $form = ['name' => "pool of #$subnetId", 'subnet_id' => $subnetId, 'range_start' => '', 'range_end' => ''];
        return $this->extension('echo json_encode(ipmanager_pool_save([\'admin_id\' => 1], ' . var_export($form, true) . '));')['id'];
    }

    private function allocateOnce(int $poolId): array
    {
        return $this->extension("echo json_encode(ipmanager_allocate(['system' => 'hook'], "
            . "['pool_id' => $poolId, 'service_id' => 1, 'client_id' => 1]));");
    }

    /**
     * Exactly $assignments assignments, each on its own address row, which is
     * assigned; and no assigned row without its assignment.
     */
    /**
     * A killed worker's last batch of statements may still be running on the
     * server (it ends in COMMIT or is rolled back when the server notices the
     * client is gone); counting before its session ends would race it.
     */
    private function waitForKilledSessions(): void
    {
        $others = $this->pdo->prepare(
            'SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()'
        );
        $deadline = microtime(true) + 10;
        do {
            $others->execute([$this->db]);
            if ((int) $others->fetchColumn() === 0) {
                return;
            }
            usleep(20_000);
        } while (microtime(true) < $deadline);
        $this->fail('the killed workers\' sessions were still open on the server after 10 s');
    }

    private function assertConsistent(int $assignments): void
    {
        $counts = $this->pdo->query(
            "SELECT (SELECT COUNT(*) FROM mod_ipmanager_assignments) AS assignments,
                    (SELECT COUNT(DISTINCT ip_address_id) FROM mod_ipmanager_assignments) AS distinct_addresses,
                    (SELECT COUNT(*) FROM mod_ipmanager_ip_addresses WHERE status = 'assigned') AS assigned_rows,
                    (SELECT COUNT(*) FROM mod_ipmanager_ip_addresses a
                       LEFT JOIN mod_ipmanager_assignments x ON x.ip_address_id = a.id
                      WHERE a.status = 'assigned' AND x.id IS NULL) AS assigned_without_assignment,
                    (SELECT COUNT(*) FROM mod_ipmanager_assignments x
                       LEFT JOIN mod_ipmanager_ip_addresses a ON a.id = x.ip_address_id
                      WHERE a.id IS NULL OR a.status <> 'assigned') AS assignment_without_assigned_row,
                    (SELECT COUNT(*) - COUNT(DISTINCT subnet_id, ip_bin) FROM mod_ipmanager_ip_addresses) AS duplicate_rows"
        )->fetch();
        $this->assertSame([
            'assignments' => $assignments,
            'distinct_addresses' => $assignments,
            'assigned_rows' => $assignments,
            'assigned_without_assignment' => 0,
            'assignment_without_assigned_row' => 0,
            'duplicate_rows' => 0,
        ], array_map('intval', $counts));
    }

    /** The subnet's assigned addresses in PHP's canonical text. */
    private function assignedAddresses(int $subnetId): array
    {
        $bins = $this->pdo->query(
            "SELECT ip_bin FROM mod_ipmanager_ip_addresses WHERE subnet_id = $subnetId AND status = 'assigned'"
        )->fetchAll(\PDO::FETCH_COLUMN);
        return array_map('inet_ntop', $bins);
    }

    private function assertSameAddressSet(array $expected, array $actual): void
    {
        $missing = array_values(array_diff($expected, $actual));
        $unexpected = array_values(array_diff($actual, $expected));
        $this->assertSame([[], []], [array_slice($missing, 0, 10), array_slice($unexpected, 0, 10)],
            count($missing) . ' of the expected addresses were not assigned, ' . count($unexpected) . ' others were');
        $this->assertCount(count($expected), $actual);
    }

    /** The lowest address above $prefix:: (::1 upward) that has no row in an unstored /64. */
    private function lowestGap(int $subnetId, string $prefix): string
    {
        $bins = $this->pdo->query(
            "SELECT ip_bin FROM mod_ipmanager_ip_addresses WHERE subnet_id = $subnetId ORDER BY ip_bin"
        )->fetchAll(\PDO::FETCH_COLUMN);
        $next = 1;
        foreach ($bins as $bin) {
            $host = unpack('J', substr($bin, 8))[1];
            if ($host > $next) {
                break;
            }
            $next = $host + 1;
        }
        return inet_ntop(substr(inet_pton($prefix), 0, 8) . pack('J', $next));
    }
}
