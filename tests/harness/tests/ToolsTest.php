<?php

namespace HarnessTests;

use Harness\Database;
use HarnessTests\Support\Roots;
use PHPUnit\Framework\TestCase;
use WHMCS\Database\Capsule;

/** bin/new-root.sh, bin/configure.php and bin/addon.php, plus configuration.php handling. */
final class ToolsTest extends TestCase
{
    public function testNewRootRefusesToReplaceForeignFolders(): void
    {
        $foreign = sys_get_temp_dir() . '/harness-foreign-' . bin2hex(random_bytes(4));
        mkdir($foreign);
        file_put_contents($foreign . '/keep.txt', 'precious');
        try {
            Roots::run([Roots::harnessDir() . '/bin/new-root.sh', $foreign]);
            $this->fail('new-root.sh replaced a folder that is not a harness root');
        } catch (\RuntimeException $e) {
            $this->assertStringContainsString('is not a harness root', $e->getMessage());
            $this->assertFileExists($foreign . '/keep.txt');
        } finally {
            Roots::run(['rm', '-rf', $foreign]);
        }
    }

    public function testConfigureIsIdempotentAndKeepsTheEncryptionKey(): void
    {
        $root = Roots::create('tools', ['--smarty=3', '--reload-params=1', '--theme=six']);
        $before = self::configuration($root);
        $this->assertSame(['3', true, 'six'], [$before['harness_smarty'], $before['harness_reload_params_after_pre_hooks'], $before['harness_client_theme']]);
        Capsule::table('tblconfiguration')->updateOrInsert(['setting' => 'HarnessToolsMarker'], ['value' => 'kept']);

        $db = Roots::database();
        Roots::run([PHP_BINARY, Roots::harnessDir() . '/bin/configure.php', '--root=' . $root, '--db-name=' . $db['name'],
            '--db-host=' . $db['host'] . ':' . $db['port'], '--db-user=' . $db['user'], '--db-pass=' . $db['pass']]);

        $after = self::configuration($root);
        $this->assertSame($before['cc_encryption_hash'], $after['cc_encryption_hash']);
        $this->assertSame('4', $after['harness_smarty']);
        $this->assertSame('kept', Capsule::table('tblconfiguration')->where('setting', 'HarnessToolsMarker')->value('value'));
        $this->assertSame(1, Capsule::table('tbladmins')->where('username', 'admin')->count(), 'base rows are not duplicated');
        $this->assertFileExists($root . '/assets/vendor/bootstrap4/css/bootstrap.min.css');
        $this->assertFileExists($root . '/assets/vendor/bootstrap3/fonts/glyphicons-halflings-regular.woff2');
        $output = Roots::run([PHP_BINARY, '-r', 'require $argv[1]; echo WHMCS\Config\Setting::getValue("HarnessToolsMarker");', $root . '/init.php']);
        $this->assertSame('kept', $output, 'a host:port db_host connects');
    }

    public function testDbHostForms(): void
    {
        $base = ['db_name' => 'n', 'db_username' => 'u', 'db_password' => 'p', 'db_port' => '3310'];

        $plain = Database::connectionConfig($base + ['db_host' => 'db.example.test']);
        $withPort = Database::connectionConfig($base + ['db_host' => 'db.example.test:3307']);
        $socket = Database::connectionConfig($base + ['db_host' => '/run/mysqld/mysqld.sock']);

        $this->assertSame(['db.example.test', '3310'], [$plain['host'], $plain['port']]);
        $this->assertSame(['db.example.test', '3307'], [$withPort['host'], $withPort['port']]);
        $this->assertSame('/run/mysqld/mysqld.sock', $socket['unix_socket']);
        $this->assertFalse($plain['strict']);
        $this->assertSame('utf8mb4_unicode_ci', $plain['collation']);
    }

    public function testAddonCliReportsUnknownModules(): void
    {
        try {
            Roots::run([PHP_BINARY, Roots::harnessDir() . '/bin/addon.php', '--root=' . HARNESS_TEST_ROOT, 'activate', 'no_such_module']);
            $this->fail('activating a missing module succeeded');
        } catch (\RuntimeException $e) {
            $this->assertStringContainsString('no_such_module: activate error - Module not found', $e->getMessage());
        }
    }

    private static function configuration(string $root): array
    {
        return (static function (string $file): array {
            require $file;
            return get_defined_vars();
        })($root . '/configuration.php');
    }
}
