<?php
/**
 * Shared by the allocator benchmarks: a throwaway database per benchmark,
 * subnets and pools, percentiles, and worker processes started together.
 * Reads DB_HOST/DB_PORT/DB_USER/DB_PASS (scripts/db-env.sh) and IPMANAGER_SO
 * (the built extension, for the worker processes) from the environment.
 */

require_once __DIR__ . '/../php/support/Database.php';
require_once __DIR__ . '/../php/support/Process.php';

use IpManager\Tests\Database;
use IpManager\Tests\Process;

/**
 * A new database with the WHMCS tables the module reads and the module
 * activated; this process is connected to it and drops it when it exits.
 */
function bench_database(string $purpose): string
{
    $name = Database::create("bench_$purpose");
    register_shutdown_function(static fn () => Database::drop($name));
    $pdo = Database::connect($name);
    $pdo->exec('CREATE TABLE tbladdonmodules (id INT AUTO_INCREMENT PRIMARY KEY, module VARCHAR(64), setting VARCHAR(64), value TEXT)');
    $pdo->exec('CREATE TABLE tblhosting (id INT UNSIGNED PRIMARY KEY, domain VARCHAR(255) NOT NULL)');
    $pdo->exec('CREATE TABLE tblclients (id INT UNSIGNED PRIMARY KEY, firstname VARCHAR(64) NOT NULL, lastname VARCHAR(64) NOT NULL)');
    ipmanager_connect(Database::settings($name));
    ipmanager_module_activate(['system' => 'system']);
    return $name;
}

/** Saves a subnet with a pool over all of it; returns [subnet id, pool id]. */
function bench_subnet_with_pool(array $subnetForm): array
{
    $subnetId = ipmanager_subnet_save(['admin_id' => 1], $subnetForm)['id'];
    $poolId = ipmanager_pool_save(['admin_id' => 1], ['name' => $subnetForm['name'], 'subnet_id' => $subnetId,
        'range_start' => '', 'range_end' => ''])['id'];
    return [$subnetId, $poolId];
}

function bench_percentile(array $samples, float $p): float
{
    sort($samples);
    return $samples[min(count($samples) - 1, (int) floor(count($samples) * $p))];
}

/** Microseconds → "850 us" or "2.31 ms". */
function bench_time(float $us): string
{
    return $us < 1000 ? sprintf('%.0f us', $us) : sprintf('%.2f ms', $us / 1000);
}

function bench_verdict(bool $met): string
{
    return $met ? 'meets target' : 'MISSES target';
}

/** Calls $run once; returns the time it took in microseconds. */
function bench_timed(callable $run): float
{
    $t = hrtime(true);
    $run();
    return (hrtime(true) - $t) / 1000;
}

/**
 * Runs one PHP process (with the extension) per argument list: each connects,
 * prints "ready" and waits; all are released at once. Returns each one's last
 * stdout line, JSON-decoded.
 */
function bench_run_workers(array $argumentLists): array
{
    $workers = [];
    foreach ($argumentLists as $arguments) {
        $process = proc_open(array_merge(Process::phpArgs(), $arguments), [0 => ['pipe', 'r'], 1 => ['pipe', 'w']], $pipes);
        $workers[] = [$process, $pipes];
    }
    foreach ($workers as [, $pipes]) {
        if (fgets($pipes[1]) !== "ready\n") {
            throw new RuntimeException('a worker did not start');
        }
    }
    foreach ($workers as [, $pipes]) {
        fwrite($pipes[0], "go\n");
        fclose($pipes[0]);
    }
    $results = [];
    foreach ($workers as [$process, $pipes]) {
        $out = stream_get_contents($pipes[1]);
        fclose($pipes[1]);
        $exit = proc_close($process);
        $result = json_decode($out, true);
        if ($exit !== 0 || !is_array($result)) {
            throw new RuntimeException("a worker exited with $exit: $out");
        }
        $results[] = $result;
    }
    return $results;
}

/**
 * The allocation transaction written by hand with PDO, for comparison with
 * ipmanager_allocate(): the same rows (address, assignment, log) in the same
 * statements the extension sends, minus its lookup of the pool's subnet.
 */
final class BareAllocator
{
    private PDO $pdo;
    private PDOStatement $pick;
    private PDOStatement $take;
    private PDOStatement $assign;
    private PDOStatement $log;

    public function __construct(PDO $pdo)
    {
        $this->pdo = $pdo;
        $this->pick = $pdo->prepare("SELECT id, ip FROM mod_ipmanager_ip_addresses WHERE pool_id = ? AND status = 'free'
                                     ORDER BY ip_bin LIMIT 1 FOR UPDATE SKIP LOCKED");
        $this->take = $pdo->prepare("UPDATE mod_ipmanager_ip_addresses SET status = 'assigned', cooldown_until = NULL
                                     WHERE id = ? AND status = 'free'");
        $this->assign = $pdo->prepare("INSERT INTO mod_ipmanager_assignments
                                         (ip_address_id, service_id, client_id, type, source, configuration_id, assigned_by)
                                       VALUES (?, ?, ?, 'primary', 'manual', 0, 'hook:0')");
        $this->log = $pdo->prepare("INSERT INTO mod_ipmanager_logs
                                      (actor_type, actor_id, action, details, ip, service_id, client_id, request_ip)
                                    VALUES ('hook', 0, 'address_assigned', ?, ?, ?, ?, '')");
    }

    public function allocate(int $poolId, int $serviceId, int $clientId): void
    {
        $this->pdo->beginTransaction();
        $this->pick->execute([$poolId]);
        [$id, $ip] = $this->pick->fetch(PDO::FETCH_NUM) ?: throw new RuntimeException("pool $poolId is full");
        $this->pick->closeCursor();
        $this->take->execute([$id]);
        if ($this->take->rowCount() !== 1) {
            throw new RuntimeException("address $id was taken concurrently");
        }
        $this->assign->execute([$id, $serviceId, $clientId]);
        $this->log->execute(["$ip assigned to service #$serviceId (manual)", $ip, $serviceId, $clientId]);
        $this->pdo->commit();
    }
}
