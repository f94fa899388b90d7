<?php

use IpManager\Tests\Browser;
use IpManager\Tests\Harness;
use PHPUnit\Framework\TestCase;

/**
 * Addons > IP Manager as an administrator uses it: php -S with the
 * extension, logged in as admin/admin through the harness login page, forms
 * posted with the session's CSRF token.
 */
final class AdminPagesTest extends TestCase
{
    use \IpManager\Tests\ReadsHtml;

    private const ADMIN = ['admin_id' => 1];

    private Harness $harness;
    private Browser $browser;
    private string $token;

    protected function setUp(): void
    {
        $this->harness = Harness::create('pages');
        $this->browser = new Browser($this->harness->serve());
        $this->browser->loginAdmin('admin', 'admin');
        $this->token = Browser::token($this->page('subnet_form'));
    }

    protected function tearDown(): void
    {
        $this->harness->destroy();
    }

    public function testDashboardShowsTheCountsOfWhatIsStored(): void
    {
        $v4 = $this->subnet('Frankfurt', '79.133.56.0/24', ['store_free_ips' => 'on', 'reserve_network' => 'on', 'reserve_broadcast' => 'on']);
        $v6 = $this->subnet('Frankfurt v6', '2001:db8::/48');
        $pool = $this->pool($v4, 'Web');
        $this->pool($v6, 'Web v6');
        foreach ([11, 12, 13] as $service) {
            $this->harness->call('ipmanager_allocate', self::ADMIN, ['pool_id' => $pool, 'service_id' => $service, 'client_id' => 1]);
        }

        $html = $this->page('dashboard');

        $this->assertSame(
            ['subnets' => '2', 'pools' => '2', 'assigned_ips' => '3', 'free_ips' => '251'],
            $this->counts($html),
            '256 stored rows minus network, broadcast and the three assigned'
        );
        $this->assertSame(['Frankfurt', 'Frankfurt v6'], $this->texts($html, '//table[@id="ipmanager-dashboard-usage"]//a'));
    }

    public function testCreatingAStoredSubnetRedirectsToItsPageWithAllAddressesPaginated(): void
    {
        $html = $this->post('subnet_form', [
            'name' => 'Frankfurt', 'cidr' => '79.133.56.0/24', 'parent_id' => '0', 'gateway' => '79.133.56.1',
            'reserve_network' => 'on', 'reserve_broadcast' => 'on', 'reserve_gateway' => 'on', 'store_free_ips' => 'on',
        ]);

        $id = (int) $this->harness->pdo()->query("SELECT id FROM mod_ipmanager_subnets WHERE cidr = '79.133.56.0/24'")->fetchColumn();
        $this->assertSame("/admin/addonmodules.php?module=ipmanager&action=subnet&id=$id", $this->browser->path);
        $this->assertSame('Subnet 79.133.56.0/24 created with 256 stored addresses.', $this->flash($html));
        $this->assertCount(100, $this->addressRows($html));
        $this->assertSame('79.133.56.0', $this->addressRows($html)[0]);
        $this->assertSame(['2'], $this->pageLinks($html), 'the first page links to the next only');
        $this->assertStringContainsString('256', $this->texts($html, '//nav[@class="clearfix"]')[0]);

        $last = $this->browser->get("/admin/addonmodules.php?module=ipmanager&action=subnet&id=$id&page=3");
        $this->assertCount(56, $this->addressRows($last));
        $this->assertSame(['2'], $this->pageLinks($last), 'the last page links to the previous only');
        $this->assertSame('79.133.56.255', $this->addressRows($last)[55]);
        $this->assertNull($this->flash($last), 'the flash message is shown once');
        $this->assertSame(256, $this->rows('mod_ipmanager_ip_addresses'));
    }

    public function testAHostAddressAsCidrShowsTheSuggestionAtTheFieldAndKeepsWhatWasTyped(): void
    {
        $html = $this->post('subnet_form', [
            'name' => 'Frankfurt', 'cidr' => '79.133.56.7/24', 'gateway' => '79.133.56.1', 'store_free_ips' => 'on',
        ]);

        $this->assertSame(200, $this->browser->status);
        $this->assertSame('/admin/addonmodules.php?module=ipmanager&action=subnet_form', $this->browser->path);
        $this->assertSame(
            ['79.133.56.7/24 is not a network address; did you mean 79.133.56.0/24?'],
            $this->texts($html, '//*[contains(@class,"has-error")]//input[@name="cidr"]/following-sibling::span[@data-field="cidr"]')
        );
        $this->assertSame('79.133.56.7/24', $this->value($html, 'cidr'));
        $this->assertSame('Frankfurt', $this->value($html, 'name'));
        $this->assertSame('79.133.56.1', $this->value($html, 'gateway'));
        $this->assertCount(1, $this->nodes($html, '//input[@name="store_free_ips"][@checked]'));
        $this->assertSame(0, $this->rows('mod_ipmanager_subnets'));
    }

    public function testASubnetOverlappingASiblingIsRefusedAtTheCidrField(): void
    {
        $this->subnet('Frankfurt', '79.133.56.0/24');

        $html = $this->post('subnet_form', ['name' => 'Overlap', 'cidr' => '79.133.56.128/25', 'parent_id' => '0']);

        $this->assertSame(['79.133.56.128/25 overlaps the existing subnet 79.133.56.0/24'], $this->fieldErrors($html, 'cidr'));
        $this->assertSame(1, $this->rows('mod_ipmanager_subnets'));
    }

    public function testAChildSubnetIsListedUnderItsParentInTheTree(): void
    {
        $parent = $this->subnet('Frankfurt', '79.133.0.0/16');
        $this->subnet('Berlin', '10.1.0.0/16');

        $this->post('subnet_form', ['name' => 'Rack 7', 'cidr' => '79.133.56.0/24', 'parent_id' => (string) $parent]);
        $html = $this->page('subnets');

        $this->assertSame(['10.1.0.0/16', '79.133.0.0/16', '79.133.56.0/24'], $this->attributes($html, '//tr[@data-subnet]', 'data-subnet'));
        $child = $this->nodes($html, '//tr[@data-subnet="79.133.56.0/24"]/td[1]')[0];
        $this->assertStringContainsString('padding-left:28px', $child->getAttribute('style'), 'one level deeper than its parent');
        $this->assertCount(1, $this->nodes($html, '//tr[@data-subnet="79.133.56.0/24"]//i[contains(@class,"fa-level-up")]'));
        $this->assertCount(0, $this->nodes($html, '//tr[@data-subnet="79.133.0.0/16"]//i[contains(@class,"fa-level-up")]'));
    }

    public function testASingleAddressIsReservedWithANoteAndReleasedOnTheSubnetPage(): void
    {
        $id = $this->subnet('Frankfurt', '79.133.56.0/24', ['store_free_ips' => 'on']);

        $html = $this->post('address_reserve', ['subnet_id' => (string) $id, 'address' => '79.133.56.10', 'note' => 'core router']);

        $this->assertSame('79.133.56.10 reserved in 79.133.56.0/24.', $this->flash($html));
        $this->assertSame(['79.133.56.10', 'core router'], $this->texts($html, '//table[@id="ipmanager-reservations"]//tr[td[3][text()="core router"]]/td[position()=2 or position()=3]'));
        $this->assertSame('reserved', $this->addressStatus($id, '79.133.56.10'));
        $ruleId = $this->attributes($html, '//table[@id="ipmanager-reservations"]//input[@name="rule_id"]', 'value');
        $this->assertCount(1, $ruleId, 'only the single reservation can be released');

        $html = $this->post('reservation_release', ['subnet_id' => (string) $id, 'rule_id' => $ruleId[0]]);

        $this->assertSame('Reservation of 79.133.56.10 lifted in 79.133.56.0/24.', $this->flash($html));
        $this->assertSame([], $this->texts($html, '//table[@id="ipmanager-reservations"]//td[text()="core router"]'));
        $this->assertSame('free', $this->addressStatus($id, '79.133.56.10'));
    }

    public function testDeletingASubnetShowsTheConsequencesFirstAndDeletesOnlyOnPost(): void
    {
        $id = $this->subnet('Frankfurt', '79.133.56.0/24', ['store_free_ips' => 'on']);
        $this->pool($id, 'Web');

        $html = $this->page('subnet_delete', ['id' => $id]);

        $this->assertSame(['1 Pools', '256 Addresses', '0 configuration relations'], $this->texts($html, '//*[@id="ipmanager-delete-consequences"]//li'));
        $this->assertSame(1, $this->rows('mod_ipmanager_subnets'));

        $html = $this->post('subnet_delete', ['id' => (string) $id]);

        $this->assertSame('/admin/addonmodules.php?module=ipmanager&action=subnets', $this->browser->path);
        $this->assertSame('Subnet 79.133.56.0/24 deleted with 1 pools, 256 address rows and 0 configuration relations.', $this->flash($html));
        foreach (['mod_ipmanager_subnets', 'mod_ipmanager_pools', 'mod_ipmanager_ip_addresses'] as $table) {
            $this->assertSame(0, $this->rows($table), $table);
        }
    }

    public function testASubnetWithAssignedAddressesCannotBeDeleted(): void
    {
        $id = $this->subnet('Frankfurt', '79.133.56.0/24');
        foreach ([21, 22] as $service) {
            $this->harness->call('ipmanager_allocate', self::ADMIN, ['subnet_id' => $id, 'service_id' => $service, 'client_id' => 1]);
        }
        $refusal = '79.133.56.0/24 has 2 assigned addresses; unassign them first.';

        $html = $this->page('subnet_delete', ['id' => $id]);

        $this->assertSame([$refusal], $this->texts($html, '//*[@id="ipmanager-delete-refused"]'));
        $this->assertCount(0, $this->nodes($html, '//*[@id="ipmanager-confirm-delete"]'));

        $html = $this->post('subnet_delete', ['id' => (string) $id]);

        $this->assertSame($refusal, $this->flash($html));
        $this->assertCount(1, $this->nodes($html, '//*[contains(@class,"ipmanager-flash") and contains(@class,"alert-danger")]'));
        $this->assertSame(1, $this->rows('mod_ipmanager_subnets'));
        $this->assertSame(2, $this->rows('mod_ipmanager_assignments'));
    }

    public function testAPoolIsCreatedWithARangeAndEdited(): void
    {
        $id = $this->subnet('Frankfurt', '79.133.56.0/24');

        $html = $this->post('pool_form', [
            'subnet_id' => (string) $id, 'name' => 'Web', 'range_start' => '79.133.56.10', 'range_end' => '79.133.56.49', 'vlan' => '120',
        ]);

        $this->assertSame('/admin/addonmodules.php?module=ipmanager&action=pools', $this->browser->path);
        $this->assertSame('Pool "Web" (79.133.56.10-79.133.56.49) created.', $this->flash($html));
        $this->assertSame(['Web', 'Frankfurt (79.133.56.0/24)', '79.133.56.10 – 79.133.56.49', '120'], $this->poolCells($html, 'Web'));
        $poolId = (int) $this->harness->pdo()->query('SELECT id FROM mod_ipmanager_pools')->fetchColumn();

        $form = $this->page('pool_form', ['id' => $poolId]);
        $this->assertSame('79.133.56.10', $this->value($form, 'range_start'));
        $this->assertSame((string) $poolId, $this->value($form, 'id'));

        $html = $this->post('pool_form', [
            'id' => (string) $poolId, 'subnet_id' => (string) $id, 'name' => 'Web servers', 'range_start' => '79.133.56.10', 'range_end' => '79.133.56.99',
        ]);

        $this->assertSame('Pool "Web servers" (79.133.56.10-79.133.56.99) saved.', $this->flash($html));
        $this->assertSame(['Web servers', 'Frankfurt (79.133.56.0/24)', '79.133.56.10 – 79.133.56.99', ''], $this->poolCells($html, 'Web servers'));
        $this->assertSame(1, $this->rows('mod_ipmanager_pools'));
    }

    public function testThePoolListFiltersBySubnet(): void
    {
        $frankfurt = $this->subnet('Frankfurt', '79.133.56.0/24');
        $berlin = $this->subnet('Berlin', '10.1.0.0/16');
        $this->pool($frankfurt, 'Web');
        $this->pool($berlin, 'Mail', ['range_start' => '10.1.0.0', 'range_end' => '10.1.0.255']);
        $this->pool($berlin, 'DNS', ['range_start' => '10.1.1.0', 'range_end' => '10.1.1.255']);

        $this->assertSame(['Web', 'Mail', 'DNS'], $this->attributes($this->page('pools'), '//tr[@data-pool]', 'data-pool'));
        $filtered = $this->page('pools', ['subnet_id' => $berlin]);
        $this->assertSame(['Mail', 'DNS'], $this->attributes($filtered, '//tr[@data-pool]', 'data-pool'));
        $this->assertSame([(string) $berlin], $this->attributes($filtered, '//select[@name="subnet_id"]/option[@selected]', 'value'));
    }

    public function testAPoolOverlappingAnotherIsRefusedAtTheRangeField(): void
    {
        $id = $this->subnet('Frankfurt', '79.133.56.0/24');
        $this->pool($id, 'Web', ['range_start' => '79.133.56.10', 'range_end' => '79.133.56.49']);

        $html = $this->post('pool_form', ['subnet_id' => (string) $id, 'name' => 'Mail', 'range_start' => '79.133.56.40', 'range_end' => '79.133.56.59']);

        $this->assertSame(
            ['This range overlaps pool "Web" (79.133.56.10-79.133.56.49); an address belongs to at most one pool.'],
            $this->fieldErrors($html, 'range_start')
        );
        $this->assertSame('Mail', $this->value($html, 'name'));
        $this->assertSame('79.133.56.40', $this->value($html, 'range_start'));
        $this->assertSame(1, $this->rows('mod_ipmanager_pools'));
    }

    public function testAPoolIsDeletedAndItsAddressesStayInTheSubnet(): void
    {
        $id = $this->subnet('Frankfurt', '79.133.56.0/24', ['store_free_ips' => 'on']);
        $poolId = $this->pool($id, 'Web');
        $pools = $this->page('pools');
        $this->assertSame([(string) $poolId], $this->attributes($pools, '//tr[@data-pool="Web"]//form[contains(@action,"action=pool_delete")]/input[@name="id"]', 'value'));

        $html = $this->post('pool_delete', ['id' => (string) $poolId]);

        $this->assertSame('Pool "Web" (79.133.56.0-79.133.56.255) deleted; its addresses stay in the subnet.', $this->flash($html));
        $this->assertCount(0, $this->nodes($html, '//tr[@data-pool]'));
        $this->assertSame(256, $this->rows('mod_ipmanager_ip_addresses'));
    }

    public function testAPostWithoutOrWithAWrongCsrfTokenChangesNothingAndSaysSo(): void
    {
        $id = $this->subnet('Frankfurt', '79.133.56.0/24');
        $attempts = [
            ['subnet_form', ['name' => 'Forged', 'cidr' => '10.9.0.0/16']],
            ['subnet_delete', ['id' => (string) $id]],
            ['address_reserve', ['subnet_id' => (string) $id, 'address' => '79.133.56.10']],
        ];
        foreach ($attempts as [$action, $fields]) {
            foreach ([[], ['token' => 'forged-' . $this->token]] as $token) {
                $html = $this->browser->post('/admin/addonmodules.php?module=ipmanager&action=' . $action, $fields + $token);
                $this->assertSame(403, $this->browser->status, $action);
                $this->assertStringContainsString('Invalid CSRF Protection Token', $html, $action);
            }
        }

        $pdo = $this->harness->pdo();
        $this->assertSame(['79.133.56.0/24'], $pdo->query('SELECT cidr FROM mod_ipmanager_subnets')->fetchAll(\PDO::FETCH_COLUMN));
        $this->assertSame(0, $this->rows('mod_ipmanager_reservation_rules', "rule_type = 'custom'"));
    }

    public function testTheSubnetPageSearchesByAddressPrefixDomainAndClient(): void
    {
        $id = $this->subnet('Frankfurt', '79.133.56.0/24', ['store_free_ips' => 'on', 'reserve_network' => 'on']);
        $pdo = $this->harness->pdo();
        $pdo->exec("SET SESSION sql_mode = ''");
        $pdo->exec("INSERT INTO tblhosting (id, userid, packageid, domain) VALUES (5, 1, 1, 'shop.example.net')");
        $this->harness->call('ipmanager_allocate', self::ADMIN, ['subnet_id' => $id, 'service_id' => 5, 'client_id' => 1]);

        $byPrefix = $this->page('subnet', ['id' => $id, 'q' => '79.133.56.1']);

        $this->assertSame('79.133.56.1', $this->value($byPrefix, 'q'));
        $this->assertSame(['79.133.56.1', '79.133.56.10', '79.133.56.11'], array_slice($this->addressRows($byPrefix), 0, 3));
        $this->assertStringContainsString('111', $this->texts($byPrefix, '//nav[@class="clearfix"]')[0], '.1, .10–.19 and .100–.199');
        $secondPage = $this->page('subnet', ['id' => $id, 'q' => '79.133.56.1', 'page' => 2]);
        $this->assertCount(11, $this->addressRows($secondPage));
        $this->assertSame('79.133.56.199', $this->addressRows($secondPage)[10]);

        foreach (['example.net', 'Carla'] as $query) {
            $found = $this->page('subnet', ['id' => $id, 'q' => $query]);
            $this->assertSame(['79.133.56.1'], $this->addressRows($found), $query);
            $this->assertSame(['#5 shop.example.net Carla Client'], $this->texts($found, '//table[@id="ipmanager-addresses"]/tbody/tr/td[4]'));
            $this->assertSame([], $this->pageLinks($found));
        }
    }

    // --- helpers ------------------------------------------------------------------

    private function subnet(string $name, string $cidr, array $options = []): int
    {
        return $this->harness->call('ipmanager_subnet_save', self::ADMIN, ['name' => $name, 'cidr' => $cidr] + $options)['id'];
    }

    private function pool(int $subnetId, string $name, array $options = []): int
    {
        return $this->harness->call('ipmanager_pool_save', self::ADMIN, ['subnet_id' => $subnetId, 'name' => $name] + $options)['id'];
    }

    private function page(string $action, array $query = []): string
    {
        $html = $this->browser->get('/admin/addonmodules.php?' . http_build_query(['module' => 'ipmanager', 'action' => $action] + $query));
        $this->assertSame(200, $this->browser->status, $html);
        $this->assertCount(0, $this->nodes($html, '//*[@id="ipmanager-problem"]'), $html);
        return $html;
    }

    /** Posts a form of the addon with the session's token and follows the redirect. */
    private function post(string $action, array $fields): string
    {
        $html = $this->browser->post('/admin/addonmodules.php?module=ipmanager&action=' . $action, $fields + ['token' => $this->token]);
        $this->assertSame(200, $this->browser->status, $html);
        return $html;
    }

    private function value(string $html, string $name): string
    {
        $values = $this->attributes($html, "//input[@name=\"$name\"]", 'value');
        $this->assertCount(1, $values, "one input named $name");
        return $values[0];
    }

    private function counts(string $html): array
    {
        $counts = [];
        foreach ($this->nodes($html, '//*[@data-count]') as $panel) {
            $counts[$panel->getAttribute('data-count')] = $this->texts($html, '//*[@data-count="' . $panel->getAttribute('data-count') . '"]//*[contains(@class,"ipmanager-count")]')[0];
        }
        return $counts;
    }

    private function fieldErrors(string $html, string $field): array
    {
        return $this->texts($html, "//*[contains(@class,\"has-error\")]//span[contains(@class,\"ipmanager-field-error\")][@data-field=\"$field\"]");
    }

    private function addressRows(string $html): array
    {
        return $this->texts($html, '//table[@id="ipmanager-addresses"]/tbody/tr/td[1]/code');
    }

    /** The page numbers the Previous/Next buttons lead to. */
    private function pageLinks(string $html): array
    {
        return array_map(
            static fn (string $href): string => (string) preg_replace('/.*[?&]page=(\d+).*/', '$1', $href),
            $this->attributes($html, '//nav[@class="clearfix"]//a[contains(@href,"page=")]', 'href')
        );
    }

    private function poolCells(string $html, string $name): array
    {
        return $this->texts($html, "//tr[@data-pool=\"$name\"]/td[position() <= 4]");
    }

    private function rows(string $table, string $where = '1'): int
    {
        return (int) $this->harness->pdo()->query("SELECT COUNT(*) FROM $table WHERE $where")->fetchColumn();
    }

    private function addressStatus(int $subnetId, string $ip): string
    {
        $statement = $this->harness->pdo()->prepare('SELECT status FROM mod_ipmanager_ip_addresses WHERE subnet_id = ? AND ip = ?');
        $statement->execute([$subnetId, $ip]);
        return (string) $statement->fetchColumn();
    }
}
