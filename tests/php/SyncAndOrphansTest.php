<?php

use IpManager\Tests\Browser;
use IpManager\Tests\Harness;
use PHPUnit\Framework\TestCase;

/**
 * The Synchronize and Orphaned pages (guide §10–11) as an administrator uses
 * them: php -S with the extension, logged in as admin/admin. Synchronize is
 * driven exactly as its page's script drives it (POST action=sync_batch with
 * the page's CSRF token, `after`, `dry_run` and `live_only`, batch after batch
 * until one answers `done`); Orphaned through its page and its forms.
 *
 * Sync fixture (WHMCS already holds these addresses):
 *   - 192.0.2.0/24 stored, network and broadcast reserved; one-address pools
 *     over .10 (assigned to service 101 beforehand), .20 (assigned to service
 *     900, which WHMCS does not list it for) and .40 (released into a 24 h
 *     cooldown);
 *   - 198.51.100.0/24 on demand, network and broadcast reserved;
 *   - 2001:db8:1::/48 on demand; 203.0.113.0/24 is in no subnet.
 */
final class SyncAndOrphansTest extends TestCase
{
    use \IpManager\Tests\ReadsHtml;

    private const ADMIN = ['admin_id' => 1];
    private const ROUTE = '/admin/addonmodules.php?module=ipmanager&action=';

    /** id => [client, product (vps|web), status, dedicatedip, assignedips]. */
    private const SERVICES = [
        101 => [1, 'vps', 'Active', '192.0.2.10', ''],                                      // already assigned here: correct
        102 => [1, 'vps', 'Active', '192.0.2.11', '192.0.2.11'],                            // stored and free: assigned (listed twice, counted once)
        103 => [2, 'web', 'Pending', '198.51.100.7', "198.51.100.8\n2001:DB8:1:0:0:0:0:8"], // on demand: created (LF, uncompressed IPv6)
        104 => [1, 'vps', 'Active', '', "192.0.2.12\r\n192.0.2.13"],                       // CRLF, no dedicated IP
        105 => [1, 'web', 'Active', '203.0.113.5', '192.0.2.14, 192.0.2.15'],               // inside no subnet; commas
        106 => [2, 'vps', 'Active', '192.0.2.20', ''],                                      // assigned to service 900: conflict
        107 => [1, 'vps', 'Suspended', '192.0.2.30', ''],                                   // full sync only
        108 => [2, 'web', 'Terminated', '198.51.100.40', ''],                               // full sync only
        109 => [1, 'vps', 'Cancelled', '', '2001:db8:1::40'],                               // full sync only
        110 => [1, 'vps', 'Active', 'not-an-ip', ''],
        111 => [1, 'vps', 'Active', '192.0.2.0', ''],                                       // reserved row (network)
        112 => [2, 'web', 'Active', '198.51.100.255', ''],                                  // reserved by rule (broadcast), no row
        113 => [1, 'vps', 'Active', '', ''],                                                // no address: not a sync candidate
        114 => [2, 'vps', 'Active', '192.0.2.11', ''],                                      // the same address as 102
        115 => [1, 'vps', 'Active', '192.0.2.40', ''],                                      // in cooldown
    ];

    /** What the live-only run reports, in processing order (service id, then dedicated before assigned). */
    private const LIVE_ROWS = [
        [105, 1, '203.0.113.5', 'skipped', 'no matching subnet'],
        [106, 2, '192.0.2.20', 'conflict', 'assigned to service #900 in IP Manager'],
        [110, 1, 'not-an-ip', 'skipped', 'not an IP address'],
        [111, 1, '192.0.2.0', 'skipped', 'reserved in IP Manager'],
        [112, 2, '198.51.100.255', 'skipped', 'reserved in IP Manager'],
        [114, 2, '192.0.2.11', 'conflict', 'assigned to service #102 in IP Manager'],
        [115, 1, '192.0.2.40', 'skipped', 'in cooldown after a release'],
    ];

    /** ip => [service, client, type, source] after the live-only sync. */
    private const LIVE_ASSIGNMENTS = [
        '192.0.2.10' => [101, 1, 'primary', 'manual'],
        '192.0.2.11' => [102, 1, 'primary', 'sync'],
        '192.0.2.12' => [104, 1, 'additional', 'sync'],
        '192.0.2.13' => [104, 1, 'additional', 'sync'],
        '192.0.2.14' => [105, 1, 'additional', 'sync'],
        '192.0.2.15' => [105, 1, 'additional', 'sync'],
        '192.0.2.20' => [900, 2, 'primary', 'manual'],
        '198.51.100.7' => [103, 2, 'primary', 'sync'],
        '198.51.100.8' => [103, 2, 'additional', 'sync'],
        '2001:db8:1::8' => [103, 2, 'additional', 'sync'],
    ];

    private Harness $harness;
    private Browser $browser;
    private \PDO $pdo;
    /** @var array<string, int> vps, web */
    private array $products = [];
    /** @var array<string, int> cidr => subnet id */
    private array $subnets = [];

    protected function setUp(): void
    {
        $this->harness = Harness::create('sync');
        $this->browser = new Browser($this->harness->serve());
        $this->browser->loginAdmin('admin', 'admin');
        $this->pdo = $this->harness->pdo();
        // WHMCS's own connection is non-strict; fixture rows leave unused TEXT columns empty.
        $this->pdo->exec("SET SESSION sql_mode = ''");
        foreach (['vps' => 'VPS Linux', 'web' => 'Web Hosting'] as $key => $name) {
            $this->pdo->prepare("INSERT INTO tblproducts (type, gid, name, slug, description, paytype, servertype, tagline)
                                 VALUES ('server', 1, ?, ?, '', 'recurring', 'sampleserver', '')")->execute([$name, $key]);
            $this->products[$key] = (int) $this->pdo->lastInsertId();
        }
    }

    protected function tearDown(): void
    {
        $this->harness->destroy();
    }

    // --- Synchronize ------------------------------------------------------------------

    public function testTheSyncPageShowsTheCountsAndTheFormItsScriptPosts(): void
    {
        $this->assertSame(['Add your subnets first: addresses inside no subnet are skipped.'],
            $this->texts($this->page('sync'), '//*[contains(@class,"alert-warning")]'));
        $this->syncFixture();

        $html = $this->page('sync');

        $this->assertSame(['11'], $this->texts($html, '//*[@id="ipmanager-sync-live"]'), 'Active and Pending services with an address');
        $this->assertStringContainsString('11 live / 14 all', $this->texts($html, '//p[@class="text-muted"]')[0]);
        $this->assertSame(['addonmodules.php?module=ipmanager&action=sync_batch'], $this->attributes($html, '//form[@id="ipmanager-sync-form"]', 'data-url'));
        $this->assertCount(1, $this->nodes($html, '//input[@id="ipmanager-sync-live-only"][@checked]'), 'live only is the default');
        $this->assertSame([], $this->texts($html, '//*[contains(@class,"alert-warning")]'), 'subnets exist: no warning');
    }

    public function testALiveOnlySyncThroughTheJsonRouteHandlesEveryCase(): void
    {
        $this->syncFixture();
        $hostingBefore = $this->table('tblhosting');

        $batches = $this->syncThroughRoute(liveOnly: true, dryRun: false);

        $this->assertCount(1, $batches);
        $this->assertSame(11, $batches[0]['total'], 'Active and Pending services with an address');
        $this->assertSame(115, $batches[0]['next_after']);
        $this->assertFalse($batches[0]['dry_run']);
        $this->assertSame(['services' => 11, 'synced' => 5, 'created' => 3, 'correct' => 1, 'skipped' => 5, 'conflicts' => 2], $this->totals($batches));
        $this->assertSame(self::LIVE_ROWS, $this->rows($batches));

        $this->assertSame($this->sorted(self::LIVE_ASSIGNMENTS), $this->assignments());
        foreach (array_keys(self::LIVE_ASSIGNMENTS) as $ip) {
            $this->assertSame('assigned', $this->addressStatus($ip), $ip);
        }
        $this->assertSame($this->subnets['198.51.100.0/24'], $this->addressSubnet('198.51.100.7'), 'created in the on-demand subnet');
        $this->assertSame($this->subnets['2001:db8:1::/48'], $this->addressSubnet('2001:db8:1::8'));
        $this->assertSame('128', $this->column("SELECT prefix_length FROM mod_ipmanager_ip_addresses WHERE ip = '2001:db8:1::8'"));
        // Left alone: not live, inside no subnet, reserved, in cooldown, or another service's.
        $this->assertSame('free', $this->addressStatus('192.0.2.30'));
        $this->assertNull($this->addressStatus('198.51.100.40'));
        $this->assertNull($this->addressStatus('2001:db8:1::40'));
        $this->assertNull($this->addressStatus('203.0.113.5'));
        $this->assertNull($this->addressStatus('198.51.100.255'));
        $this->assertSame('reserved', $this->addressStatus('192.0.2.0'));
        $this->assertSame('cooldown', $this->addressStatus('192.0.2.40'));
        $this->assertSame($hostingBefore, $this->table('tblhosting'), 'WHMCS is read, never written');
        $this->assertSame(
            ['Synchronized 11 services: 5 assigned, 3 created, 1 already correct, 5 skipped, 2 conflicts.'],
            $this->logDetails('sync')
        );
        $this->assertSame(['admin:1'], array_unique($this->pdo->query("SELECT assigned_by FROM mod_ipmanager_assignments WHERE source = 'sync'")->fetchAll(\PDO::FETCH_COLUMN)));

        // A second run finds everything in place.
        $again = $this->syncThroughRoute(liveOnly: true, dryRun: false);

        $this->assertSame(['services' => 11, 'synced' => 0, 'created' => 0, 'correct' => 9, 'skipped' => 5, 'conflicts' => 2], $this->totals($again));
        $this->assertSame(self::LIVE_ROWS, $this->rows($again), 'the same addresses still cannot be synced, for the same reasons');
        $this->assertSame($this->sorted(self::LIVE_ASSIGNMENTS), $this->assignments());
        $this->assertSame(10, $this->rowCount('mod_ipmanager_assignments'));
    }

    public function testAFullSyncAlsoTakesSuspendedTerminatedAndCancelledServices(): void
    {
        $this->syncFixture();

        $batches = $this->syncThroughRoute(liveOnly: false, dryRun: false);

        $this->assertSame(14, $batches[0]['total']);
        $this->assertSame(['services' => 14, 'synced' => 6, 'created' => 5, 'correct' => 1, 'skipped' => 5, 'conflicts' => 2], $this->totals($batches));
        $this->assertSame(self::LIVE_ROWS, $this->rows($batches));
        $this->assertSame($this->sorted(self::LIVE_ASSIGNMENTS + [
            '192.0.2.30' => [107, 1, 'primary', 'sync'],
            '198.51.100.40' => [108, 2, 'primary', 'sync'],
            '2001:db8:1::40' => [109, 1, 'additional', 'sync'],
        ]), $this->assignments());

        // Live only afterwards: the non-live services are not looked at, nothing is undone.
        $live = $this->syncThroughRoute(liveOnly: true, dryRun: false);
        $this->assertSame(['services' => 11, 'synced' => 0, 'created' => 0, 'correct' => 9, 'skipped' => 5, 'conflicts' => 2], $this->totals($live));
        $this->assertSame(13, $this->rowCount('mod_ipmanager_assignments'));
    }

    public function testADryRunReportsWhatARunWouldDoAndWritesNothing(): void
    {
        $this->syncFixture();
        $before = $this->snapshot();

        $live = $this->syncThroughRoute(liveOnly: true, dryRun: true);
        $full = $this->syncThroughRoute(liveOnly: false, dryRun: true);

        $this->assertSame($before, $this->snapshot(), 'every table byte-identical');
        $this->assertTrue($live[0]['dry_run']);
        $this->assertSame(['services' => 11, 'synced' => 5, 'created' => 3, 'correct' => 1, 'skipped' => 5, 'conflicts' => 2], $this->totals($live));
        $this->assertSame(self::LIVE_ROWS, $this->rows($live));
        $this->assertSame(['services' => 14, 'synced' => 6, 'created' => 5, 'correct' => 1, 'skipped' => 5, 'conflicts' => 2], $this->totals($full));

        // The real run then does what the preview said.
        $real = $this->syncThroughRoute(liveOnly: true, dryRun: false);
        $this->assertSame($this->totals($live), $this->totals($real));
        $this->assertSame($this->rows($live), $this->rows($real));
    }

    public function testTheBatchRouteRefusesAGetAndAMissingOrWrongTokenAndWritesNothing(): void
    {
        $this->syncFixture();
        [$url, $token] = $this->syncForm();
        $fields = ['after' => '0', 'dry_run' => '0', 'live_only' => 'on'];
        $before = $this->snapshot();

        $body = $this->browser->get('/admin/' . $url . '&' . http_build_query($fields + ['token' => $token]));
        $this->assertSame(403, $this->browser->status, 'a GET, even with the token');
        $this->assertJsonHeader();
        $this->assertSame(['error' => 'Your session token has expired or is invalid. Reload the page and try again.'], json_decode($body, true));

        foreach (['missing' => [], 'wrong' => ['token' => 'x' . $token]] as $case => $extra) {
            $body = $this->browser->post('/admin/' . $url, $fields + $extra);
            // WHMCS's admin area (the harness) answers a POST without the session's token itself, before the addon runs.
            $this->assertSame(403, $this->browser->status, "$case token");
            $this->assertStringContainsString('Invalid CSRF Protection Token', $body, "$case token");
        }
        $this->assertSame($before, $this->snapshot(), 'nothing written');

        // The route's own check, reached when the admin area lets a POST through unchecked.
        foreach (['missing' => null, 'wrong' => 'forged'] as $case => $forged) {
            [$status, $body] = $this->controllerPost('sync_batch', $fields + ($forged === null ? [] : ['token' => $forged]));
            $this->assertSame(403, $status, "$case token: the controller itself");
            $this->assertSame(['error' => 'Your session token has expired or is invalid. Reload the page and try again.'], json_decode($body, true), $case);
        }
        $this->assertSame($before, $this->snapshot(), 'nothing written');

        // A malformed request is refused with the reason, as JSON the page's script shows.
        $body = $this->browser->post('/admin/' . $url, ['token' => $token, 'after' => 'abc'] + $fields);
        $this->assertSame(400, $this->browser->status);
        $this->assertJsonHeader();
        $this->assertSame(['error' => 'Enter a whole number from 0 to 4294967295.'], json_decode($body, true));
        $this->assertSame($before, $this->snapshot(), 'nothing written');

        // With the right token it runs.
        $this->assertSame(11, $this->totals($this->syncThroughRoute(liveOnly: true, dryRun: false))['services']);
    }

    public function testMoreServicesThanOneBatchAreAllProcessedAndTheTotalsAddUp(): void
    {
        $this->subnet('Batch', '10.20.0.0/15');
        // 12,000 Active services, one address each in 10.20.0.0/16, every tenth one a second in 10.21.0.0/16,
        // then service 12001 listing service 1's address: a conflict two batches later.
        $this->pdo->exec(sprintf(
            "INSERT INTO tblhosting (id, userid, packageid, regdate, domain, paymentmethod, billingcycle, domainstatus, username,
                                     password, notes, subscriptionid, suspendreason, dedicatedip, assignedips, ns1, ns2)
             SELECT seq, 1 + seq %% 2, %d, '2024-01-01', CONCAT('s', seq, '.example.test'), 'banktransfer', 'Monthly', 'Active',
                    CONCAT('u', seq), '', '', '', '', CONCAT('10.20.', seq DIV 256, '.', seq %% 256),
                    IF(seq %% 10 = 0, CONCAT('10.21.', seq DIV 256, '.', seq %% 256), ''), '', ''
             FROM seq_1_to_12000",
            $this->products['vps']
        ));
        $this->service(12001, 1, 'web', 'Active', '10.20.0.1', '');
        $duplicate = [[12001, 1, '10.20.0.1', 'conflict', 'assigned to service #1 in IP Manager']];
        $before = $this->snapshot();

        $preview = $this->syncThroughRoute(liveOnly: true, dryRun: true);

        $this->assertSame($before, $this->snapshot(), 'the preview wrote nothing');

        $started = microtime(true);
        $batches = $this->syncThroughRoute(liveOnly: true, dryRun: false);
        $seconds = microtime(true) - $started;

        $this->assertSame([[12001, 5000, 5000, false], [null, 5000, 10000, false], [null, 2001, 12001, true]], array_map(
            static fn (array $b): array => [$b['total'], $b['services'], $b['next_after'], $b['done']],
            $batches
        ), 'BATCH is 5,000 services; each batch continues after the last one');
        $this->assertSame(['services' => 12001, 'synced' => 0, 'created' => 13200, 'correct' => 0, 'skipped' => 0, 'conflicts' => 1], $this->totals($batches));
        $this->assertSame($duplicate, $this->rows($batches), 'an address claimed in an earlier batch');
        $this->assertSame(13200, $this->rowCount('mod_ipmanager_assignments'));
        $this->assertSame(13200, $this->rowCount('mod_ipmanager_ip_addresses', "status = 'assigned'"));
        $this->assertSame(0, $this->rowCount('tblhosting h', "id <= 12000 AND NOT EXISTS (SELECT 1 FROM mod_ipmanager_assignments x
            JOIN mod_ipmanager_ip_addresses a ON a.id = x.ip_address_id WHERE x.service_id = h.id AND x.type = 'primary' AND a.ip = h.dedicatedip)"),
            'every service has its own address as its primary');
        $this->assertSame(1200, $this->rowCount('mod_ipmanager_assignments', "type = 'additional'"));
        $this->assertSame(3, $this->rowCount('mod_ipmanager_logs', "action = 'sync'"), 'one log entry per batch');
        $this->assertLessThan(30, $seconds, '12,000 services through the route');

        $again = $this->syncThroughRoute(liveOnly: true, dryRun: false);
        $this->assertSame(['services' => 12001, 'synced' => 0, 'created' => 0, 'correct' => 13200, 'skipped' => 0, 'conflicts' => 1], $this->totals($again));

        // The allocator sees the rows the sync created: after the unused 10.20.0.0 comes the first address no service holds.
        $handedOut = [];
        foreach ([20001, 20002] as $service) {
            $handedOut[] = $this->harness->call('ipmanager_allocate', self::ADMIN, ['subnet_id' => $this->subnets['10.20.0.0/15'], 'service_id' => $service, 'client_id' => 1])['ip'];
        }
        $this->assertSame(['10.20.0.0', '10.20.46.225'], $handedOut);

        // The preview should have said the same as the run.
        if ($this->totals($preview)['conflicts'] === 0 && $this->totals($preview)['created'] === 13201) {
            $this->markTestIncomplete('DEFECT: a dry run does not see addresses it "created" in an earlier batch: service 12001\'s 10.20.0.1 '
                . '(service 1\'s, two batches earlier) is previewed as created, the real run reports it as a conflict');
        }
        $this->assertSame($this->totals($batches), $this->totals($preview));
        $this->assertSame($duplicate, $this->rows($preview));
    }

    // --- Orphaned ---------------------------------------------------------------------

    public function testOrphanedListsAddressesOfServicesNotLiveOrDeletedWithTheirDetails(): void
    {
        $this->orphanFixture();

        $html = $this->page('orphaned');

        $since = $this->pdo->query("SELECT a.ip, DATE_FORMAT(x.created_at, '%Y-%m-%d %H:%i') FROM mod_ipmanager_assignments x
            JOIN mod_ipmanager_ip_addresses a ON a.id = x.ip_address_id")->fetchAll(\PDO::FETCH_KEY_PAIR);
        $this->assertSame([
            ['192.0.2.23', '#203', 'Carla Client #1', 'VPS Linux', 'Suspended', $since['192.0.2.23']],
            ['198.51.100.23', '#203', 'Carla Client #1', 'VPS Linux', 'Suspended', $since['198.51.100.23']],
            ['198.51.100.24', '#204', 'Oscar Other #2', 'Web Hosting', 'Terminated', $since['198.51.100.24']],
            ['192.0.2.25', '#205', 'Carla Client #1', 'Web Hosting', 'Cancelled', $since['192.0.2.25']],
            ['192.0.2.26', '#206', 'Oscar Other #2', '', 'service deleted', $since['192.0.2.26']],
        ], $this->orphanRows($html));
        $this->assertSame(['clientsservices.php?id=203', 'clientsservices.php?id=203', 'clientsservices.php?id=204', 'clientsservices.php?id=205'],
            $this->attributes($html, '//table[@id="ipmanager-orphans"]//td[2]/a', 'href'), 'a deleted service has no link');
        $this->assertSame(['Release all (5)'], $this->texts($html, '//*[@id="ipmanager-release-all"]'));

        $filtered = [
            'Suspended' => ['192.0.2.23', '198.51.100.23'],
            'Terminated' => ['198.51.100.24'],
            'Cancelled' => ['192.0.2.25'],
            'missing' => ['192.0.2.26'],
            'Active' => [],
        ];
        foreach ($filtered as $status => $ips) {
            $page = $this->page('orphaned', ['status' => $status]);
            $this->assertSame($ips, array_column($this->orphanRows($page), 0), "status $status");
            if ($status !== 'Active') {
                $this->assertSame([$status], $this->attributes($page, '//select[@name="status"]/option[@selected]', 'value'));
            }
        }
        $this->assertSame(['198.51.100.24', '192.0.2.25'], array_column($this->orphanRows($this->page('orphaned', ['product_id' => $this->products['web']])), 0));
        $this->assertSame(['192.0.2.23', '198.51.100.23'], array_column($this->orphanRows($this->page('orphaned', ['product_id' => $this->products['vps']])), 0));
        $this->assertSame([], $this->orphanRows($this->page('orphaned', ['product_id' => $this->products['vps'], 'status' => 'Terminated'])));
        $this->assertSame(['No orphaned addresses.'], $this->texts($this->page('orphaned', ['status' => 'Fraud']), '//div[contains(@class,"alert-success") and not(contains(@class,"ipmanager-flash"))]'));
    }

    public function testReleasingOneOrphanFreesItClearsItFromWhmcsAndLogsEveryStep(): void
    {
        $this->orphanFixture();
        $stored = $this->addressId('192.0.2.23');
        $onDemand = $this->addressId('198.51.100.23');

        $html = $this->post('orphan_release', ['address_id' => (string) $onDemand]);

        $this->assertSame('/admin/addonmodules.php?module=ipmanager&action=orphaned', $this->browser->path);
        $this->assertSame('198.51.100.23 released from service #203.', $this->flash($html));
        $this->assertNotContains('198.51.100.23', array_column($this->orphanRows($html), 0));
        $this->assertNull($this->addressStatus('198.51.100.23'), 'an on-demand row goes');
        $this->assertSame(['192.0.2.23', '203.0.113.99'], $this->whmcsIps(203), 'the address outside every subnet stays in WHMCS');
        $this->assertSame(['orphan_server', 'address_released', 'orphan_netbox'], $this->logActions('198.51.100.23'));

        $html = $this->post('orphan_release', ['address_id' => (string) $stored]);

        $this->assertSame('192.0.2.23 released from service #203.', $this->flash($html));
        $this->assertSame('free', $this->addressStatus('192.0.2.23'), 'a stored row is free again');
        $this->assertSame(0, $this->rowCount('mod_ipmanager_assignments', 'service_id = 203'));
        $this->assertSame(['', '203.0.113.99'], $this->whmcsIps(203), 'tblhosting.dedicatedip cleared');
        $this->assertSame(['orphan_server', 'address_released', 'orphan_netbox'], $this->logActions('192.0.2.23'));
        $released = $this->pdo->query("SELECT actor_type, actor_id, service_id, client_id FROM mod_ipmanager_logs
            WHERE ip = '192.0.2.23' AND action IN ('orphan_server', 'address_released', 'orphan_netbox') ORDER BY id")->fetchAll();
        $this->assertSame(array_fill(0, 3, ['actor_type' => 'admin', 'actor_id' => 1, 'service_id' => 203, 'client_id' => 1]), $released);
        $this->assertSame(['198.51.100.24', '192.0.2.25', '192.0.2.26'], array_column($this->orphanRows($html), 0));

        // The address of a deleted service: nothing to write back, still released and logged.
        $html = $this->post('orphan_release', ['address_id' => (string) $this->addressId('192.0.2.26')]);
        $this->assertSame('192.0.2.26 released from service #206.', $this->flash($html));
        $this->assertSame('free', $this->addressStatus('192.0.2.26'));
        $this->assertSame(['orphan_server', 'address_released', 'orphan_netbox'], $this->logActions('192.0.2.26'));

        // Released already: refused, nothing else changes.
        $before = $this->snapshot();
        $html = $this->post('orphan_release', ['address_id' => (string) $stored]);
        $this->assertSame('That address is not orphaned (its service is live again, or it was released).', $this->flash($html));
        $this->assertSame($before, $this->snapshot());
    }

    public function testReleaseAllReleasesWhatTheFiltersShowThenEverything(): void
    {
        $this->orphanFixture();

        $html = $this->post('orphan_release', ['all' => 'on', 'status' => 'Terminated', 'product_id' => '']);

        $this->assertSame('1 orphaned addresses released.', $this->flash($html));
        $this->assertNull($this->addressStatus('198.51.100.24'));
        $this->assertSame(['', ''], $this->whmcsIps(204));
        $this->assertSame(4, $this->rowCount('mod_ipmanager_assignments', 'service_id IN (203, 205, 206)'));

        $html = $this->post('orphan_release', ['all' => 'on', 'status' => '', 'product_id' => (string) $this->products['web']]);
        $this->assertSame('1 orphaned addresses released.', $this->flash($html), 'only 205 is left on that product');

        $html = $this->post('orphan_release', ['all' => 'on', 'status' => '', 'product_id' => '']);

        $this->assertSame('3 orphaned addresses released.', $this->flash($html));
        $this->assertSame([], $this->orphanRows($html));
        $this->assertSame(['No orphaned addresses.'], $this->texts($html, '//div[contains(@class,"alert-success") and not(contains(@class,"ipmanager-flash"))]'));
        foreach (['192.0.2.23', '192.0.2.25', '192.0.2.26'] as $ip) {
            $this->assertSame('free', $this->addressStatus($ip), $ip);
            $this->assertSame(['orphan_server', 'address_released', 'orphan_netbox'], $this->logActions($ip), $ip);
        }
        $this->assertNull($this->addressStatus('198.51.100.23'));
        $this->assertSame(['', '203.0.113.99'], $this->whmcsIps(203));
        $this->assertSame(['', ''], $this->whmcsIps(205));
        // The live services keep theirs, in IP Manager and in WHMCS.
        $this->assertSame(['192.0.2.21' => [201, 1, 'primary', 'sync'], '192.0.2.22' => [202, 2, 'primary', 'sync']], $this->assignments());
        $this->assertSame(['192.0.2.21', ''], $this->whmcsIps(201));
    }

    public function testALiveServicesAddressCannotBeReleasedHere(): void
    {
        $this->orphanFixture();
        $before = $this->snapshot();

        foreach (['192.0.2.21' => 'Active', '192.0.2.22' => 'Pending'] as $ip => $status) {
            $html = $this->post('orphan_release', ['address_id' => (string) $this->addressId($ip)]);
            $this->assertSame('That address is not orphaned (its service is live again, or it was released).', $this->flash($html), $status);
            $this->assertCount(1, $this->nodes($html, '//*[contains(@class,"ipmanager-flash") and contains(@class,"alert-danger")]'));
        }
        $this->assertSame($before, $this->snapshot());
        $this->assertSame([], $this->logActions('192.0.2.21'));

        // A service that is live again is no longer offered either.
        $this->pdo->exec("UPDATE tblhosting SET domainstatus = 'Active' WHERE id = 204");
        $html = $this->post('orphan_release', ['address_id' => (string) $this->addressId('198.51.100.24')]);
        $this->assertSame('That address is not orphaned (its service is live again, or it was released).', $this->flash($html));
        $this->assertSame('assigned', $this->addressStatus('198.51.100.24'));
        $this->assertNotContains('198.51.100.24', array_column($this->orphanRows($html), 0));
    }

    public function testAReleaseWithoutOrWithAWrongTokenChangesNothing(): void
    {
        $this->orphanFixture();
        $before = $this->snapshot();

        foreach ([[], ['token' => 'forged']] as $token) {
            foreach ([['address_id' => (string) $this->addressId('192.0.2.23')], ['all' => 'on']] as $fields) {
                $html = $this->browser->post(self::ROUTE . 'orphan_release', $fields + $token);
                $this->assertSame(403, $this->browser->status);
                $this->assertStringContainsString('Invalid CSRF Protection Token', $html);
            }
        }
        $this->assertSame($before, $this->snapshot());
        // The controller's own check, too.
        [, $body] = $this->controllerPost('orphan_release', ['all' => 'on', 'token' => 'forged']);
        $this->assertStringContainsString('Your session token has expired or is invalid.', $body);
        $this->assertSame($before, $this->snapshot());
    }

    /**
     * Releasing an orphan should take only that address out of WHMCS. Here
     * WHMCS lists, besides the orphan, an address of a managed subnet that IP
     * Manager assigns to another service (a sync conflict); it is not this
     * release's business.
     */
    public function testReleasingAnOrphanLeavesTheServicesOtherWhmcsAddressesAlone(): void
    {
        $this->orphanFixture();
        $this->service(207, 1, 'vps', 'Suspended', '192.0.2.27', "192.0.2.21\n203.0.113.77");
        $batch = $this->harness->call('ipmanager_sync_batch', self::ADMIN, ['after' => '206', 'live_only' => '', 'dry_run' => '']);
        $this->assertSame([
            [207, 1, '192.0.2.21', 'conflict', 'assigned to service #201 in IP Manager'],
            [207, 1, '203.0.113.77', 'skipped', 'no matching subnet'],
        ], $this->rows([$batch]));

        $html = $this->post('orphan_release', ['address_id' => (string) $this->addressId('192.0.2.27')]);

        $this->assertSame('192.0.2.27 released from service #207.', $this->flash($html));
        $this->assertSame('assigned', $this->addressStatus('192.0.2.21'), 'still service 201\'s in IP Manager');
        if ($this->whmcsIps(207) === ['', '203.0.113.77']) {
            $this->markTestIncomplete('DEFECT: releasing orphan 192.0.2.27 of service 207 also removed 192.0.2.21 from its tblhosting.assignedips '
                . '(orphans.rs release() -> service_ips::write_back rewrites every managed address from IP Manager\'s assignments)');
        }
        $this->assertSame(['', "192.0.2.21\n203.0.113.77"], $this->whmcsIps(207));
    }

    // --- fixtures -----------------------------------------------------------------------

    private function syncFixture(): void
    {
        $stored = $this->subnet('Stored', '192.0.2.0/24', ['store_free_ips' => 'on', 'reserve_network' => 'on', 'reserve_broadcast' => 'on']);
        $this->subnet('On demand', '198.51.100.0/24', ['reserve_network' => 'on', 'reserve_broadcast' => 'on']);
        $this->subnet('On demand v6', '2001:db8:1::/48');
        foreach (self::SERVICES as $id => [$client, $product, $status, $dedicated, $assigned]) {
            $this->service($id, $client, $product, $status, $dedicated, $assigned);
        }
        $this->service(900, 2, 'vps', 'Active', '', '');
        $this->service(901, 1, 'vps', 'Terminated', '', '');
        $this->allocateExactly($stored, '192.0.2.10', 101, 1);
        $this->allocateExactly($stored, '192.0.2.20', 900, 2);
        $cooling = $this->allocateExactly($stored, '192.0.2.40', 901, 1);
        $this->pdo->exec("INSERT INTO mod_ipmanager_settings (name, value) VALUES ('cooldown_hours', '24') ON DUPLICATE KEY UPDATE value = '24'");
        $this->harness->call('ipmanager_release', self::ADMIN, ['address_id' => $cooling]);
        $this->assertSame('cooldown', $this->addressStatus('192.0.2.40'));
        $this->assertSame(2, $this->rowCount('mod_ipmanager_assignments'));
    }

    /**
     * Services whose addresses a full sync brought in (so the assignments are
     * what the Synchronize page makes), then service 206 deleted in WHMCS.
     */
    private function orphanFixture(): void
    {
        $this->subnet('Stored', '192.0.2.0/24', ['store_free_ips' => 'on', 'reserve_network' => 'on', 'reserve_broadcast' => 'on']);
        $this->subnet('On demand', '198.51.100.0/24');
        $this->service(201, 1, 'vps', 'Active', '192.0.2.21', '');
        $this->service(202, 2, 'web', 'Pending', '192.0.2.22', '');
        $this->service(203, 1, 'vps', 'Suspended', '192.0.2.23', "198.51.100.23\n203.0.113.99");
        $this->service(204, 2, 'web', 'Terminated', '198.51.100.24', '');
        $this->service(205, 1, 'web', 'Cancelled', '', '192.0.2.25');
        $this->service(206, 2, 'vps', 'Suspended', '192.0.2.26', '');
        $batch = $this->harness->call('ipmanager_sync_batch', self::ADMIN, ['after' => '0', 'live_only' => '', 'dry_run' => '']);
        $this->assertSame(['services' => 6, 'synced' => 5, 'created' => 2, 'correct' => 0, 'skipped' => 1, 'conflicts' => 0], $this->totals([$batch]));
        $this->pdo->exec('DELETE FROM tblhosting WHERE id = 206');
        $this->assertSame(7, $this->rowCount('mod_ipmanager_assignments'));
    }

    private function subnet(string $name, string $cidr, array $options = []): int
    {
        return $this->subnets[$cidr] = $this->harness->call('ipmanager_subnet_save', self::ADMIN, ['name' => $name, 'cidr' => $cidr] + $options)['id'];
    }

    /** Assigns exactly $ip (through a one-address pool) in IP Manager only; returns the address row id. */
    private function allocateExactly(int $subnetId, string $ip, int $service, int $client): int
    {
        $pool = $this->harness->call('ipmanager_pool_save', self::ADMIN, ['subnet_id' => $subnetId, 'name' => "only $ip", 'range_start' => $ip, 'range_end' => $ip])['id'];
        $allocated = $this->harness->call('ipmanager_allocate', self::ADMIN, ['pool_id' => $pool, 'service_id' => $service, 'client_id' => $client]);
        $this->assertSame($ip, $allocated['ip']);
        return $allocated['address_id'];
    }

    private function service(int $id, int $client, string $product, string $status, string $dedicated, string $assigned): void
    {
        $this->pdo->prepare(
            "INSERT INTO tblhosting (id, userid, packageid, regdate, domain, paymentmethod, billingcycle, domainstatus, username, password,
                                     notes, subscriptionid, suspendreason, dedicatedip, assignedips, ns1, ns2)
             VALUES (?, ?, ?, '2024-01-01', ?, 'banktransfer', 'Monthly', ?, ?, '', '', '', '', ?, ?, '', '')"
        )->execute([$id, $client, $this->products[$product], "s$id.example.test", $status, "u$id", $dedicated, $assigned]);
    }

    // --- driving the pages --------------------------------------------------------------

    /** The Synchronize page's form: where its script posts and the token it sends. */
    private function syncForm(): array
    {
        $html = $this->page('sync');
        $url = $this->attributes($html, '//form[@id="ipmanager-sync-form"]', 'data-url');
        $token = $this->attributes($html, '//form[@id="ipmanager-sync-form"]', 'data-token');
        $this->assertCount(1, $url);
        $this->assertNotSame('', $token[0]);
        return [$url[0], $token[0]];
    }

    /** What the page's script does: one POST per batch, each after the last, until a batch says done. */
    private function syncThroughRoute(bool $liveOnly, bool $dryRun): array
    {
        [$url, $token] = $this->syncForm();
        $batches = [];
        $after = 0;
        do {
            $body = $this->browser->post('/admin/' . $url, [
                'token' => $token, 'after' => (string) $after, 'dry_run' => $dryRun ? '1' : '0', 'live_only' => $liveOnly ? 'on' : '',
            ]);
            $this->assertSame(200, $this->browser->status, $body);
            $this->assertJsonHeader();
            $batch = json_decode($body, true);
            $this->assertIsArray($batch, $body);
            $this->assertArrayNotHasKey('error', $batch, $body);
            $this->assertSame($dryRun, $batch['dry_run']);
            if ($batches !== []) {
                $this->assertNull($batch['total'], 'the total comes with the first batch only');
            }
            $batches[] = $batch;
            $after = $batch['next_after'];
        } while (!$batch['done'] && count($batches) < 100);
        $this->assertTrue($batch['done']);
        return $batches;
    }

    /** Sums the batches' counts as the page's script does. */
    private function totals(array $batches): array
    {
        $totals = array_fill_keys(['services', 'synced', 'created', 'correct', 'skipped', 'conflicts'], 0);
        foreach ($batches as $batch) {
            foreach (array_keys($totals) as $key) {
                $totals[$key] += $batch[$key];
            }
        }
        return $totals;
    }

    private function rows(array $batches): array
    {
        $rows = [];
        foreach ($batches as $batch) {
            foreach ($batch['rows'] as $r) {
                $rows[] = [$r['service_id'], $r['client_id'], $r['ip'], $r['outcome'], $r['reason']];
            }
        }
        return $rows;
    }

    private function assertJsonHeader(): void
    {
        $this->assertNotEmpty(preg_grep('#^Content-Type: application/json; charset=utf-8$#i', $this->browser->headers), implode("\n", $this->browser->headers));
    }

    /**
     * The addon's controller handling a POST in a process of its own, with a
     * session token the request does not match: what the route does when the
     * admin area does not check the token first. Returns [HTTP status, body].
     */
    private function controllerPost(string $action, array $form): array
    {
        [$exit, $out, $err] = $this->harness->php(sprintf(<<<'PHP'
            require ROOTDIR . '/modules/addons/ipmanager/ipmanager.php';
            $_SESSION = ['adminid' => 1, 'harness_csrf_token' => 'the-real-token'];
            $_REQUEST = $_POST = %s;
            register_shutdown_function(static function (): void { fwrite(STDERR, 'status=' . http_response_code()); });
            $vars = Harness\AddonModules::vars('ipmanager', 'addonmodules.php?module=ipmanager', 'english');
            echo (new WHMCS\Module\Addon\Ipmanager\Admin\Controller($vars))->handle(['module' => 'ipmanager', 'action' => %s], $_POST, 'POST');
            PHP, var_export($form, true), var_export($action, true)));
        $this->assertSame(1, preg_match('/status=(\d*)$/', $err, $m), "exit $exit, stderr: $err, stdout: $out");
        return [(int) $m[1], $out];
    }

    private function page(string $action, array $query = []): string
    {
        $html = $this->browser->get(self::ROUTE . $action . ($query ? '&' . http_build_query($query) : ''));
        $this->assertSame(200, $this->browser->status, $html);
        $this->assertCount(0, $this->nodes($html, '//*[@id="ipmanager-problem"]'), $html);
        return $html;
    }

    /** Posts a form of the addon with the token its page prints, and follows the redirect. */
    private function post(string $action, array $fields): string
    {
        $token = Browser::token($this->page('orphaned'));
        $html = $this->browser->post(self::ROUTE . $action, $fields + ['token' => $token]);
        $this->assertSame(200, $this->browser->status, $html);
        return $html;
    }

    private function orphanRows(string $html): array
    {
        $rows = [];
        foreach ($this->nodes($html, '//table[@id="ipmanager-orphans"]/tbody/tr') as $tr) {
            $cells = [];
            foreach ((new \DOMXPath($tr->ownerDocument))->query('td[position() <= 6]', $tr) as $td) {
                $cells[] = trim(preg_replace('/\s+/u', ' ', $td->textContent));
            }
            $rows[] = $cells;
        }
        return $rows;
    }

    // --- reading the database -------------------------------------------------------------

    /** Every table's rows (and the next AUTO_INCREMENT), to tell that nothing was written. */
    private function snapshot(array $except = []): array
    {
        $tables = [];
        foreach ($this->pdo->query('SHOW TABLES')->fetchAll(\PDO::FETCH_COLUMN) as $table) {
            if (!in_array($table, $except, true)) {
                $tables[$table] = $this->table($table);
            }
        }
        $tables['auto_increment'] = $this->pdo->query(
            'SELECT TABLE_NAME, AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME'
        )->fetchAll(\PDO::FETCH_KEY_PAIR);
        return $tables;
    }

    private function table(string $table): string
    {
        $rows = $this->pdo->query("SELECT * FROM `$table`")->fetchAll(\PDO::FETCH_NUM);
        $lines = array_map(static fn (array $r): string => json_encode($r), $rows);
        sort($lines);
        return implode("\n", $lines);
    }

    /** ip => [service, client, type, source], sorted by the address's text. */
    private function assignments(): array
    {
        $rows = $this->pdo->query(
            'SELECT a.ip, x.service_id, x.client_id, x.type, x.source FROM mod_ipmanager_assignments x
             JOIN mod_ipmanager_ip_addresses a ON a.id = x.ip_address_id ORDER BY a.version, a.ip_bin'
        )->fetchAll(\PDO::FETCH_NUM);
        $out = [];
        foreach ($rows as [$ip, $service, $client, $type, $source]) {
            $out[$ip] = [(int) $service, (int) $client, $type, $source];
        }
        ksort($out, SORT_STRING);
        return $out;
    }

    private function sorted(array $byIp): array
    {
        ksort($byIp, SORT_STRING);
        return $byIp;
    }

    private function addressStatus(string $ip): ?string
    {
        $statement = $this->pdo->prepare('SELECT status FROM mod_ipmanager_ip_addresses WHERE ip = ?');
        $statement->execute([$ip]);
        $status = $statement->fetchAll(\PDO::FETCH_COLUMN);
        $this->assertLessThanOrEqual(1, count($status), "one row for $ip");
        return $status[0] ?? null;
    }

    private function addressSubnet(string $ip): int
    {
        return (int) $this->column('SELECT subnet_id FROM mod_ipmanager_ip_addresses WHERE ip = ' . $this->pdo->quote($ip));
    }

    private function addressId(string $ip): int
    {
        $id = (int) $this->column('SELECT id FROM mod_ipmanager_ip_addresses WHERE ip = ' . $this->pdo->quote($ip));
        $this->assertGreaterThan(0, $id, "a row for $ip");
        return $id;
    }

    /** [dedicatedip, assignedips] of a service in WHMCS. */
    private function whmcsIps(int $service): array
    {
        return $this->pdo->query("SELECT dedicatedip, assignedips FROM tblhosting WHERE id = $service")->fetch(\PDO::FETCH_NUM);
    }

    private function logActions(string $ip): array
    {
        $statement = $this->pdo->prepare('SELECT action FROM mod_ipmanager_logs WHERE ip = ? AND action IN (?, ?, ?) ORDER BY id');
        $statement->execute([$ip, 'orphan_server', 'address_released', 'orphan_netbox']);
        return $statement->fetchAll(\PDO::FETCH_COLUMN);
    }

    private function logDetails(string $action): array
    {
        $statement = $this->pdo->prepare('SELECT details FROM mod_ipmanager_logs WHERE action = ? ORDER BY id');
        $statement->execute([$action]);
        return $statement->fetchAll(\PDO::FETCH_COLUMN);
    }

    private function column(string $sql): string
    {
        return (string) $this->pdo->query($sql)->fetchColumn();
    }

    private function rowCount(string $table, string $where = '1'): int
    {
        return (int) $this->pdo->query("SELECT COUNT(*) FROM $table WHERE $where")->fetchColumn();
    }
}
