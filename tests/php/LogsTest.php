<?php

use IpManager\Tests\Browser;
use IpManager\Tests\Harness;
use PHPUnit\Framework\TestCase;

/** The Logs page through the harness: filters, pagination and the CSV download. */
final class LogsTest extends TestCase
{
    private static Harness $harness;
    private static Browser $admin;

    public static function setUpBeforeClass(): void
    {
        self::$harness = Harness::create('logs');
        [$exit, $out, $err] = self::$harness->php(<<<'PHP'
            WHMCS\Module\Addon\Ipmanager\Runtime::boot();
            $admin = ['admin_id' => 1];
            $id = ipmanager_subnet_save($admin, ['name' => '=HYPERLINK("http://evil")', 'cidr' => '192.0.2.0/24', 'store_free_ips' => 'on'])['id'];
            for ($i = 1; $i <= 60; $i++) {
                ipmanager_allocate(['system' => 'hook'], ['subnet_id' => $id, 'service_id' => $i, 'client_id' => 1]);
            }
            echo 'ok';
            PHP);
        if ($out !== 'ok') {
            throw new RuntimeException("$out\n$err");
        }
        self::$admin = new Browser(self::$harness->serve());
        self::$admin->loginAdmin();
    }

    public static function tearDownAfterClass(): void
    {
        self::$harness->destroy();
    }

    public function testTheLogIsPaginatedNewestFirstAndFiltered(): void
    {
        $page = self::$admin->get('/admin/addonmodules.php?module=ipmanager&action=logs');
        $this->assertStringContainsString('Page 1 / 2', $page);
        $this->assertStringContainsString('192.0.2.59 assigned to service #60', $page, 'newest first');
        $this->assertStringNotContainsString('assigned to service #1 ', $page);
        $filtered = self::$admin->get('/admin/addonmodules.php?module=ipmanager&action=logs&service_id=7');
        $this->assertSame(1, substr_count($filtered, 'assigned to service #7 '), 'one entry for service 7');
        $this->assertStringContainsString('Page 1 / 1', $filtered);
        $byAddress = self::$admin->get('/admin/addonmodules.php?module=ipmanager&action=logs&address=192.0.2.1');
        $this->assertStringContainsString('192.0.2.19 assigned', $byAddress);
        $badDate = self::$admin->get('/admin/addonmodules.php?module=ipmanager&action=logs&from=yesterday');
        $this->assertStringContainsString('is not a date like 2026-03-31', $badDate);
        $future = self::$admin->get('/admin/addonmodules.php?module=ipmanager&action=logs&from=2999-01-01');
        $this->assertStringContainsString('No log entries match these filters.', $future);
    }

    public function testTheCsvDownloadHoldsEveryMatchingEntryAndNoFormula(): void
    {
        $page = self::$admin->get('/admin/addonmodules.php?module=ipmanager&action=logs');
        $csv = self::$admin->post('/admin/addonmodules.php?module=ipmanager&action=logs_download',
            ['token' => Browser::token($page), 'log_action' => '', 'from' => '', 'to' => '']);
        $this->assertContains('Content-Disposition: attachment; filename="ipmanager_logs_' . date('Y-m-d') . '.csv"', self::$admin->headers);
        $rows = array_map('str_getcsv', array_filter(explode("\n", $csv)));
        $this->assertSame(['id', 'date', 'actor', 'action', 'details', 'ip', 'service_id', 'client_id', 'request_ip'], $rows[0]);
        $this->assertCount(1 + 62, $rows, 'activation, the subnet and 60 assignments');
        foreach (array_slice($rows, 1) as $row) {
            $this->assertDoesNotMatchRegularExpression('/^[=+\-@]/', $row[4], 'no cell a spreadsheet would run');
        }
        $this->assertStringContainsString('Subnet 192.0.2.0/24 created', $csv);
        $refused = self::$admin->post('/admin/addonmodules.php?module=ipmanager&action=logs_download', ['token' => 'wrong']);
        $this->assertStringNotContainsString('192.0.2.0/24 created', $refused);
    }
}
