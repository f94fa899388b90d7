<?php

namespace HarnessTests;

use HarnessTests\Support\Roots;
use PHPUnit\Framework\TestCase;

/** bin/seed.php on databases of its own (HARNESS_DB_NAME_seed_*), dropped afterwards. */
final class SeedTest extends TestCase
{
    private const SERVICE_COLUMNS = 'id, userid, packageid, server, regdate, domainstatus, billingcycle, amount, dedicatedip, assignedips';
    private static array $roots = [];

    public static function tearDownAfterClass(): void
    {
        foreach (array_keys(self::$roots) as $database) {
            self::pdo()->exec("DROP DATABASE IF EXISTS `{$database}`");
        }
        self::$roots = [];
    }

    public function testSameSeedGivesTheSameDataAndAnotherSeedDoesNot(): void
    {
        $first = $this->seed('a', ['--clients=40', '--services=1500', '--seed=7']);
        $second = $this->seed('b', ['--clients=40', '--services=1500', '--seed=7']);
        $third = $this->seed('c', ['--clients=40', '--services=1500', '--seed=8']);

        $this->assertSame($this->fingerprint($first), $this->fingerprint($second));
        $this->assertNotSame($this->fingerprint($first), $this->fingerprint($third));
    }

    public function testDataIsMixedAndIpsAreUniqueDocumentationAddresses(): void
    {
        $database = $this->seed('mix', ['--clients=30', '--services=2000', '--products=4', '--servers=2', '--dedicated-ratio=0.5', '--seed=3']);
        $pdo = self::pdo($database);

        $statuses = $pdo->query('SELECT domainstatus, COUNT(*) FROM tblhosting GROUP BY domainstatus')->fetchAll(\PDO::FETCH_KEY_PAIR);
        $this->assertEqualsCanonicalizing(['Active', 'Pending', 'Suspended', 'Terminated', 'Cancelled'], array_keys($statuses));
        $this->assertGreaterThan(array_sum($statuses) / 2, $statuses['Active']);
        $this->assertSame(['hostingaccount', 'server'], $pdo->query('SELECT DISTINCT type FROM tblproducts ORDER BY type')->fetchAll(\PDO::FETCH_COLUMN));
        $this->assertSame(['sampleserver'], $pdo->query('SELECT DISTINCT servertype FROM tblproducts')->fetchAll(\PDO::FETCH_COLUMN));
        $this->assertSame(['sampleserver'], $pdo->query('SELECT DISTINCT type FROM tblservers')->fetchAll(\PDO::FETCH_COLUMN));

        $dedicated = (int) $pdo->query("SELECT COUNT(*) FROM tblhosting WHERE dedicatedip <> ''")->fetchColumn();
        $this->assertEqualsWithDelta(1000, $dedicated, 100);
        $this->assertGreaterThan(0, (int) $pdo->query("SELECT COUNT(*) FROM tblhosting WHERE assignedips <> ''")->fetchColumn());

        $ips = $pdo->query('SELECT ipaddress FROM tblservers')->fetchAll(\PDO::FETCH_COLUMN);
        foreach ($pdo->query("SELECT dedicatedip, assignedips FROM tblhosting WHERE dedicatedip <> ''") as $row) {
            $ips[] = $row['dedicatedip'];
            foreach (array_filter(explode("\n", $row['assignedips'])) as $ip) {
                $ips[] = $ip;
            }
        }
        $this->assertSame(count($ips), count(array_unique($ips)), 'every IP is used once');
        $families = ['4' => 0, '6' => 0];
        foreach ($ips as $ip) {
            $this->assertTrue(self::isDocumentationAddress($ip), $ip);
            $families[str_contains($ip, ':') ? '6' : '4']++;
        }
        $this->assertGreaterThan(0, $families['4']);
        $this->assertGreaterThan(0, $families['6']);
    }

    public function testOneHundredThousandServicesInWellUnderThirtySeconds(): void
    {
        $database = $this->database('bulk');
        $started = microtime(true);
        Roots::run([PHP_BINARY, Roots::harnessDir() . '/bin/seed.php', '--root=' . self::$roots[$database], '--clients=5000', '--services=100000']);
        $elapsed = microtime(true) - $started;

        $this->assertSame(100000, (int) self::pdo($database)->query('SELECT COUNT(*) FROM tblhosting')->fetchColumn());
        $this->assertLessThan(20.0, $elapsed);
    }

    /** A configured root on a fresh database of its own, seeded with $options. */
    private function seed(string $label, array $options): string
    {
        $database = $this->database($label);
        Roots::run(array_merge([PHP_BINARY, Roots::harnessDir() . '/bin/seed.php', '--root=' . self::$roots[$database]], $options));
        return $database;
    }

    private function database(string $label): string
    {
        $database = Roots::database()['name'] . '_seed_' . $label;
        self::$roots[$database] = Roots::create('seed-' . $label, ['--create-db', '--fresh'], $database);
        return $database;
    }

    private function fingerprint(string $database): string
    {
        $rows = self::pdo($database)->query('SELECT ' . self::SERVICE_COLUMNS . ' FROM tblhosting ORDER BY id')->fetchAll(\PDO::FETCH_NUM);
        $servers = self::pdo($database)->query('SELECT ipaddress FROM tblservers ORDER BY id')->fetchAll(\PDO::FETCH_COLUMN);
        return sha1(json_encode([$rows, $servers]));
    }

    private static function isDocumentationAddress(string $ip): bool
    {
        $binary = (string) inet_pton($ip);
        if (strlen($binary) === 16) {
            return substr($binary, 0, 4) === substr(inet_pton('2001:db8::'), 0, 4);
        }
        foreach (['192.0.2.0', '198.51.100.0', '203.0.113.0'] as $network) {
            if (substr($binary, 0, 3) === substr(inet_pton($network), 0, 3)) {
                return true;
            }
        }
        return false;
    }

    private static function pdo(?string $database = null): \PDO
    {
        $db = Roots::database();
        $dsn = "mysql:host={$db['host']};port={$db['port']}" . ($database !== null ? ";dbname={$database}" : '');
        return new \PDO($dsn, $db['user'], $db['pass'], [\PDO::ATTR_ERRMODE => \PDO::ERRMODE_EXCEPTION]);
    }
}
