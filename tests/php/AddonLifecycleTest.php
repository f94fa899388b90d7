<?php

use IpManager\Tests\Browser;
use IpManager\Tests\Harness;
use IpManager\Tests\Process;
use PHPUnit\Framework\TestCase;

/**
 * The addon as Setup > Addon Modules drives it: _config, activate,
 * deactivate (keeping or deleting the data), reactivate, and _upgrade when
 * the stored version is older than the files.
 */
final class AddonLifecycleTest extends TestCase
{
    private ?Harness $harness = null;

    protected function tearDown(): void
    {
        $this->harness?->destroy();
    }

    public function testConfigDeclaresTheModuleAndItsFiveSettingsAtTheExtensionsVersion(): void
    {
        $module = var_export(Process::repoRoot() . '/php-shim/modules/addons/ipmanager/ipmanager.php', true);
        [$config, $extensionVersion] = Process::json("define('WHMCS', true); require $module; echo json_encode([ipmanager_config(), ipmanager_version()]);");

        $this->assertSame(['name', 'description', 'author', 'language', 'version', 'fields'], array_keys($config));
        $this->assertSame('IP Manager', $config['name']);
        $this->assertSame('english', $config['language']);
        $fields = $config['fields'];
        $this->assertSame(
            [
                'usage_alert_threshold' => ['Usage Alert Threshold (%)', 'text'],
                'ip_cleaner_enabled' => ['IP Cleaner Enabled', 'yesno'],
                'ip_cleaner_behavior' => ['IP Cleaner Behavior', 'dropdown'],
                'use_custom_field' => ['Use Custom Field Instead Of Assigned IP', 'yesno'],
                'delete_data_on_deactivate' => ['Delete all data on deactivate', 'yesno'],
            ],
            array_map(static fn (array $f): array => [$f['FriendlyName'], $f['Type']], $fields)
        );
        $this->assertSame('80', $fields['usage_alert_threshold']['Default']);
        $this->assertSame(['Notify only', 'Mark free'], array_values($fields['ip_cleaner_behavior']['Options']));
        $this->assertEmpty($fields['delete_data_on_deactivate']['Default'] ?? '', 'deleting data must be opted into');

        preg_match('/^version\s*=\s*"([^"]+)"/m', (string) file_get_contents(Process::repoRoot() . '/Cargo.toml'), $cargo);
        $this->assertSame($cargo[1], $config['version']);
        $this->assertSame($cargo[1], $extensionVersion);
    }

    public function testActivationCreatesEveryTableAndStoresTheDefaults(): void
    {
        $this->harness = Harness::create('life', ['activate' => false]);

        $output = $this->harness->addon('activate');

        $this->assertStringStartsWith('ipmanager: activate success - IP Manager is active', $output);
        $this->assertSame(self::schemaTables(), $this->moduleTables());
        $settings = $this->settings();
        $this->assertSame('80', $settings['usage_alert_threshold']);
        $this->assertSame('notify', $settings['ip_cleaner_behavior']);
        $this->assertSame('', $settings['delete_data_on_deactivate']);
        $this->assertSame($this->configVersion(), $settings['version']);
    }

    public function testDeactivationKeepsTheDataAndReactivationFindsItAgain(): void
    {
        $this->harness = Harness::create('life');
        $this->harness->call('ipmanager_subnet_save', ['admin_id' => 1], ['name' => 'Frankfurt', 'cidr' => '79.133.56.0/24', 'store_free_ips' => 'on']);

        $this->assertStringContainsString('Its data was kept', $this->harness->addon('deactivate'));

        $this->assertSame([], $this->settings(), 'WHMCS forgets the module settings');
        $this->assertSame(self::schemaTables(), $this->moduleTables());
        $this->assertSame(['Frankfurt'], $this->column('SELECT name FROM mod_ipmanager_subnets'));
        $this->assertSame([256], $this->column('SELECT COUNT(*) FROM mod_ipmanager_ip_addresses'));

        $this->assertStringContainsString('already at schema version 4', $this->harness->addon('activate'));

        $this->assertSame(['Frankfurt'], $this->column('SELECT name FROM mod_ipmanager_subnets'));
        $dashboard = $this->harness->call('ipmanager_dashboard', ['admin_id' => 1], []);
        $this->assertSame([1, 256], [$dashboard['subnets'], $dashboard['free_ips']]);
    }

    public function testOpeningTheAdminPageUpgradesAVersionOneInstallationAndKeepsItsData(): void
    {
        $this->harness = Harness::create('life');
        $pdo = $this->harness->pdo();
        $pdo->exec('DROP TABLE mod_ipmanager_settings, mod_ipmanager_task_runs, mod_ipmanager_task_history');
        $pdo->exec('DELETE FROM mod_ipmanager_schema_migrations WHERE version >= 2');
        $this->harness->call('ipmanager_subnet_save', ['admin_id' => 1], ['name' => 'From 0.0.9', 'cidr' => '10.9.0.0/16']);
        $pdo->exec("UPDATE tbladdonmodules SET value = '0.0.9' WHERE module = 'ipmanager' AND setting = 'version'");

        $browser = new Browser($this->harness->serve());
        $browser->loginAdmin('admin', 'admin');
        $html = $browser->get('/admin/addonmodules.php?module=ipmanager');

        $this->assertSame(200, $browser->status);
        $this->assertStringContainsString('id="ipmanager-dashboard"', $html, 'the page works at once, without a schema problem');
        $this->assertSame(self::schemaTables(), $this->moduleTables());
        $this->assertSame([1, 2, 3, 4], $this->column('SELECT version FROM mod_ipmanager_schema_migrations ORDER BY version'));
        $this->assertSame(['From 0.0.9'], $this->column('SELECT name FROM mod_ipmanager_subnets'));
        $this->assertSame($this->configVersion(), $this->settings()['version']);
        $this->assertSame(
            ['IP Manager upgraded from 0.0.9: schema version 1 to 4.'],
            $this->column("SELECT details FROM mod_ipmanager_logs WHERE action = 'module_upgrade'")
        );
    }

    public function testDeactivatingWithDeleteAllDataDropsEveryModuleTable(): void
    {
        $this->harness = Harness::create('life');
        $this->harness->call('ipmanager_subnet_save', ['admin_id' => 1], ['name' => 'Frankfurt', 'cidr' => '79.133.56.0/24']);
        $this->harness->pdo()->exec("UPDATE tbladdonmodules SET value = 'on' WHERE module = 'ipmanager' AND setting = 'delete_data_on_deactivate'");

        $this->assertStringContainsString('all of its tables were deleted', $this->harness->addon('deactivate'));

        $this->assertSame([], $this->moduleTables());
        $this->assertNotEmpty($this->column("SHOW TABLES LIKE 'tbladdonmodules'"), 'WHMCS tables are not touched');
    }

    /** The table names of src/store/schema.rs TABLES, sorted. */
    private static function schemaTables(): array
    {
        $schema = (string) file_get_contents(Process::repoRoot() . '/src/store/schema.rs');
        preg_match('/pub const TABLES: &\[&str\] = &\[(.*?)\];/s', $schema, $list);
        preg_match_all('/"(mod_ipmanager_\w+)"/', $list[1], $names);
        sort($names[1]);
        return $names[1];
    }

    private function moduleTables(): array
    {
        $tables = $this->column("SHOW TABLES LIKE 'mod\\_ipmanager\\_%'");
        sort($tables);
        return $tables;
    }

    private function settings(): array
    {
        return $this->harness->pdo()->query("SELECT setting, value FROM tbladdonmodules WHERE module = 'ipmanager'")
            ->fetchAll(\PDO::FETCH_KEY_PAIR);
    }

    private function column(string $sql): array
    {
        return $this->harness->pdo()->query($sql)->fetchAll(\PDO::FETCH_COLUMN);
    }

    private function configVersion(): string
    {
        [$exit, $out, $err] = $this->harness->php("require ROOTDIR . '/modules/addons/ipmanager/ipmanager.php'; echo ipmanager_config()['version'];", false);
        $this->assertSame(0, $exit, $err);
        return $out;
    }
}
