<?php

use IpManager\Tests\Browser;
use IpManager\Tests\Harness;
use PHPUnit\Framework\TestCase;

/**
 * The client area (index.php?m=ipmanager, guide §18) through php -S and the
 * harness's client router, login and layouts: the listing, the sidebar link,
 * unassigning after a confirmation (ownership and CSRF checks), the "Order
 * additional IPs" link with the one-click Additional IPs option, and both
 * client layouts. Every change is asserted in the database.
 *
 * Fixture (one harness root and one php -S shared by the class, the tables
 * emptied and refilled before every test):
 *   - "VPS Managed" and "Storage Box" (sampleserver) on server "node-a";
 *   - IPv4 192.0.2.0/29 stored (network and broadcast reserved) with pool
 *     "v4 customers"; IPv6 2001:db8:1::/64 with pool "v6 customers";
 *   - configuration "VPS": "VPS Managed" → the IPv4 and the IPv6 pool;
 *     configuration "Storage": "Storage Box" → the IPv4 pool only;
 *   - services provisioned through Harness\Provisioning::moduleAction:
 *       client 1: vps1.client.test (VPS Managed) 192.0.2.1 + 2001:db8:1::1,
 *                 storage.client.test (Storage Box) 192.0.2.3;
 *       client 2: vps2.other.test (VPS Managed) 192.0.2.2 + 2001:db8:1::2;
 *     plus client 1's "pending.client.test" (VPS Managed, Pending, never created);
 *   - client 3 third@example.test/third, who holds nothing.
 */
final class ClientAreaTest extends TestCase
{
    private const KEEP = ['mod_ipmanager_schema_migrations'];
    private const WHMCS_TABLES = ['tblhosting', 'tblhostingconfigoptions', 'tblhostingaddons', 'tblproducts', 'tblproductgroups',
        'tblservers', 'tblproductconfiggroups', 'tblproductconfiglinks', 'tblproductconfigoptions', 'tblproductconfigoptionssub',
        'tblpricing', 'tblcustomfields', 'tblcustomfieldsvalues', 'tblactivitylog', 'tblmodulelog', 'harness_module_calls', 'harness_emails'];
    /** The tables a refused request must leave exactly as they were. */
    private const WATCHED = [
        'mod_ipmanager_assignments' => 'ip_address_id',
        'mod_ipmanager_ip_addresses' => 'id',
        'mod_ipmanager_logs' => 'id',
        'tblhosting' => 'id',
    ];

    private static ?Harness $shared = null;
    private static string $base = '';

    private Harness $harness;
    private \PDO $pdo;
    private int $vps;
    private int $storage;
    private int $subnet4;
    private int $subnet6;
    private int $services = 0;
    /** Service ids by name: vps1, storage, vps2, pending. */
    private array $service = [];

    public static function tearDownAfterClass(): void
    {
        self::$shared?->destroy();
        self::$shared = null;
    }

    protected function setUp(): void
    {
        if (self::$shared === null) {
            self::$shared = Harness::create('client');
            // Errors go to the server log (checked after every test), never into the page.
            self::$base = self::$shared->serve(true, ['display_errors' => '0', 'log_errors' => '1', 'error_reporting' => (string) E_ALL]);
        }
        $this->harness = self::$shared;
        $this->pdo = $this->harness->pdo();
        $this->pdo->exec("SET SESSION sql_mode = ''");
        $this->truncateServerLog();
        $this->fixture();
    }

    protected function assertPostConditions(): void
    {
        $this->assertSame([], $this->serverLogProblems(), 'the pages raised no PHP error, warning or notice');
    }

    /** A failing test shows what PHP logged on the server meanwhile. */
    protected function onNotSuccessfulTest(\Throwable $t): void
    {
        if (self::$shared !== null && ($problems = $this->serverLogProblems()) !== []) {
            fwrite(STDERR, "\n" . $this->getName() . ": php -S logged\n" . implode("\n", $problems) . "\n");
        }
        throw $t;
    }

    // --- Listing ----------------------------------------------------------------------

    public function testListingShowsTheClientsServicesWithEveryAddressAndNothingOfOtherClients(): void
    {
        $client = $this->client('client@example.test', 'client');
        $html = $client->get('/index.php?m=ipmanager');

        $this->assertSame(200, $client->status);
        $this->assertSame('/index.php?m=ipmanager', $client->path);
        $page = $this->xpath($html);
        $this->assertSame([], $this->texts($page, '//*[@id="ipmanager-client-error"]'));
        $services = $this->listedServices($page);
        $this->assertSame([$this->service['vps1'], $this->service['storage']], array_keys($services),
            'client 1 sees the two services holding addresses, not the pending one without, nor client 2\'s');

        $vps1 = $services[$this->service['vps1']];
        $this->assertSame('VPS Managed vps1.client.test', $vps1['heading']);
        $this->assertSame([
            ['192.0.2.1', 'IPv4', '192.0.2.0/29 (v4 customers)'],
            ['2001:db8:1::1', 'IPv6', '2001:db8:1::/64 (v6 customers)'],
        ], $vps1['rows']);
        $storage = $services[$this->service['storage']];
        $this->assertSame('Storage Box storage.client.test', $storage['heading']);
        $this->assertSame([['192.0.2.3', 'IPv4', '192.0.2.0/29 (v4 customers)']], $storage['rows']);

        // Each address has its own unassign link to the confirmation page.
        $links = $this->attributes($page, '//a[contains(@class,"ipmanager-unassign")]', 'href');
        $this->assertSame([
            $this->unassignUrl('vps1', '192.0.2.1'),
            $this->unassignUrl('vps1', '2001:db8:1::1'),
            $this->unassignUrl('storage', '192.0.2.3'),
        ], $links);

        foreach (['192.0.2.2', '2001:db8:1::2', 'vps2.other.test', 'pending.client.test'] as $absent) {
            $this->assertStringNotContainsString($absent, $html);
        }

        // Client 2 sees only theirs.
        $other = $this->client('other@example.test', 'other');
        $otherPage = $this->xpath($other->get('/index.php?m=ipmanager'));
        $otherServices = $this->listedServices($otherPage);
        $this->assertSame([$this->service['vps2']], array_keys($otherServices));
        $this->assertSame([
            ['192.0.2.2', 'IPv4', '192.0.2.0/29 (v4 customers)'],
            ['2001:db8:1::2', 'IPv6', '2001:db8:1::/64 (v6 customers)'],
        ], $otherServices[$this->service['vps2']]['rows']);

        // A client without addresses gets the "none" notice, and no table.
        $third = $this->client('third@example.test', 'third');
        $thirdPage = $this->xpath($third->get('/index.php?m=ipmanager'));
        $this->assertSame([], $this->listedServices($thirdPage));
        $this->assertSame(['None of your services has an IP address assigned by us.'],
            $this->texts($thirdPage, '//*[@id="ipmanager-client"]//div[contains(@class,"alert-info")]'));
    }

    public function testListingRequiresALoginAndReturnsToItAfterwards(): void
    {
        $before = $this->snapshot();
        $guest = new Browser(self::$base);
        $address = $this->addressId('192.0.2.1');
        $token = Browser::token($guest->get('/login.php')); // the guest's session has a token too
        $requests = [
            'GET overview' => ['GET', '/index.php?m=ipmanager', []],
            'GET confirmation' => ['GET', "/index.php?m=ipmanager&action=unassign&service_id={$this->service['vps1']}&address_id=$address", []],
            'POST unassign' => ['POST', '/index.php?m=ipmanager&action=unassign',
                ['token' => $token, 'service_id' => $this->service['vps1'], 'address_id' => $address]],
        ];
        $outcomes = [];
        foreach ($requests as $what => [$method, $path, $form]) {
            $html = $method === 'GET' ? $guest->get($path) : $guest->post($path, $form);
            $outcomes[$what] = [$guest->status, parse_url($guest->path, PHP_URL_PATH)];
            $this->assertStringNotContainsString('192.0.2.1', $html, $what);
            $this->assertStringNotContainsString('vps1.client.test', $html, $what);
        }
        $this->assertSame($before, $this->snapshot(), 'logged-out requests changed nothing');
        // Logged out, every page redirects to the login page (HTTP 200 there, not an error).
        $this->assertSame(array_fill_keys(array_keys($requests), [200, '/login.php']), $outcomes);

        // After logging in, the client lands on the page that asked for it.
        $guest->get('/index.php?m=ipmanager');
        $login = $guest->get('/login.php');
        $landing = $guest->post('/login.php', ['username' => 'client@example.test', 'password' => 'client', 'token' => Browser::token($login)]);
        $this->assertSame('/index.php?m=ipmanager', $guest->path);
        $this->assertArrayHasKey($this->service['vps1'], $this->listedServices($this->xpath($landing)));
    }

    public function testSidebarLinksToTheClientAreaOnlyForClientsHoldingAddresses(): void
    {
        foreach (['/index.php', '/index.php?m=ipmanager'] as $path) {
            $holder = $this->client('client@example.test', 'client');
            $page = $this->xpath($holder->get($path));
            $this->assertSame(['index.php?m=ipmanager'], $this->attributes($page, '//a[@menuitemname="ipmanager-addresses"]', 'href'), $path);
            $this->assertSame(['My IP addresses'], $this->texts($page, '//a[@menuitemname="ipmanager-addresses"]'), $path);
            $this->assertSame(['IP Manager'], $this->texts($page, '//*[@menuitemname="ipmanager"]//h3'), $path);

            $without = $this->client('third@example.test', 'third');
            $page = $this->xpath($without->get($path));
            $this->assertSame([], $this->attributes($page, '//*[@menuitemname="ipmanager"]', 'menuitemname'), "$path: no panel for client 3");

            $guest = new Browser(self::$base);
            $page = $this->xpath($guest->get('/index.php'));
            $this->assertSame([], $this->attributes($page, '//*[@menuitemname="ipmanager"]', 'menuitemname'), 'no panel logged out');
        }

        // Once client 2's last address is gone, the link goes too.
        $other = $this->client('other@example.test', 'other');
        $this->assertCount(1, $this->attributes($this->xpath($other->get('/index.php')), '//a[@menuitemname="ipmanager-addresses"]', 'href'));
        foreach (['192.0.2.2', '2001:db8:1::2'] as $ip) {
            $this->unassignAs($other, 'vps2', $ip);
        }
        $this->assertSame(0, $this->countRows('mod_ipmanager_assignments WHERE client_id = 2'));
        $this->assertSame([], $this->attributes($this->xpath($other->get('/index.php')), '//*[@menuitemname="ipmanager"]', 'menuitemname'));
    }

    /**
     * WHMCS can move a service to another client (Move Product/Service): the
     * addresses then belong to the new owner, on the page, in the sidebar and
     * for unassigning.
     */
    public function testAServiceMovedToAnotherClientTakesItsAddressesAlong(): void
    {
        $this->pdo->exec("UPDATE tblhosting SET userid = 3 WHERE id = {$this->service['vps2']}");

        $third = $this->client('third@example.test', 'third');
        $page = $this->xpath($third->get('/index.php?m=ipmanager'));
        $this->assertSame([$this->service['vps2']], array_keys($this->listedServices($page)), 'the new owner sees the service');
        $other = $this->client('other@example.test', 'other');
        $this->assertSame([], $this->listedServices($this->xpath($other->get('/index.php?m=ipmanager'))), 'the old owner no longer does');

        $sidebar = fn (Browser $b): array => $this->attributes($this->xpath($b->get('/index.php')), '//a[@menuitemname="ipmanager-addresses"]', 'href');
        $this->assertSame(['old owner' => [], 'new owner' => ['index.php?m=ipmanager']],
            ['old owner' => $sidebar($other), 'new owner' => $sidebar($third)], 'the sidebar link follows the service\'s owner');
    }

    public function testServiceDataIsShownAsTextNotMarkup(): void
    {
        $this->pdo->prepare('UPDATE tblhosting SET domain = ? WHERE id = ?')->execute(['<script>alert(1)</script>&amp;.test', $this->service['vps1']]);
        $this->pdo->prepare('UPDATE tblproducts SET name = ? WHERE id = ?')->execute(['VPS <b>Managed</b>', $this->vps]);
        $client = $this->client('client@example.test', 'client');

        $page = $this->xpath($client->get('/index.php?m=ipmanager'));
        $this->assertSame(0, $page->query('//*[@id="ipmanager-client"]//script | //*[@id="ipmanager-client"]//b')->length);
        $this->assertSame('VPS <b>Managed</b> <script>alert(1)</script>&amp;.test', $this->listedServices($page)[$this->service['vps1']]['heading']);

        $confirm = $this->xpath($client->get('/' . $this->unassignUrl('vps1', '192.0.2.1')));
        $this->assertSame(0, $confirm->query('//*[@id="ipmanager-client-unassign"]//script | //*[@id="ipmanager-client-unassign"]//b')->length);
        $this->assertStringContainsString('VPS <b>Managed</b> <script>alert(1)</script>&amp;.test',
            $this->texts($confirm, '//*[@id="ipmanager-client-unassign"]/p')[0]);
    }

    // --- Unassign ---------------------------------------------------------------------

    public function testClientUnassignsTheirAddressAfterTheConfirmationPage(): void
    {
        $client = $this->client('client@example.test', 'client');
        $overview = $this->xpath($client->get('/index.php?m=ipmanager'));
        $link = $this->attributes($overview, '//a[contains(@class,"ipmanager-unassign")]', 'href')[0];
        $this->assertSame($this->unassignUrl('vps1', '192.0.2.1'), $link);

        $confirmHtml = $client->get('/' . html_entity_decode($link));
        $this->assertSame(200, $client->status);
        $confirm = $this->xpath($confirmHtml);
        $this->assertSame(['Do you really want to unassign this IP address? It stops working on your service.'],
            $this->texts($confirm, '//*[@id="ipmanager-client-unassign"]/div[contains(@class,"alert")]'));
        $this->assertStringContainsString('192.0.2.1', $this->texts($confirm, '//*[@id="ipmanager-client-unassign"]/p')[0]);
        $this->assertStringContainsString('VPS Managed vps1.client.test', $this->texts($confirm, '//*[@id="ipmanager-client-unassign"]/p')[0]);
        $form = $this->form($confirm, '//*[@id="ipmanager-client-unassign"]//form');
        $this->assertSame('post', strtolower($form['method']));
        $this->assertSame('index.php?m=ipmanager&action=unassign', $form['action']);
        $this->assertSame((string) $this->service['vps1'], $form['fields']['service_id']);
        $this->assertSame((string) $this->addressId('192.0.2.1'), $form['fields']['address_id']);
        $this->assertNotSame('', $form['fields']['token'], 'the form carries the session\'s CSRF token');
        // Only showing the confirmation changes nothing.
        $this->assertSame('assigned', $this->status('192.0.2.1'));

        $addressId = $this->addressId('192.0.2.1');
        $result = $this->xpath($client->post('/' . $form['action'], $form['fields']));

        $this->assertSame(200, $client->status);
        $this->assertSame(['192.0.2.1 unassigned from service #' . $this->service['vps1'] . '.'],
            $this->texts($result, '//*[@id="ipmanager-client-success"]'));
        $this->assertSame([], $this->texts($result, '//*[@id="ipmanager-client-error"]'));
        $this->assertSame([['2001:db8:1::1', 'IPv6', '2001:db8:1::/64 (v6 customers)']],
            $this->listedServices($result)[$this->service['vps1']]['rows'], 'the page lists what is left');

        $this->assertSame(0, $this->countRows("mod_ipmanager_assignments WHERE ip_address_id = $addressId"), 'assignment row gone');
        $this->assertSame('free', $this->status('192.0.2.1'));
        $hosting = $this->hosting('vps1');
        $this->assertNotContains('192.0.2.1', $this->ipsOf($hosting), 'WHMCS no longer holds it');
        $this->assertSame('2001:db8:1::1', $hosting['dedicatedip'], 'the remaining address moved up');
        $this->assertSame('', $hosting['assignedips']);
        $logs = $this->logs('address_released', $this->service['vps1']);
        $this->assertCount(1, $logs);
        $this->assertSame(['client', 1, '192.0.2.1', 1], [$logs[0]['actor_type'], (int) $logs[0]['actor_id'], $logs[0]['ip'], (int) $logs[0]['client_id']]);
        $this->assertSame('127.0.0.1', $logs[0]['request_ip'], 'the request\'s address is logged');
        // Nothing else moved.
        $this->assertSame(4, $this->countRows('mod_ipmanager_assignments'));
        $this->assertSame('192.0.2.2', $this->hosting('vps2')['dedicatedip']);

        // Posting the same form again: the address is no longer the service's.
        $again = $this->xpath($client->post('/' . $form['action'], $form['fields']));
        $this->assertSame(['That address is not assigned to this service.'], $this->texts($again, '//*[@id="ipmanager-client-error"]'));
        $this->assertCount(1, $this->logs('address_released', $this->service['vps1']));
    }

    public function testAnotherClientsAddressCanNeitherBeConfirmedNorUnassigned(): void
    {
        $client = $this->client('client@example.test', 'client');
        $token = $this->sessionToken($client);
        $before = $this->snapshot();
        $refused = 'That address is not assigned to this service.';

        $attempts = [
            'client 2\'s service and address' => [$this->service['vps2'], $this->addressId('192.0.2.2')],
            'own service, client 2\'s address' => [$this->service['vps1'], $this->addressId('192.0.2.2')],
            'client 2\'s service, own address' => [$this->service['vps2'], $this->addressId('192.0.2.1')],
            'own address on the wrong own service' => [$this->service['storage'], $this->addressId('192.0.2.1')],
            'a service that does not exist' => [999999, $this->addressId('192.0.2.2')],
        ];
        foreach ($attempts as $what => [$serviceId, $addressId]) {
            $html = $client->get("/index.php?m=ipmanager&action=unassign&service_id=$serviceId&address_id=$addressId");
            $page = $this->xpath($html);
            $this->assertSame(200, $client->status, $what);
            $this->assertSame([$refused], $this->texts($page, '//*[@id="ipmanager-client-error"]'), "confirmation: $what");
            $this->assertSame([], $this->texts($page, '//*[@id="ipmanager-client-unassign"]'), "no confirmation form: $what");
            $this->assertStringNotContainsString('vps2.other.test', $html, "nothing of client 2 is shown: $what");

            $page = $this->xpath($client->post('/index.php?m=ipmanager&action=unassign',
                ['token' => $token, 'service_id' => $serviceId, 'address_id' => $addressId]));
            $this->assertSame([$refused], $this->texts($page, '//*[@id="ipmanager-client-error"]'), "unassign: $what");
            $this->assertSame([], $this->texts($page, '//*[@id="ipmanager-client-success"]'), $what);
            $this->assertSame($before, $this->snapshot(), "nothing changed: $what");
        }

        // Malformed ids are refused as well, without a PHP error.
        foreach (['service_id=abc&address_id=1', 'service_id=&address_id=', 'service_id[]=1&address_id=1'] as $query) {
            $page = $this->xpath($client->get("/index.php?m=ipmanager&action=unassign&$query"));
            $this->assertSame(200, $client->status, $query);
            $this->assertCount(1, $this->texts($page, '//*[@id="ipmanager-client-error"]'), $query);
            $this->assertSame([], $this->texts($page, '//*[@id="ipmanager-client-unassign"]'), $query);
        }
        $this->assertSame($before, $this->snapshot());
    }

    public function testUnassignWithAMissingOrWrongCsrfTokenIsRefused(): void
    {
        $client = $this->client('client@example.test', 'client');
        $other = $this->client('other@example.test', 'other');
        $fields = ['service_id' => $this->service['vps1'], 'address_id' => $this->addressId('192.0.2.1')];
        $before = $this->snapshot();
        $message = 'Your session token has expired or is invalid. Reload the page and try again.';

        $tokens = [
            'no token' => null,
            'empty token' => '',
            'wrong token' => str_repeat('0', 40),
            'another session\'s token' => $this->sessionToken($other),
            'token as an array' => ['x'],
        ];
        foreach ($tokens as $what => $token) {
            $form = $token === null ? $fields : ['token' => $token] + $fields;
            $page = $this->xpath($client->post('/index.php?m=ipmanager&action=unassign', $form));
            $this->assertSame(200, $client->status, $what);
            $this->assertSame([$message], $this->texts($page, '//*[@id="ipmanager-client-error"]'), $what);
            $this->assertSame([], $this->texts($page, '//*[@id="ipmanager-client-success"]'), $what);
            $this->assertArrayHasKey($this->service['vps1'], $this->listedServices($page), "$what: the overview is shown again");
            $this->assertSame($before, $this->snapshot(), "nothing changed: $what");
        }

        // The token in the query string of a GET is no substitute for the POST.
        $client->get('/index.php?m=ipmanager&action=unassign&token=' . $this->sessionToken($client)
            . '&service_id=' . $fields['service_id'] . '&address_id=' . $fields['address_id']);
        $this->assertSame($before, $this->snapshot(), 'a GET never unassigns');
    }

    // --- Order additional IPs ---------------------------------------------------------

    public function testOrderAdditionalIpsAppearsOnlyForActiveServicesOfProductsWithTheOption(): void
    {
        $client = $this->client('client@example.test', 'client');
        $this->assertSame([], $this->orderLinks($client), 'no product has the option yet');

        // The one-click option, created for VPS Managed.
        $created = $this->harness->call('ipmanager_extra_ips_option', ['admin_id' => 1], ['product_id' => $this->vps]);
        $this->assertSame($this->vps, $created['id']);
        $this->assertStringContainsString('added the option group, the quantity option, the link to the product, the sub-option, zero prices',
            $created['message']);
        $options = $this->optionTables();
        $this->assertCount(1, $options['tblproductconfiggroups']);
        $this->assertSame('IP Manager - Additional IPs', $options['tblproductconfiggroups'][0]['name']);
        $this->assertCount(1, $options['tblproductconfigoptions']);
        $option = $options['tblproductconfigoptions'][0];
        $this->assertSame(['ipmanager_extra_ips|Additional IPs', 4, 0], [$option['optionname'], (int) $option['optiontype'], (int) $option['qtyminimum']]);
        $this->assertSame([[(int) $options['tblproductconfiggroups'][0]['id'], $this->vps]],
            array_map(static fn (array $l): array => [(int) $l['gid'], (int) $l['pid']], $options['tblproductconfiglinks']));
        $this->assertCount(1, $options['tblproductconfigoptionssub']);
        $this->assertCount(1, $options['tblpricing'], 'one price row per currency (the harness has USD only)');
        $this->assertSame('0.00', $options['tblpricing'][0]['monthly']);

        // Idempotent: a second call adds nothing.
        $again = $this->harness->call('ipmanager_extra_ips_option', ['admin_id' => 1], ['product_id' => $this->vps]);
        $this->assertSame('"VPS Managed" already has its Additional IPs option; nothing was changed.', $again['message']);
        $this->assertSame($options, $this->optionTables());

        // An operator edits the label, the maximum, the sub-option and the price: a later call keeps them.
        $this->pdo->exec("UPDATE tblproductconfigoptions SET optionname = 'ipmanager_extra_ips|Extra IPv4 addresses', qtymaximum = 4");
        $this->pdo->exec("UPDATE tblproductconfigoptionssub SET optionname = 'Address'");
        $this->pdo->exec("UPDATE tblpricing SET monthly = 2.50, annually = 25.00 WHERE type = 'configoptions'");
        $edited = $this->optionTables();
        $third = $this->harness->call('ipmanager_extra_ips_option', ['admin_id' => 1], ['product_id' => $this->vps]);
        $this->assertStringContainsString('nothing was changed', $third['message']);
        $this->assertSame($edited, $this->optionTables(), 'the operator\'s name, maximum and prices stay untouched');
        $this->assertSame('ipmanager_extra_ips|Extra IPv4 addresses', $this->optionTables()['tblproductconfigoptions'][0]['optionname']);
        $this->assertSame('2.50', $this->optionTables()['tblpricing'][0]['monthly']);
        $this->assertCount(3, $this->pdo->query("SELECT id FROM mod_ipmanager_logs WHERE action = 'extra_ips_option' AND actor_type = 'admin'")->fetchAll());

        // Shown (as the upgrade link) only on the Active service of the product with the option.
        $vps1 = $this->service['vps1'];
        $this->assertSame([$vps1 => "upgrade.php?type=configoptions&id=$vps1"], $this->orderLinks($client));
        $page = $this->xpath($client->get('/index.php?m=ipmanager'));
        $this->assertSame(['Order additional IPs'], $this->texts($page, '//a[contains(@class,"ipmanager-order-more")]'));
        $this->assertArrayHasKey($this->service['storage'], $this->listedServices($page), 'Storage Box is listed, without the link');
        // Client 2's Active service on the same product has it on their page, never on client 1's.
        $other = $this->client('other@example.test', 'other');
        $vps2 = $this->service['vps2'];
        $this->assertSame([$vps2 => "upgrade.php?type=configoptions&id=$vps2"], $this->orderLinks($other));

        // An Active service of the product that holds no address yet can order: it is listed with the link.
        $this->pdo->exec("UPDATE tblhosting SET domainstatus = 'Active' WHERE id = {$this->service['pending']}");
        $this->assertSame([$vps1 => "upgrade.php?type=configoptions&id=$vps1", $this->service['pending'] => 'upgrade.php?type=configoptions&id=' . $this->service['pending']],
            $this->orderLinks($client));
        $pendingRows = $this->listedServices($this->xpath($client->get('/index.php?m=ipmanager')))[$this->service['pending']]['rows'];
        $this->assertSame([['No address assigned by IP Manager.']], $pendingRows);

        // Not Active (Suspended, Pending, Terminated): no link; the addresses are still listed.
        foreach (['Suspended', 'Pending', 'Terminated', 'Cancelled'] as $status) {
            $this->pdo->prepare('UPDATE tblhosting SET domainstatus = ? WHERE id = ?')->execute([$status, $vps1]);
            $links = $this->orderLinks($client);
            $this->assertArrayNotHasKey($vps1, $links, $status);
            $page = $this->xpath($client->get('/index.php?m=ipmanager'));
            $this->assertCount(2, $this->listedServices($page)[$vps1]['rows'], "$status: addresses still listed");
        }
    }

    public function testTheOptionOnASecondProductOnlyAddsItsLink(): void
    {
        $this->harness->call('ipmanager_extra_ips_option', ['admin_id' => 1], ['product_id' => $this->vps]);
        $first = $this->optionTables();

        $second = $this->harness->call('ipmanager_extra_ips_option', ['admin_id' => 1], ['product_id' => $this->storage]);
        $this->assertSame('Additional IPs option for "Storage Box": added the link to the product. Set its price under Configurable Options.',
            $second['message']);
        $after = $this->optionTables();
        foreach (['tblproductconfiggroups', 'tblproductconfigoptions', 'tblproductconfigoptionssub', 'tblpricing'] as $table) {
            $this->assertSame($first[$table], $after[$table], $table);
        }
        $this->assertSame([$this->vps, $this->storage], array_map(static fn (array $l): int => (int) $l['pid'], $after['tblproductconfiglinks']));

        $client = $this->client('client@example.test', 'client');
        $vps1 = $this->service['vps1'];
        $storage = $this->service['storage'];
        $this->assertSame([$vps1 => "upgrade.php?type=configoptions&id=$vps1", $storage => "upgrade.php?type=configoptions&id=$storage"],
            $this->orderLinks($client));

        $this->assertSame([], $this->harness->extension(
            "try { ipmanager_extra_ips_option(['admin_id' => 1], ['product_id' => 999999]); echo '[\"no error\"]'; }"
            . " catch (IpManagerNotFoundException \$e) { echo '[]'; }"
        ), 'a product that does not exist is refused');
    }

    // --- Layouts ----------------------------------------------------------------------

    public static function layouts(): array
    {
        return [
            'Twenty-One (Bootstrap 4)' => ['twenty-one', 'bootstrap4/css/bootstrap.min.css'],
            'Six (Bootstrap 3)' => ['six', 'bootstrap3/css/bootstrap.min.css'],
        ];
    }

    /** @dataProvider layouts */
    public function testThePagesRenderInTheLayout(string $theme, string $stylesheet): void
    {
        $this->harness->call('ipmanager_extra_ips_option', ['admin_id' => 1], ['product_id' => $this->vps]);
        $client = $this->client('client@example.test', 'client');
        $pages = [
            'overview' => '/index.php?m=ipmanager&systpl=' . $theme,
            // ?systpl= sticks for the session.
            'confirmation' => '/' . html_entity_decode($this->unassignUrl('vps1', '192.0.2.1')),
            'refusal' => '/index.php?m=ipmanager&action=unassign&service_id=' . $this->service['vps2'] . '&address_id=' . $this->addressId('192.0.2.2'),
        ];
        foreach ($pages as $what => $path) {
            $html = $client->get($path);
            $this->assertSame(200, $client->status, $what);
            $page = $this->xpath($html);
            $this->assertSame([$theme], $this->attributes($page, '//body', 'data-theme'), "$what in $theme");
            $css = $this->attributes($page, '//link[@rel="stylesheet"]', 'href');
            $this->assertNotEmpty(array_filter($css, static fn (string $href): bool => str_ends_with($href, '/vendor/' . $stylesheet)),
                "$what loads $stylesheet: " . implode(', ', $css));
            $this->assertSame(['IP Manager'], $this->texts($page, '//h1'), $what);
            $this->assertSame(['Portal Home', 'IP Manager'], array_map('trim', $this->texts($page, '//*[contains(@class,"breadcrumb")]/li')), $what);
            $this->assertCount(1, $this->attributes($page, '//a[@menuitemname="ipmanager-addresses"]', 'href'), "$what: sidebar link");
            foreach (['Fatal error', 'Warning:', 'Notice:', 'Deprecated:', 'Uncaught', '{$', 'Smarty'] as $broken) {
                $this->assertStringNotContainsString($broken, $html, "$what in $theme");
            }
        }
        $overview = $this->xpath($client->get('/index.php?m=ipmanager'));
        $this->assertCount(2, $this->listedServices($overview));
        // The markup carries both frameworks' classes, so each layout styles it.
        $this->assertCount(2, $this->attributes($overview, '//div[@data-service][contains(concat(" ", @class, " "), " card ") and contains(concat(" ", @class, " "), " panel ")]', 'class'));
        $order = $this->attributes($overview, '//a[contains(@class,"ipmanager-order-more")]', 'class')[0];
        foreach (['float-right', 'pull-right'] as $class) {
            $this->assertStringContainsString($class, $order);
        }

        // The unassign itself works from this layout.
        $confirm = $this->xpath($client->get('/' . html_entity_decode($this->unassignUrl('vps1', '192.0.2.1'))));
        $form = $this->form($confirm, '//*[@id="ipmanager-client-unassign"]//form');
        $done = $this->xpath($client->post('/' . $form['action'], $form['fields']));
        $this->assertSame([$theme], $this->attributes($done, '//body', 'data-theme'));
        $this->assertCount(1, $this->texts($done, '//*[@id="ipmanager-client-success"]'));
        $this->assertSame('free', $this->status('192.0.2.1'));
    }

    // --- Fixture ----------------------------------------------------------------------

    private function fixture(): void
    {
        $tables = array_merge(
            array_diff($this->pdo->query("SHOW TABLES LIKE 'mod\\_ipmanager\\_%'")->fetchAll(\PDO::FETCH_COLUMN), self::KEEP),
            self::WHMCS_TABLES
        );
        foreach ($tables as $table) {
            $this->pdo->exec("TRUNCATE TABLE `$table`");
        }
        $this->pdo->exec('DELETE FROM tblclients WHERE id > 2');
        $this->insert('tblclients', [
            'id' => 3, 'firstname' => 'Thea', 'lastname' => 'Third', 'companyname' => '', 'email' => 'third@example.test',
            'address1' => '3 Example Street', 'address2' => '', 'city' => 'Exampleton', 'state' => 'EX', 'postcode' => '00000',
            'country' => 'US', 'phonenumber' => '+1.5550103', 'password' => password_hash('third', PASSWORD_DEFAULT),
            'currency' => 1, 'defaultgateway' => '', 'notes' => '', 'language' => '',
        ]);

        $group = $this->insert('tblproductgroups', ['name' => 'Servers', 'slug' => 'servers', 'headline' => '', 'tagline' => '', 'orderfrmtpl' => '', 'disabledgateways' => '']);
        $server = $this->insert('tblservers', [
            'name' => 'node-a', 'ipaddress' => '198.51.100.10', 'assignedips' => '', 'hostname' => 'node-a.example.test',
            'type' => 'sampleserver', 'username' => 'root', 'password' => '', 'accesshash' => '', 'secure' => 'on', 'port' => 8443,
        ]);
        $product = ['type' => 'server', 'gid' => $group, 'description' => '', 'paytype' => 'recurring', 'subdomain' => '',
            'autosetup' => 'payment', 'servertype' => 'sampleserver', 'tagline' => ''];
        $this->vps = $this->insert('tblproducts', ['name' => 'VPS Managed', 'slug' => 'vps-managed'] + $product);
        $this->storage = $this->insert('tblproducts', ['name' => 'Storage Box', 'slug' => 'storage-box'] + $product);

        [$this->subnet4, $this->subnet6] = $this->harness->extension(sprintf(<<<'PHP'
            $admin = ['admin_id' => 1];
            $s4 = ipmanager_subnet_save($admin, ['name' => 'v4', 'cidr' => '192.0.2.0/29', 'reserve_network' => 'on',
                'reserve_broadcast' => 'on', 'store_free_ips' => 'on'])['id'];
            $s6 = ipmanager_subnet_save($admin, ['name' => 'v6', 'cidr' => '2001:db8:1::/64', 'reserve_network' => 'on'])['id'];
            $p4 = ipmanager_pool_save($admin, ['name' => 'v4 customers', 'subnet_id' => $s4, 'range_start' => '', 'range_end' => ''])['id'];
            $p6 = ipmanager_pool_save($admin, ['name' => 'v6 customers', 'subnet_id' => $s6, 'range_start' => '', 'range_end' => ''])['id'];
            $c = ipmanager_configuration_save($admin, ['name' => 'VPS', 'pool_id' => $p4, 'products' => [%1$d]])['id'];
            ipmanager_configuration_relation($admin, ['id' => $c, 'change' => 'add', 'target' => 'product:%1$d', 'pool_id' => $p6]);
            ipmanager_configuration_save($admin, ['name' => 'Storage', 'pool_id' => $p4, 'products' => [%2$d]]);
            echo json_encode([$s4, $s6]);
            PHP, $this->vps, $this->storage));

        $base = ['server' => $server, 'regdate' => date('Y-m-d'), 'paymentmethod' => 'banktransfer', 'billingcycle' => 'Monthly',
            'domainstatus' => 'Pending', 'password' => '', 'notes' => '', 'subscriptionid' => '', 'suspendreason' => '',
            'dedicatedip' => '', 'assignedips' => '', 'ns1' => '', 'ns2' => ''];
        $this->service = [];
        foreach ([
            'vps1' => [1, $this->vps, 'vps1.client.test'],
            'vps2' => [2, $this->vps, 'vps2.other.test'],
            'storage' => [1, $this->storage, 'storage.client.test'],
            'pending' => [1, $this->vps, 'pending.client.test'],
        ] as $name => [$client, $productId, $domain]) {
            $this->service[$name] = $this->insert('tblhosting',
                ['userid' => $client, 'packageid' => $productId, 'domain' => $domain, 'username' => $name] + $base);
        }
        $out = $this->runPhp(sprintf(
            '$r = []; foreach ([%d, %d, %d] as $id) { $r[] = Harness\Provisioning::moduleAction($id, "Create"); } echo json_encode($r);',
            $this->service['vps1'], $this->service['vps2'], $this->service['storage']
        ));
        $this->assertSame(array_fill(0, 3, ['result' => 'success']), json_decode($out, true), $out);
        $this->assertSame(['domainstatus' => 'Active', 'dedicatedip' => '192.0.2.1', 'assignedips' => '2001:db8:1::1'], $this->hosting('vps1'));
        $this->assertSame(['domainstatus' => 'Active', 'dedicatedip' => '192.0.2.2', 'assignedips' => '2001:db8:1::2'], $this->hosting('vps2'));
        $this->assertSame(['domainstatus' => 'Active', 'dedicatedip' => '192.0.2.3', 'assignedips' => ''], $this->hosting('storage'));
        $this->assertSame(5, $this->countRows('mod_ipmanager_assignments'));
    }

    // --- Pages ------------------------------------------------------------------------

    private function client(string $email, string $password): Browser
    {
        $browser = new Browser(self::$base);
        $browser->loginClient($email, $password);
        return $browser;
    }

    /** The CSRF token of the browser's session, as the theme prints it. */
    private function sessionToken(Browser $browser): string
    {
        $html = $browser->get('/index.php?m=ipmanager');
        $this->assertSame(1, preg_match("/var csrfToken = '([0-9a-f]+)'/", $html, $m), 'the theme prints the token');
        return $m[1];
    }

    /** The href of the unassign link of one address, as the template prints it (HTML-escaped). */
    private function unassignUrl(string $service, string $ip): string
    {
        return 'index.php?m=ipmanager&action=unassign&service_id=' . $this->service[$service] . '&address_id=' . $this->addressId($ip);
    }

    /** Confirms and unassigns an address through the pages; asserts success. */
    private function unassignAs(Browser $browser, string $service, string $ip): void
    {
        $confirm = $this->xpath($browser->get('/' . $this->unassignUrl($service, $ip)));
        $form = $this->form($confirm, '//*[@id="ipmanager-client-unassign"]//form');
        $done = $this->xpath($browser->post('/' . $form['action'], $form['fields']));
        $this->assertCount(1, $this->texts($done, '//*[@id="ipmanager-client-success"]'), "unassign $ip");
    }

    /** service id => upgrade link of every "Order additional IPs" button on the client's page. */
    private function orderLinks(Browser $browser): array
    {
        $page = $this->xpath($browser->get('/index.php?m=ipmanager'));
        $links = [];
        foreach ($page->query('//div[@data-service]') as $card) {
            foreach ($page->query('.//a[contains(@class,"ipmanager-order-more")]', $card) as $a) {
                $links[(int) $card->getAttribute('data-service')] = $a->getAttribute('href');
            }
        }
        return $links;
    }

    /** service id => ['heading' => product and domain, 'rows' => [[ip, version, subnet (pool)], …]] */
    private function listedServices(\DOMXPath $page): array
    {
        $services = [];
        foreach ($page->query('//*[@id="ipmanager-client"]//div[@data-service]') as $card) {
            $heading = $page->query('.//div[contains(@class,"card-header")]', $card)->item(0);
            $headingText = '';
            foreach ($heading->childNodes as $node) {
                if (!($node instanceof \DOMElement && $node->tagName === 'a')) {
                    $headingText .= $node->textContent;
                }
            }
            $rows = [];
            foreach ($page->query('.//tbody/tr', $card) as $tr) {
                $cells = [];
                foreach ($page->query('./td', $tr) as $td) {
                    $cells[] = $this->clean($td->textContent);
                }
                $rows[] = array_values(array_filter($cells, static fn (string $c): bool => $c !== '' && $c !== 'Unassign'));
            }
            $services[(int) $card->getAttribute('data-service')] = ['heading' => $this->clean($headingText), 'rows' => $rows];
        }
        return $services;
    }

    /** A form's method, action (decoded) and fields (name => value). */
    private function form(\DOMXPath $page, string $query): array
    {
        $form = $page->query($query)->item(0);
        $this->assertNotNull($form, "form $query");
        $fields = [];
        foreach ($page->query('.//input[@name]', $form) as $input) {
            $fields[$input->getAttribute('name')] = $input->getAttribute('value');
        }
        return ['method' => $form->getAttribute('method'), 'action' => $form->getAttribute('action'), 'fields' => $fields];
    }

    private function xpath(string $html): \DOMXPath
    {
        $document = new \DOMDocument();
        $previous = libxml_use_internal_errors(true);
        $document->loadHTML('<?xml encoding="utf-8"?>' . $html);
        libxml_clear_errors();
        libxml_use_internal_errors($previous);
        return new \DOMXPath($document);
    }

    private function texts(\DOMXPath $page, string $query): array
    {
        $texts = [];
        foreach ($page->query($query) as $node) {
            $texts[] = $this->clean($node->textContent);
        }
        return $texts;
    }

    private function attributes(\DOMXPath $page, string $query, string $attribute): array
    {
        $values = [];
        foreach ($page->query($query) as $node) {
            $values[] = $node->getAttribute($attribute);
        }
        return $values;
    }

    private function clean(string $text): string
    {
        return trim(preg_replace('/\s+/u', ' ', $text));
    }

    private function serverLogs(): array
    {
        return glob($this->harness->root . '/php-server-*.log') ?: [];
    }

    private function truncateServerLog(): void
    {
        foreach ($this->serverLogs() as $log) {
            file_put_contents($log, '');
        }
    }

    /** PHP errors, warnings and notices php -S logged during the test. */
    private function serverLogProblems(): array
    {
        $problems = [];
        foreach ($this->serverLogs() as $log) {
            foreach (file($log, FILE_IGNORE_NEW_LINES) ?: [] as $line) {
                if (preg_match('/PHP (Fatal|Warning|Notice|Parse|Recoverable)|Uncaught|Stack trace/i', $line)) {
                    $problems[] = $line;
                }
            }
        }
        return $problems;
    }

    private function runPhp(string $code): string
    {
        [$exit, $out, $err] = $this->harness->php($code);
        $this->assertSame(0, $exit, "PHP exited with $exit\nstdout: $out\nstderr: $err");
        $this->assertSame('', trim($err), "PHP wrote to stderr: $err");
        return $out;
    }

    // --- Database ---------------------------------------------------------------------

    private function insert(string $table, array $row): int
    {
        $columns = implode(', ', array_map(static fn (string $c): string => "`$c`", array_keys($row)));
        $this->pdo->prepare("INSERT INTO $table ($columns) VALUES (" . implode(', ', array_fill(0, count($row), '?')) . ')')
            ->execute(array_values($row));
        return (int) $this->pdo->lastInsertId();
    }

    private function countRows(string $from): int
    {
        return (int) $this->pdo->query("SELECT COUNT(*) FROM $from")->fetchColumn();
    }

    private function hosting(string $service): array
    {
        $row = $this->pdo->query("SELECT domainstatus, dedicatedip, assignedips FROM tblhosting WHERE id = {$this->service[$service]}")->fetch();
        $this->assertIsArray($row);
        return $row;
    }

    /** Every address WHMCS holds for the service: dedicatedip and each assignedips line. */
    private function ipsOf(array $hosting): array
    {
        return array_values(array_filter(array_map('trim', array_merge([$hosting['dedicatedip']], preg_split('/[\r\n,]+/', $hosting['assignedips'])))));
    }

    private function addressId(string $ip): int
    {
        $id = $this->pdo->query('SELECT id FROM mod_ipmanager_ip_addresses WHERE ip = ' . $this->pdo->quote($ip))->fetchColumn();
        $this->assertNotFalse($id, "$ip has a row");
        return (int) $id;
    }

    private function status(string $ip): ?string
    {
        $status = $this->pdo->query('SELECT status FROM mod_ipmanager_ip_addresses WHERE ip = ' . $this->pdo->quote($ip))->fetchColumn();
        return $status === false ? null : $status;
    }

    private function logs(string $action, int $service): array
    {
        $statement = $this->pdo->prepare('SELECT * FROM mod_ipmanager_logs WHERE action = ? AND service_id = ? ORDER BY id');
        $statement->execute([$action, $service]);
        return $statement->fetchAll();
    }

    /** The rows a refused request must not touch. */
    private function snapshot(): array
    {
        $snapshot = [];
        foreach (self::WATCHED as $table => $order) {
            $snapshot[$table] = $this->pdo->query("SELECT * FROM $table ORDER BY $order")->fetchAll();
        }
        return $snapshot;
    }

    private function optionTables(): array
    {
        $tables = [];
        foreach (['tblproductconfiggroups', 'tblproductconfigoptions', 'tblproductconfiglinks', 'tblproductconfigoptionssub'] as $table) {
            $tables[$table] = $this->pdo->query("SELECT * FROM $table ORDER BY id")->fetchAll();
        }
        $tables['tblpricing'] = $this->pdo->query("SELECT * FROM tblpricing WHERE type = 'configoptions' ORDER BY id")->fetchAll();
        return $tables;
    }
}
