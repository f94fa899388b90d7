<?php

use IpManager\Tests\Browser;
use IpManager\Tests\Harness;
use PHPUnit\Framework\TestCase;

/**
 * Export and Import as an administrator uses them through php -S: downloads
 * outside the admin layout, uploads kept between preview and confirmation,
 * and every refusal leaving the database as it was.
 */
final class ExchangeTest extends TestCase
{
    use \IpManager\Tests\ReadsHtml;

    private const ADMIN = ['admin_id' => 1];
    private const MODULE = '/admin/addonmodules.php?module=ipmanager&action=';

    private Harness $harness;
    private Browser $browser;
    private string $token;
    /** Uploads other runs left in the shared temp directory. */
    private array $earlierUploads;

    protected function setUp(): void
    {
        $this->harness = Harness::create('exchange');
        $this->earlierUploads = glob(sys_get_temp_dir() . '/ipmanager-imports/*.upload') ?: [];
        $this->start();
    }

    protected function tearDown(): void
    {
        $this->harness->destroy();
    }

    private function start(array $ini = []): void
    {
        $this->harness->stopServers();
        $this->browser = new Browser($this->harness->serve(true, $ini));
        $this->browser->loginAdmin('admin', 'admin');
        $this->token = Browser::token($this->browser->get(self::MODULE . 'import'));
    }

    public function testEachFormatDownloadsAsAFileNamedByTheDateWithoutThePageAroundIt(): void
    {
        $this->installation();
        $expected = ['csv' => 'text/csv', 'xml' => 'application/xml', 'json' => 'application/json'];
        foreach ($expected as $format => $type) {
            $body = $this->browser->post(self::MODULE . 'export_download', ['format' => $format, 'addresses' => 'on', 'token' => $this->token]);

            $this->assertSame(200, $this->browser->status, $body);
            $this->assertContains("Content-Disposition: attachment; filename=\"ipmanager_export_" . date('Y-m-d') . ".$format\"", $this->browser->headers);
            $this->assertContains("Content-Type: $type; charset=utf-8", $this->browser->headers);
            $this->assertStringNotContainsString('<div id="ipmanager"', $body, 'only the file, not the admin page');
            $this->assertStringContainsString('2001:db8::/48', $body);
            $this->assertStringContainsString('79.133.56.200', $body, 'the stored addresses are included');
        }
        $logged = $this->harness->pdo()->query("SELECT details FROM mod_ipmanager_logs WHERE action = 'exported' AND actor_id = 1 ORDER BY id")->fetchAll(\PDO::FETCH_COLUMN);
        $this->assertSame('Export (CSV) of 3 subnets, 1 pool, 257 addresses and 0 configurations downloaded.', $logged[0] ?? null);
        $this->assertCount(3, $logged, 'every download is logged with the admin who took it');
    }

    public function testAnExportImportedIntoAnEmptyInstallationGivesTheSameExport(): void
    {
        $this->installation();
        $first = $this->export('json');
        $this->emptyInstallation();

        $html = $this->upload($first, 'json');

        $this->assertSame(['3', '1', '257', '0'], $this->texts($html, '//table[@id="ipmanager-import-create"]//td'));
        $this->assertSame(['Frankfurt (79.133.0.0/16)', 'Rack 7 (79.133.56.0/24)', 'Frankfurt v6 (2001:db8::/48)'], $this->texts($html, '//ul[@id="ipmanager-import-new-subnets"]/li'));
        $this->assertSame(0, $this->rows('mod_ipmanager_subnets'), 'the preview writes nothing');
        $this->assertCount(1, $this->keptUploads());

        $html = $this->confirm($html);

        $this->assertSame('/admin/addonmodules.php?module=ipmanager&action=subnets', $this->browser->path, (string) $this->flash($html));
        $this->assertSame('Imported from IP Manager JSON: 3 subnets, 1 pool, 257 addresses and 0 configurations created.', $this->flash($html));
        $this->assertSame(['79.133.0.0/16', '79.133.56.0/24', '2001:db8::/48'], $this->attributes($html, '//tr[@data-subnet]', 'data-subnet'));
        $this->assertSame($first, $this->export('json'), 'export → import → export gives the same file');
        $this->assertCount(0, $this->keptUploads(), 'the upload is deleted once imported');
    }

    public function testAFileWithOneBadRowShowsTheRowAndCannotBeImported(): void
    {
        $this->installation();
        $csv = str_replace('2001:db8::/48', '2001:db8::/129', $this->export('csv'));
        $before = $this->checksums();

        $html = $this->upload($csv, 'auto');

        $this->assertSame(['4', 'cidr', 'error', '"2001:db8::/129" has an invalid prefix length; an IPv6 subnet takes /16 to /128'], $this->texts($html, '//table[@id="ipmanager-import-problems"]//tbody/tr[1]/td'));
        $this->assertCount(1, $this->nodes($html, '//*[@id="ipmanager-import-refused"]'));
        $this->assertCount(0, $this->nodes($html, '//*[@id="ipmanager-import-run"]'), 'no way to import a file with errors');
        $this->assertSame($before, $this->checksums());
    }

    public function testOverlapsAreSkippedOnlyWhenTheAdminChoosesTo(): void
    {
        $this->installation();
        $json = $this->export('json');
        $this->emptyInstallation();
        $this->harness->call('ipmanager_subnet_save', self::ADMIN, ['name' => 'Overlap', 'cidr' => '2001:db8::/64']);

        $html = $this->upload($json, 'json');

        $this->assertSame(['Frankfurt (79.133.0.0/16)', 'Rack 7 (79.133.56.0/24)'], $this->texts($html, '//ul[@id="ipmanager-import-new-subnets"]/li'));
        $this->assertSame(
            ['Subnet Frankfurt v6 (2001:db8::/48): 2001:db8::/48 overlaps the existing subnet 2001:db8::/64; skipping it also skips its child subnets, pools and addresses.'],
            $this->texts($html, '//table[@id="ipmanager-import-problems"]//tbody/tr[@data-kind="skippable"]/td[4]')
        );
        $before = $this->checksums();

        $stopped = $this->confirm($html, 'stop');

        $this->assertStringStartsWith('Nothing was imported: 1 record overlaps or repeats what exists', (string) $this->flash($stopped));
        $this->assertSame($before, $this->checksums());

        $skipped = $this->confirm($this->upload($json, 'json'), 'skip');

        $this->assertStringEndsWith('; 1 skippable record was left out.', (string) $this->flash($skipped));
        $this->assertSame(['79.133.0.0/16', '79.133.56.0/24', '2001:db8::/64'], $this->attributes($skipped, '//tr[@data-subnet]', 'data-subnet'));
    }

    public function testAnOversizedUploadIsRefusedBeforeTheExtensionReadsIt(): void
    {
        $this->start(['upload_max_filesize' => '1K']);

        $html = $this->upload(str_repeat(' ', 4096), 'auto');

        $this->assertSame(['The file is larger than this server accepts (1 KiB). Split it, or export without addresses.'], $this->texts($html, '//*[contains(@class,"ipmanager-form-error")]'));
        $this->assertCount(0, $this->keptUploads());
    }

    public function testTheConfirmationOnlyImportsAnUploadOfThisSession(): void
    {
        $html = $this->browser->post(self::MODULE . 'import_run', ['upload' => str_repeat('ab', 16), 'source' => 'json', 'token' => $this->token]);
        $this->assertStringStartsWith('The uploaded file is no longer there', (string) $this->flash($html));

        $html = $this->browser->upload(self::MODULE . 'import_preview', ['source' => 'json'], ['file' => ['x.json', '{}']]);
        $this->assertStringContainsString('Invalid CSRF Protection Token', $html, 'an upload without the CSRF token');
        $this->assertCount(0, $this->keptUploads());
    }

    public function testAServersAssignedIpListIsPastedIntoASubnet(): void
    {
        $id = $this->harness->call('ipmanager_subnet_save', self::ADMIN, ['name' => 'Node 1', 'cidr' => '79.133.56.0/24'])['id'];

        $html = $this->browser->post(self::MODULE . 'paste_preview', ['subnet_id' => (string) $id, 'addresses' => "79.133.56.20\n79.133.56.21\n", 'token' => $this->token]);

        $this->assertSame(['2'], $this->texts($html, '//*[@id="ipmanager-import-create-addresses"]'));
        $this->assertSame(0, $this->rows('mod_ipmanager_ip_addresses'));

        $html = $this->confirm($html);

        $this->assertSame('2 addresses added to 79.133.56.0/24.', $this->flash($html));
        $this->assertSame(2, $this->rows('mod_ipmanager_ip_addresses'));
    }

    /** Two nested IPv4 subnets (one stored, with a pool) and an IPv6 subnet. */
    private function installation(): void
    {
        $parent = $this->harness->call('ipmanager_subnet_save', self::ADMIN, ['name' => 'Frankfurt', 'cidr' => '79.133.0.0/16'])['id'];
        $rack = $this->harness->call('ipmanager_subnet_save', self::ADMIN, [
            'name' => 'Rack 7', 'cidr' => '79.133.56.0/24', 'parent_id' => $parent, 'store_free_ips' => 'on', 'reserve_network' => 'on',
        ])['id'];
        $this->harness->call('ipmanager_pool_save', self::ADMIN, ['subnet_id' => $rack, 'name' => 'Web', 'range_start' => '79.133.56.10', 'range_end' => '79.133.56.99']);
        $v6 = $this->harness->call('ipmanager_subnet_save', self::ADMIN, ['name' => 'Frankfurt v6', 'cidr' => '2001:db8::/48'])['id'];
        $this->harness->pdo()->exec("INSERT INTO tblhosting (id, userid, packageid, domain, paymentmethod, billingcycle, username, password, notes,
            subscriptionid, suspendreason, dedicatedip, assignedips, ns1, ns2) VALUES (5, 1, 1, 'vps.example', '', '', '', '', '', '', '', '', '', '', '')");
        $this->harness->call('ipmanager_allocate', self::ADMIN, ['subnet_id' => $v6, 'service_id' => 5, 'client_id' => 1]);
    }

    private function emptyInstallation(): void
    {
        foreach (['subnets', 'pools', 'ip_addresses', 'reservation_rules', 'assignments'] as $table) {
            $this->harness->pdo()->exec("DELETE FROM mod_ipmanager_$table");
        }
    }

    private function export(string $format): string
    {
        $body = $this->browser->post(self::MODULE . 'export_download', ['format' => $format, 'addresses' => 'on', 'token' => $this->token]);
        $this->assertSame(200, $this->browser->status, $body);
        return $body;
    }

    private function upload(string $content, string $source): string
    {
        $html = $this->browser->upload(self::MODULE . 'import_preview', ['token' => $this->token, 'source' => $source], ['file' => ['export.txt', $content]]);
        $this->assertSame(200, $this->browser->status, $html);
        return $html;
    }

    /** Posts the preview's confirmation form as it stands (plus a choice for skippable problems). */
    private function confirm(string $preview, ?string $onProblem = null): string
    {
        $form = $this->nodes($preview, '//form[@id="ipmanager-import-confirm"]')[0] ?? null;
        $this->assertNotNull($form, $preview);
        $fields = [];
        foreach ($this->nodes($preview, '//form[@id="ipmanager-import-confirm"]//input[@type="hidden"] | //form[@id="ipmanager-import-confirm"]//textarea') as $field) {
            $fields[$field->getAttribute('name')] = $field->tagName === 'textarea' ? $field->textContent : $field->getAttribute('value');
        }
        if ($onProblem !== null) {
            $fields['on_problem'] = $onProblem;
        }
        $action = html_entity_decode($form->getAttribute('action'));
        return $this->browser->post('/admin/' . $action, $fields);
    }

    /** Uploads this test left kept. */
    private function keptUploads(): array
    {
        return array_values(array_diff(glob(sys_get_temp_dir() . '/ipmanager-imports/*.upload') ?: [], $this->earlierUploads));
    }

    private function checksums(): array
    {
        return $this->harness->pdo()->query('CHECKSUM TABLE mod_ipmanager_subnets, mod_ipmanager_pools, mod_ipmanager_ip_addresses, mod_ipmanager_reservation_rules, mod_ipmanager_assignments')->fetchAll(\PDO::FETCH_KEY_PAIR);
    }

    private function rows(string $table): int
    {
        return (int) $this->harness->pdo()->query("SELECT COUNT(*) FROM $table")->fetchColumn();
    }
}
