<?php

use IpManager\Tests\Database;
use IpManager\Tests\Process;
use PHPUnit\Framework\TestCase;

/**
 * The extension as PHP sees it: reflection, the exception family, panics and
 * database failures surfacing as exceptions without killing the process.
 */
final class ExtensionTest extends TestCase
{
    private static string $db;

    public static function setUpBeforeClass(): void
    {
        self::$db = Database::create('ext');
        Database::connect(self::$db)->exec(
            'CREATE TABLE tbladdonmodules (id INT AUTO_INCREMENT PRIMARY KEY, module VARCHAR(64), setting VARCHAR(64), value TEXT)'
        );
    }

    public static function tearDownAfterClass(): void
    {
        Database::drop(self::$db);
    }

    private static function connectCode(array $overrides = []): string
    {
        return 'ipmanager_connect(' . var_export(array_merge(Database::settings(self::$db), $overrides), true) . ');';
    }

    public function testPhpRiShowsVersionBuildAndApi(): void
    {
        [$exit, $out] = Process::run(array_merge(Process::phpArgs(), ['--ri', 'ipmanager']));
        $this->assertSame(0, $exit);
        $this->assertMatchesRegularExpression('/Version => \d+\.\d+\.\d+/', $out);
        $this->assertMatchesRegularExpression('/Build => \S+ \(release\)/', $out);
        $this->assertMatchesRegularExpression('/Built for PHP API => PHP 8\.2\.\d+, API 20220829/', $out);
    }

    public function testExceptionFamilyBehavesLikePhpClasses(): void
    {
        $result = Process::json(<<<'PHP'
            class MyFailure extends IpManagerConflictException {
                public function __construct() { parent::__construct('mine', 42); }
            }
            $out = [];
            foreach (['IpManagerInvalidInputException', 'IpManagerNotFoundException', 'IpManagerConflictException',
                      'IpManagerExhaustedException', 'IpManagerDatabaseException'] as $class) {
                $out['parents'][$class] = get_parent_class($class);
            }
            $out['base_parent'] = get_parent_class('IpManagerException');
            try { throw new MyFailure(); } catch (IpManagerException $e) {
                $out['custom'] = [get_class($e), $e->getMessage(), $e->getCode(), $e->getLine() > 0, basename($e->getFile()) !== ''];
            }
            $out['serializable'] = unserialize(serialize(new IpManagerException('s'))) instanceof IpManagerException;
            echo json_encode($out);
            PHP);
        $this->assertSame('Exception', $result['base_parent']);
        foreach ($result['parents'] as $parent) {
            $this->assertSame('IpManagerException', $parent);
        }
        $this->assertSame(['MyFailure', 'mine', 42, true, true], $result['custom']);
        $this->assertTrue($result['serializable']);
    }

    public function testInvalidInputCarriesFieldErrorsAndTheCallersLine(): void
    {
        $result = Process::json(self::connectCode() . <<<'PHP'
            try { $callLine = __LINE__; ipmanager_dashboard(['admin_id' => 'seven'], []); }
            catch (IpManagerInvalidInputException $e) {
                echo json_encode(['errors' => $e->errors, 'line' => $e->getLine() === $callLine, 'code' => $e->getCode()]);
            }
            PHP);
        $this->assertSame(['admin_id' => '"seven" is not a valid id'], $result['errors']);
        $this->assertTrue($result['line'], 'the exception points at the PHP line that called the extension');
        $this->assertSame(2, $result['code']);
    }

    public function testAPanicBecomesAnIpManagerExceptionAndTheProcessCarriesOn(): void
    {
        $result = Process::json(self::connectCode() . <<<'PHP'
            $out = [];
            foreach (['panic', 'panic_in_query', 'panic'] as $kind) {
                try { ipmanager_fault_inject($kind); $out[] = 'no exception'; }
                catch (IpManagerException $e) { $out[] = get_class($e) . ': ' . $e->getMessage(); }
            }
            ipmanager_module_activate(['system' => 'system']);
            $out[] = ipmanager_dashboard(['admin_id' => 1], []);
            echo json_encode($out);
            PHP);
        $this->assertStringStartsWith('IpManagerException: Internal error in the ipmanager extension (injected fault)', $result[0]);
        $this->assertStringContainsString('injected fault inside a database operation', $result[1]);
        $this->assertSame(['subnets' => 0, 'pools' => 0, 'assigned_ips' => 0, 'free_ips' => 0, 'usage' => []], $result[3]);
    }

    public function testAWrongPortIsReportedAtOnce(): void
    {
        $result = Process::json(self::connectCode(['db_port' => (string) Process::freePort()]) . <<<'PHP'
            $t = microtime(true);
            try { ipmanager_schema_status(); echo json_encode(['no exception']); }
            catch (IpManagerDatabaseException $e) { echo json_encode([$e->getMessage(), microtime(true) - $t]); }
            PHP);
        $this->assertStringContainsString('Cannot reach the WHMCS database', $result[0]);
        $this->assertLessThan(2.0, $result[1]);
    }

    public function testWrongCredentialsAndAMissingDatabaseAreNamed(): void
    {
        $result = Process::json(
            self::connectCode(['db_password' => 'definitely-wrong', 'db_username' => 'nobody_here']) . <<<'PHP'
            $out = [];
            try { ipmanager_schema_status(); } catch (IpManagerDatabaseException $e) { $out[] = $e->getMessage(); }
            PHP . self::connectCode(['db_name' => 'ipm_no_such_database']) . <<<'PHP'
            try { ipmanager_schema_status(); } catch (IpManagerDatabaseException $e) { $out[] = $e->getMessage(); }
            echo json_encode($out);
            PHP);
        $this->assertStringContainsString('refused the login', $result[0]);
        $this->assertStringContainsString('does not exist', $result[1]);
    }

    public function testAHungQueryIsCutOffByTheIniTimeout(): void
    {
        $result = Process::json(self::connectCode() . <<<'PHP'
            $t = microtime(true);
            try { ipmanager_fault_inject('sleep_query'); $out = ['no exception']; }
            catch (IpManagerDatabaseException $e) { $out = [$e->getMessage(), microtime(true) - $t]; }
            ipmanager_module_activate(['system' => 'system']);
            $out[] = ipmanager_dashboard(['admin_id' => 1], [])['subnets'];
            echo json_encode($out);
            PHP, true, ['ipmanager.timeout_ms' => '800']);
        $this->assertStringContainsString('did not finish within 800 ms', $result[0]);
        $this->assertGreaterThanOrEqual(0.79, $result[1]);
        $this->assertLessThan(3.0, $result[1]);
        $this->assertSame(0, $result[2], 'the next call reconnects and works');
    }

    public function testAStoppedServerGivesAClearExceptionWithinTheTimeout(): void
    {
        $dir = sys_get_temp_dir() . '/ipm-stopped-' . getmypid();
        $script = Process::repoRoot() . '/scripts/mariadb-throwaway.sh';
        [$exit, $port, $err] = Process::run([$script, 'start', $dir]);
        $this->assertSame(0, $exit, $err);
        try {
            $settings = ['db_host' => '127.0.0.1', 'db_port' => trim($port), 'db_username' => 'ipmanager',
                'db_password' => 'ipmanager-test', 'db_name' => 'mysql'];
            $code = 'ipmanager_connect(' . var_export($settings, true) . ');' . <<<PHP
                \$out = [];
                try { ipmanager_schema_status(); \$out[] = 'connected'; } catch (IpManagerException \$e) { \$out[] = \$e->getMessage(); }
                exec(escapeshellarg('$script') . ' stop ' . escapeshellarg('$dir'));
                \$t = microtime(true);
                try { ipmanager_schema_status(); \$out[] = 'no exception'; }
                catch (IpManagerDatabaseException \$e) { \$out[] = \$e->getMessage(); }
                \$out[] = microtime(true) - \$t;
                echo json_encode(\$out);
                PHP;
            $result = Process::json($code, true, ['ipmanager.timeout_ms' => '3000']);
            $this->assertSame('connected', $result[0]);
            $this->assertMatchesRegularExpression('/database/i', $result[1]);
            $this->assertLessThan(3.5, $result[2]);
        } finally {
            Process::run([$script, 'stop', $dir]);
            Process::run(['rm', '-rf', $dir]);
        }
    }
}
