<?php

use IpManager\Tests\Harness;
use PHPUnit\Framework\TestCase;

/**
 * Automatic IP assignment on provisioning (design §5), end to end: the
 * harness's provisioning runner fires the shim's hooks (PreModuleCreate,
 * AfterModuleCreate, AfterModuleTerminate, AfterModuleChangePackage,
 * ServiceDelete) around the recording server module `sampleserver`, and every
 * test asserts the database: tblhosting, IP Manager's assignments, address
 * statuses and log, and the params the server module received.
 *
 * Fixture (one harness root shared by the class, its tables emptied and
 * refilled before every test; a second root for the reload-params switch):
 *   - "VPS Managed" (sampleserver) on server "node-a", with the Additional IPs
 *     quantity option `ipmanager_extra_ips|Additional IPs`;
 *   - "Shared Unmanaged" (sampleserver), which no configuration names;
 *   - IPv4 192.0.2.0/29 stored, network and broadcast reserved: .1 … .6 free;
 *   - IPv6 2001:db8:1::/64 not stored, anycast reserved: ::1 is handed out first;
 *   - one pool over each subnet; configuration "VPS" relates the product to
 *     the IPv4 pool and, as a second product relation, to the IPv6 pool.
 */
final class ProvisioningTest extends TestCase
{
    private const V4_FIRST = '192.0.2.1';
    private const V6_FIRST = '2001:db8:1::1';
    private const ABORT = 'Function Aborted by Action Hook Code';

    /** Shared by the tests; reset before each. The second one has $harness_reload_params_after_pre_hooks on. */
    private static ?Harness $plain = null;
    private static ?Harness $reloading = null;

    /** IP Manager's tables keep their schema; everything else in them goes between tests. */
    private const KEEP = ['mod_ipmanager_schema_migrations'];
    /** The WHMCS tables the fixture and the tests write. */
    private const WHMCS_TABLES = ['tblhosting', 'tblhostingconfigoptions', 'tblhostingaddons', 'tblproducts', 'tblproductgroups',
        'tblservers', 'tblproductconfiggroups', 'tblproductconfiglinks', 'tblproductconfigoptions', 'tblproductconfigoptionssub',
        'tblcustomfields', 'tblcustomfieldsvalues', 'tblactivitylog', 'tblmodulelog', 'harness_module_calls', 'harness_emails'];

    private Harness $harness;
    private \PDO $pdo;
    private int $product;
    private int $unmanagedProduct;
    private int $server;
    private int $extraOption;
    private int $extraOptionSub;
    private int $subnet4;
    private int $subnet6;
    private int $pool4;
    private int $pool6;
    private int $configuration;
    private int $services = 0;

    public static function tearDownAfterClass(): void
    {
        foreach ([self::$plain, self::$reloading] as $harness) {
            $harness?->destroy();
        }
        self::$plain = self::$reloading = null;
    }

    // --- 1. Order → ModuleCreate ------------------------------------------------------

    public static function reloadModes(): array
    {
        return ['params not reloaded after Pre hooks' => [false], 'params reloaded after Pre hooks' => [true]];
    }

    /** @dataProvider reloadModes */
    public function testCreateHandsTheLowestFreeIpv4AndAnIpv6ToTheModuleAndToWhmcs(bool $reload): void
    {
        $this->boot($reload);
        $service = $this->service();

        $this->assertSame(['result' => 'success'], $this->action($service, 'Create'));

        $calls = $this->calls($service, 'CreateAccount');
        $this->assertCount(1, $calls);
        $this->assertSame(self::V4_FIRST, $calls[0]['dedicatedip']);
        $this->assertSame(self::V6_FIRST, $calls[0]['assignedips']);
        $row = $this->hosting($service);
        $this->assertSame(self::V4_FIRST, $row['dedicatedip']);
        $this->assertSame(self::V6_FIRST, $row['assignedips']);
        $this->assertSame('Active', $row['domainstatus']);
        $this->assertSame([[self::V4_FIRST, 'primary', 'assigned'], [self::V6_FIRST, 'primary', 'assigned']], $this->assignments($service));
        foreach ($this->assignmentRows($service) as $assignment) {
            $this->assertSame('provisioning', $assignment['source']);
            $this->assertSame($this->configuration, (int) $assignment['configuration_id']);
            $this->assertSame(1, (int) $assignment['client_id']);
        }
        $provisioned = $this->logs('provisioned', $service);
        $this->assertCount(1, $provisioned);
        $this->assertStringContainsString(self::V4_FIRST, $provisioned[0]['details']);
        $this->assertStringContainsString(self::V6_FIRST, $provisioned[0]['details']);
        $this->assertCount(2, $this->logs('address_assigned', $service));
        $this->assertCount(1, $this->logs('service_created', $service), 'AfterModuleCreate reached the extension');

        // The next order gets the next lowest addresses.
        $next = $this->service();
        $this->assertSame(['result' => 'success'], $this->action($next, 'Create'));
        $this->assertSame('192.0.2.2', $this->calls($next, 'CreateAccount')[0]['dedicatedip']);
        $this->assertSame('2001:db8:1::2', $this->calls($next, 'CreateAccount')[0]['assignedips']);
    }

    // --- 2. Exhaustion ----------------------------------------------------------------

    public function testFullIpv4PoolAbortsTheCreateAndLeavesNothingHalfDone(): void
    {
        $this->boot();
        $this->fillPool4(6);
        $service = $this->service();
        $before = $this->hosting($service);
        $v6Before = $this->addressRows($this->subnet6);

        $this->assertSame(['result' => 'error', 'message' => self::ABORT], $this->action($service, 'Create'));

        $this->assertSame([], $this->calls($service), 'the server module was not called');
        $this->assertSame([], $this->assignments($service));
        $this->assertSame($before, $this->hosting($service), 'tblhosting unchanged (still Pending, no addresses)');
        $this->assertSame($v6Before, $this->addressRows($this->subnet6), 'the IPv6 address was not taken either');
        $aborted = $this->logs('provisioning_aborted', $service);
        $this->assertCount(1, $aborted);
        $this->assertStringContainsString('VPS Managed', $aborted[0]['details'], 'names the product');
        $this->assertStringContainsString('node-a', $aborted[0]['details'], 'names the server');
        $this->assertStringContainsString("pool #{$this->pool4}", $aborted[0]['details'], 'names the pool tried');
        $this->assertSame([], $this->logs('provisioned', $service));
        $this->assertTrue($this->activityLogContains("Module Create Aborted by PreModuleCreate Hook - Service ID: $service"));
    }

    /**
     * IPv4 primary and IPv6 are allocated before the Additional IPs run out:
     * the whole transaction must roll back, including the IPv6 row and hints.
     */
    public function testExhaustionHalfWayThroughRollsBackAddressesAlreadyTaken(): void
    {
        $this->boot();
        $this->fillPool4(4); // .5 and .6 remain
        $service = $this->service();
        $this->setExtraIps($service, 2); // needs 3 IPv4 addresses
        $before = $this->hosting($service);
        $v6Before = $this->addressRows($this->subnet6);
        $hintsBefore = $this->hints();

        $this->assertSame(['result' => 'error', 'message' => self::ABORT], $this->action($service, 'Create'));

        $this->assertSame([], $this->calls($service));
        $this->assertSame([], $this->assignments($service));
        $this->assertSame($before, $this->hosting($service));
        $this->assertSame('free', $this->status('192.0.2.5'));
        $this->assertSame('free', $this->status('192.0.2.6'));
        $this->assertSame($v6Before, $this->addressRows($this->subnet6));
        $this->assertSame($hintsBefore, $this->hints());
        $this->assertSame([], $this->logs('address_assigned', $service), 'the rolled-back assignments left no log rows');
        $aborted = $this->logs('provisioning_aborted', $service);
        $this->assertCount(1, $aborted);
        $this->assertStringContainsString("pool #{$this->pool4}", $aborted[0]['details']);

        // With room again, the same service provisions from the lowest free addresses.
        $this->pdo->exec("UPDATE tblhostingconfigoptions SET qty = 1 WHERE relid = $service");
        $this->assertSame(['result' => 'success'], $this->action($service, 'Create'));
        $this->assertSame([['192.0.2.5', 'primary', 'assigned'], [self::V6_FIRST, 'primary', 'assigned'], ['192.0.2.6', 'additional', 'assigned']],
            $this->assignments($service));
    }

    // --- 3. Retry idempotence ---------------------------------------------------------

    public function testRetriedCreateReturnsTheAddressesTheServiceAlreadyHolds(): void
    {
        $this->boot();
        $service = $this->service();
        $this->pdo->exec("UPDATE tblproducts SET configoption1 = 'fail' WHERE id = {$this->product}");

        $first = $this->action($service, 'Create');
        $this->assertSame('error', $first['result'], 'the server module refused the first create');
        $this->assertSame('Pending', $this->hosting($service)['domainstatus']);
        $held = $this->assignments($service);
        $this->assertSame([[self::V4_FIRST, 'primary', 'assigned'], [self::V6_FIRST, 'primary', 'assigned']], $held);

        $this->pdo->exec("UPDATE tblproducts SET configoption1 = '' WHERE id = {$this->product}");
        $this->assertSame(['result' => 'success'], $this->action($service, 'Create'));
        // And once more on the already active service.
        $this->assertSame(['result' => 'success'], $this->action($service, 'Create'));

        $calls = $this->calls($service, 'CreateAccount');
        $this->assertCount(3, $calls);
        foreach ($calls as $call) {
            $this->assertSame(self::V4_FIRST, $call['dedicatedip']);
            $this->assertSame(self::V6_FIRST, $call['assignedips']);
        }
        $this->assertSame($held, $this->assignments($service));
        $this->assertSame(2, $this->countRows('mod_ipmanager_assignments'), 'no new assignment rows');
        $this->assertSame(self::V4_FIRST, $this->hosting($service)['dedicatedip']);
        $this->assertSame(self::V6_FIRST, $this->hosting($service)['assignedips']);
        $this->assertCount(1, $this->logs('provisioned', $service));
        $this->assertCount(2, $this->logs('address_assigned', $service));
    }

    // --- 4. Dedicated IP typed by an admin --------------------------------------------

    public function testTypedFreeManagedDedicatedIpBecomesTheAssignment(): void
    {
        $this->boot();
        $service = $this->service(['dedicatedip' => '192.0.2.4']);

        $this->assertSame(['result' => 'success'], $this->action($service, 'Create'));

        $this->assertSame('192.0.2.4', $this->calls($service, 'CreateAccount')[0]['dedicatedip']);
        $this->assertSame('192.0.2.4', $this->hosting($service)['dedicatedip']);
        $v4 = array_values(array_filter($this->assignments($service), static fn (array $a): bool => !str_contains($a[0], ':')));
        $this->assertSame([['192.0.2.4', 'primary', 'assigned']], $v4, 'nothing else is allocated from the IPv4 pool');
        $this->assertSame('free', $this->status(self::V4_FIRST));
        $this->assertSame(1, $this->countRows("mod_ipmanager_ip_addresses WHERE subnet_id = {$this->subnet4} AND status = 'assigned'"));
        // Design §5 step 2: the IPv6 pool that applies still hands its address.
        $this->assertContains([self::V6_FIRST, 'primary', 'assigned'], $this->assignments($service),
            'a typed IPv4 must not cost the service its IPv6 address');
        $this->assertSame(self::V6_FIRST, $this->hosting($service)['assignedips']);
        $this->assertSame(self::V6_FIRST, $this->calls($service, 'CreateAccount')[0]['assignedips']);
    }

    public function testTypedDedicatedIpOutsideEveryManagedSubnetIsLeftAlone(): void
    {
        $this->boot();
        $service = $this->service(['dedicatedip' => '203.0.113.10', 'assignedips' => '203.0.113.11']);

        $this->assertSame(['result' => 'success'], $this->action($service, 'Create'));

        $call = $this->calls($service, 'CreateAccount')[0];
        $this->assertSame('203.0.113.10', $call['dedicatedip']);
        $this->assertSame('203.0.113.11', $call['assignedips']);
        $row = $this->hosting($service);
        $this->assertSame('203.0.113.10', $row['dedicatedip']);
        $this->assertSame('203.0.113.11', $row['assignedips']);
        $this->assertSame([], $this->assignments($service));
        $this->assertSame(0, $this->countRows('mod_ipmanager_assignments'), 'nothing allocated');
        $this->assertSame(0, $this->countRows("mod_ipmanager_ip_addresses WHERE status = 'assigned'"));
        $this->assertSame([], $this->logs('provisioned', $service));
    }

    public function testTypedDedicatedIpAssignedToAnotherServiceAbortsTheCreate(): void
    {
        $this->boot();
        $other = $this->service();
        $this->assertSame(['result' => 'success'], $this->action($other, 'Create'));
        $service = $this->service(['dedicatedip' => self::V4_FIRST, 'userid' => 2]);
        $before = $this->hosting($service);
        $otherBefore = $this->hosting($other);
        $assignmentsBefore = $this->countRows('mod_ipmanager_assignments');
        $v6Before = $this->addressRows($this->subnet6);

        $this->assertSame(['result' => 'error', 'message' => self::ABORT], $this->action($service, 'Create'));

        $this->assertSame([], $this->calls($service));
        $this->assertSame($before, $this->hosting($service));
        $this->assertSame($otherBefore, $this->hosting($other));
        $this->assertSame([], $this->assignments($service));
        $this->assertSame($assignmentsBefore, $this->countRows('mod_ipmanager_assignments'));
        $this->assertSame([[self::V4_FIRST, 'primary', 'assigned'], [self::V6_FIRST, 'primary', 'assigned']], $this->assignments($other));
        $this->assertSame($v6Before, $this->addressRows($this->subnet6));
        $aborted = $this->logs('provisioning_aborted', $service);
        $this->assertCount(1, $aborted);
        $this->assertStringContainsString(self::V4_FIRST, $aborted[0]['details']);
        $this->assertStringContainsString("#$other", $aborted[0]['details'], 'says which service holds it');
    }

    public function testTypedDedicatedIpThatIsReservedAbortsTheCreate(): void
    {
        $this->boot();
        $service = $this->service(['dedicatedip' => '192.0.2.0']); // the reserved network address
        $before = $this->hosting($service);

        $this->assertSame(['result' => 'error', 'message' => self::ABORT], $this->action($service, 'Create'));

        $this->assertSame([], $this->calls($service));
        $this->assertSame($before, $this->hosting($service));
        $this->assertSame(0, $this->countRows('mod_ipmanager_assignments'));
        $this->assertCount(1, $this->logs('provisioning_aborted', $service));
    }

    // --- 5. Terminate policies --------------------------------------------------------

    public function testTerminateWithReleasePolicyFreesTheAddressesAtOnce(): void
    {
        $this->boot();
        $this->setting('terminate_policy', 'release');
        $this->setting('cooldown_hours', '2'); // "release now" ignores the cooldown
        $service = $this->provisioned();

        $this->assertSame(['result' => 'success'], $this->action($service, 'Terminate'));

        $this->assertSame('Terminated', $this->hosting($service)['domainstatus']);
        $this->assertSame([], $this->assignments($service));
        $this->assertSame('free', $this->status(self::V4_FIRST));
        $this->assertNull($this->status(self::V6_FIRST), 'an unstored IPv6 row is gone once free');
        $this->assertSame('', $this->hosting($service)['dedicatedip']);
        $this->assertSame('', $this->hosting($service)['assignedips']);
        $this->assertSame(self::V4_FIRST, $this->calls($service, 'TerminateAccount')[0]['dedicatedip'], 'the module still saw the addresses');
        $this->assertCount(1, $this->logs('service_terminated', $service));
        $this->assertCount(2, $this->logs('address_released', $service));

        $next = $this->service();
        $this->assertSame(['result' => 'success'], $this->action($next, 'Create'));
        $this->assertSame(self::V4_FIRST, $this->hosting($next)['dedicatedip'], 'released at once, so handed out again');
        $this->assertSame(self::V6_FIRST, $this->hosting($next)['assignedips']);
    }

    public function testTerminateWithCooldownPolicyHoldsTheAddressesBack(): void
    {
        $this->boot();
        $this->setting('terminate_policy', 'cooldown');
        $this->setting('cooldown_hours', '2');
        $service = $this->provisioned();

        $this->assertSame(['result' => 'success'], $this->action($service, 'Terminate'));

        $this->assertSame([], $this->assignments($service));
        foreach ([self::V4_FIRST, self::V6_FIRST] as $ip) {
            $this->assertSame('cooldown', $this->status($ip), $ip);
            $hours = (float) $this->pdo->query(
                "SELECT TIMESTAMPDIFF(SECOND, NOW(), cooldown_until) / 3600 FROM mod_ipmanager_ip_addresses WHERE ip = '$ip'"
            )->fetchColumn();
            $this->assertEqualsWithDelta(2.0, $hours, 0.05, "$ip waits cooldown_hours");
        }
        $this->assertSame('', $this->hosting($service)['dedicatedip']);
        $this->assertSame('', $this->hosting($service)['assignedips']);

        $next = $this->service();
        $this->assertSame(['result' => 'success'], $this->action($next, 'Create'));
        $this->assertSame('192.0.2.2', $this->hosting($next)['dedicatedip'], 'an address in cooldown is not handed out');
        $this->assertSame('2001:db8:1::2', $this->hosting($next)['assignedips']);
        $this->assertSame('cooldown', $this->status(self::V4_FIRST));
        $this->assertSame('cooldown', $this->status(self::V6_FIRST));

        // Two hours later the addresses are the lowest free ones again.
        $this->pdo->exec("UPDATE mod_ipmanager_ip_addresses SET cooldown_until = NOW() - INTERVAL 1 MINUTE WHERE status = 'cooldown'");
        $this->pdo->exec('UPDATE mod_ipmanager_subnets SET cooldown_ends_at = NOW() - INTERVAL 1 MINUTE WHERE cooldown_ends_at IS NOT NULL');
        $later = $this->service();
        $this->assertSame(['result' => 'success'], $this->action($later, 'Create'));
        $this->assertSame(['dedicatedip' => self::V4_FIRST, 'assignedips' => self::V6_FIRST],
            array_intersect_key($this->hosting($later), ['dedicatedip' => 1, 'assignedips' => 1]),
            'stored IPv4 and unstored IPv6 addresses whose cooldown ended are handed out again, lowest first');
    }

    public function testTerminateWithKeepPolicyKeepsTheAssignments(): void
    {
        $this->boot();
        $this->setting('terminate_policy', 'keep');
        $service = $this->provisioned();
        $held = $this->assignments($service);

        $this->assertSame(['result' => 'success'], $this->action($service, 'Terminate'));

        $this->assertSame('Terminated', $this->hosting($service)['domainstatus']);
        $this->assertSame($held, $this->assignments($service));
        $this->assertSame(self::V4_FIRST, $this->hosting($service)['dedicatedip']);
        $this->assertSame(self::V6_FIRST, $this->hosting($service)['assignedips']);
        $this->assertCount(1, $this->logs('service_terminated', $service));
        $this->assertSame([], $this->logs('address_released', $service));

        $next = $this->service();
        $this->assertSame(['result' => 'success'], $this->action($next, 'Create'));
        $this->assertSame('192.0.2.2', $this->hosting($next)['dedicatedip']);
    }

    // --- 6. Additional IPs quantity ---------------------------------------------------

    public function testAdditionalIpsFollowTheQuantityOnChangePackage(): void
    {
        $this->boot();
        $service = $this->service();
        $this->setExtraIps($service, 1);

        $this->assertSame(['result' => 'success'], $this->action($service, 'Create'));
        $call = $this->calls($service, 'CreateAccount')[0];
        $this->assertSame(self::V4_FIRST, $call['dedicatedip']);
        $this->assertSame(self::V6_FIRST . "\n192.0.2.2", $call['assignedips']);
        $this->assertSame(1, $call['configoptions']['ipmanager_extra_ips|Additional IPs']);
        $this->assertSame(self::V6_FIRST . "\n192.0.2.2", $this->hosting($service)['assignedips']);
        $this->assertSame([[self::V4_FIRST, 'primary', 'assigned'], [self::V6_FIRST, 'primary', 'assigned'], ['192.0.2.2', 'additional', 'assigned']],
            $this->assignments($service));

        // 1 → 3
        $this->setExtraIps($service, 3);
        $this->assertSame(['result' => 'success'], $this->action($service, 'ChangePackage'));
        $this->assertSame([
            [self::V4_FIRST, 'primary', 'assigned'], [self::V6_FIRST, 'primary', 'assigned'],
            ['192.0.2.2', 'additional', 'assigned'], ['192.0.2.3', 'additional', 'assigned'], ['192.0.2.4', 'additional', 'assigned'],
        ], $this->assignments($service));
        $this->assertSame(self::V4_FIRST, $this->hosting($service)['dedicatedip']);
        $this->assertSame(self::V6_FIRST . "\n192.0.2.2\n192.0.2.3\n192.0.2.4", $this->hosting($service)['assignedips']);

        // 3 → 1: newest first, the oldest additional address stays.
        $this->setExtraIps($service, 1);
        $this->assertSame(['result' => 'success'], $this->action($service, 'ChangePackage'));
        $this->assertSame(['192.0.2.4', '192.0.2.3'], array_column($this->logs('address_released', $service), 'ip'));
        $this->assertSame(self::V6_FIRST . "\n192.0.2.2", $this->hosting($service)['assignedips']);
        $this->assertSame('free', $this->status('192.0.2.3'));
        $this->assertSame('free', $this->status('192.0.2.4'));

        // 1 → 0
        $this->setExtraIps($service, 0);
        $this->assertSame(['result' => 'success'], $this->action($service, 'ChangePackage'));
        $this->assertSame(['192.0.2.4', '192.0.2.3', '192.0.2.2'], array_column($this->logs('address_released', $service), 'ip'));
        $this->assertSame([[self::V4_FIRST, 'primary', 'assigned'], [self::V6_FIRST, 'primary', 'assigned']], $this->assignments($service));
        $this->assertSame(self::V4_FIRST, $this->hosting($service)['dedicatedip']);
        $this->assertSame(self::V6_FIRST, $this->hosting($service)['assignedips']);
        $this->assertSame('free', $this->status('192.0.2.2'));
        $this->assertCount(3, $this->logs('service_changed', $service));
        $this->assertCount(3, $this->calls($service, 'ChangePackage'));
    }

    // --- 7. Deletion ------------------------------------------------------------------

    public function testDeletingTheServiceReleasesItsAddresses(): void
    {
        $this->boot();
        $service = $this->service();
        $this->setExtraIps($service, 1);
        $this->assertSame(['result' => 'success'], $this->action($service, 'Create'));
        $this->assertCount(3, $this->assignments($service));

        $this->runPhp("Harness\\Provisioning::deleteService($service);");

        $this->assertSame(0, $this->countRows("tblhosting WHERE id = $service"));
        $this->assertSame([], $this->assignments($service));
        $this->assertSame(0, $this->countRows('mod_ipmanager_assignments'));
        $this->assertSame('free', $this->status(self::V4_FIRST));
        $this->assertSame('free', $this->status('192.0.2.2'));
        $this->assertNull($this->status(self::V6_FIRST));
        $this->assertCount(1, $this->logs('service_deleted', $service));
        $this->assertCount(3, $this->logs('address_released', $service));
    }

    // --- 8. Products no configuration applies to ------------------------------------

    public function testProductWithoutConfigurationProvisionsWithoutIpManager(): void
    {
        $this->boot();
        $service = $this->service(['packageid' => $this->unmanagedProduct, 'server' => 0]);
        $before = $this->hosting($service);
        $addressesBefore = $this->addressRows($this->subnet4);

        $this->assertSame(['result' => 'success'], $this->action($service, 'Create'));

        $call = $this->calls($service, 'CreateAccount')[0];
        $this->assertSame('', $call['dedicatedip']);
        $this->assertSame('', $call['assignedips']);
        $after = $this->hosting($service);
        $this->assertSame('Active', $after['domainstatus']);
        unset($before['domainstatus'], $after['domainstatus']);
        $this->assertSame($before, $after);
        $this->assertSame(0, $this->countRows('mod_ipmanager_assignments'));
        $this->assertSame($addressesBefore, $this->addressRows($this->subnet4));
        $this->assertSame(0, $this->countRows("mod_ipmanager_ip_addresses WHERE subnet_id = {$this->subnet6}"));
        foreach (['provisioned', 'provisioning_aborted', 'address_assigned'] as $action) {
            $this->assertSame([], $this->logs($action, $service), $action);
        }
    }

    // --- 9. Extension missing ---------------------------------------------------------

    public function testCreateStillRunsWithoutTheExtensionAndTheProblemIsLogged(): void
    {
        $this->boot();
        $service = $this->service();

        $this->assertSame(['result' => 'success'], $this->action($service, 'Create', false));

        $call = $this->calls($service, 'CreateAccount')[0];
        $this->assertSame('', $call['dedicatedip']);
        $this->assertSame('Active', $this->hosting($service)['domainstatus']);
        $this->assertSame(0, $this->countRows('mod_ipmanager_assignments'));
        $this->assertTrue($this->activityLogContains('IP Manager (PreModuleCreate): The ipmanager PHP extension is not loaded'),
            implode("\n", $this->pdo->query('SELECT description FROM tblactivitylog')->fetchAll(\PDO::FETCH_COLUMN)));
        $this->assertTrue($this->activityLogContains('IP Manager (AfterModuleCreate): The ipmanager PHP extension is not loaded'));
        $this->assertTrue($this->activityLogContains("Module Create Successful - Service ID: $service"));
    }

    // --- Fixture --------------------------------------------------------------------

    /**
     * The shared harness root (addon active), emptied of every earlier test's
     * rows, with the WHMCS rows, subnets, pools and the configuration.
     */
    private function boot(bool $reloadParams = false): void
    {
        if ($reloadParams) {
            $this->harness = self::$reloading ??= Harness::create('prov', ['reload_params' => true]);
        } else {
            $this->harness = self::$plain ??= Harness::create('prov', ['reload_params' => false]);
        }
        $this->pdo = $this->harness->pdo();
        // WHMCS's own connection is non-strict; fixture rows leave unused TEXT columns empty.
        $this->pdo->exec("SET SESSION sql_mode = ''");
        $tables = array_merge(
            array_diff($this->pdo->query("SHOW TABLES LIKE 'mod\\_ipmanager\\_%'")->fetchAll(\PDO::FETCH_COLUMN), self::KEEP),
            self::WHMCS_TABLES
        );
        foreach ($tables as $table) {
            $this->pdo->exec("TRUNCATE TABLE `$table`");
        }

        $group = $this->insert('tblproductgroups', ['name' => 'VPS', 'slug' => 'vps', 'headline' => '', 'tagline' => '', 'orderfrmtpl' => '', 'disabledgateways' => '']);
        $this->server = $this->insert('tblservers', [
            'name' => 'node-a', 'ipaddress' => '198.51.100.10', 'assignedips' => '', 'hostname' => 'node-a.example.test',
            'type' => 'sampleserver', 'username' => 'root', 'password' => '', 'accesshash' => '', 'secure' => 'on', 'port' => 8443,
        ]);
        $product = ['type' => 'server', 'gid' => $group, 'description' => '', 'paytype' => 'recurring', 'subdomain' => '',
            'autosetup' => 'payment', 'servertype' => 'sampleserver', 'tagline' => ''];
        $this->product = $this->insert('tblproducts', ['name' => 'VPS Managed', 'slug' => 'vps-managed'] + $product);
        $this->unmanagedProduct = $this->insert('tblproducts', ['name' => 'Shared Unmanaged', 'slug' => 'shared'] + $product);

        $optionGroup = $this->insert('tblproductconfiggroups', ['name' => 'IPs', 'description' => '']);
        $this->insert('tblproductconfiglinks', ['gid' => $optionGroup, 'pid' => $this->product]);
        $this->extraOption = $this->insert('tblproductconfigoptions', [
            'gid' => $optionGroup, 'optionname' => 'ipmanager_extra_ips|Additional IPs', 'optiontype' => 4, 'qtyminimum' => 0, 'qtymaximum' => 8,
        ]);
        $this->extraOptionSub = $this->insert('tblproductconfigoptionssub', ['configid' => $this->extraOption, 'optionname' => 'IP']);

        $ids = $this->harness->extension(sprintf(<<<'PHP'
            $admin = ['admin_id' => 1];
            $s4 = ipmanager_subnet_save($admin, ['name' => 'v4', 'cidr' => '192.0.2.0/29', 'reserve_network' => 'on',
                'reserve_broadcast' => 'on', 'store_free_ips' => 'on'])['id'];
            $s6 = ipmanager_subnet_save($admin, ['name' => 'v6', 'cidr' => '2001:db8:1::/64', 'reserve_network' => 'on'])['id'];
            $p4 = ipmanager_pool_save($admin, ['name' => 'v4 pool', 'subnet_id' => $s4, 'range_start' => '', 'range_end' => ''])['id'];
            $p6 = ipmanager_pool_save($admin, ['name' => 'v6 pool', 'subnet_id' => $s6, 'range_start' => '', 'range_end' => ''])['id'];
            $c = ipmanager_configuration_save($admin, ['name' => 'VPS', 'pool_id' => $p4, 'products' => [%1$d]])['id'];
            ipmanager_configuration_relation($admin, ['id' => $c, 'change' => 'add', 'target' => 'product:%1$d', 'pool_id' => $p6]);
            echo json_encode([$s4, $s6, $p4, $p6, $c]);
            PHP, $this->product));
        [$this->subnet4, $this->subnet6, $this->pool4, $this->pool6, $this->configuration] = $ids;
        $this->assertSame(6, $this->countRows("mod_ipmanager_ip_addresses WHERE subnet_id = {$this->subnet4} AND status = 'free'"));
    }

    /** A Pending service of client 1 on the managed product and server; returns its id. */
    private function service(array $overrides = []): int
    {
        $n = ++$this->services;
        return $this->insert('tblhosting', $overrides + [
            'userid' => 1, 'packageid' => $this->product, 'server' => $this->server, 'regdate' => date('Y-m-d'),
            'domain' => "vps$n.example.test", 'paymentmethod' => 'banktransfer', 'billingcycle' => 'Monthly',
            'domainstatus' => 'Pending', 'username' => "user$n", 'password' => '', 'notes' => '', 'subscriptionid' => '',
            'suspendreason' => '', 'dedicatedip' => '', 'assignedips' => '', 'ns1' => '', 'ns2' => '',
        ]);
    }

    /** A service created successfully with 192.0.2.1 and 2001:db8:1::1. */
    private function provisioned(): int
    {
        $service = $this->service();
        $this->assertSame(['result' => 'success'], $this->action($service, 'Create'));
        $this->assertSame([[self::V4_FIRST, 'primary', 'assigned'], [self::V6_FIRST, 'primary', 'assigned']], $this->assignments($service));
        return $service;
    }

    /** Assigns the $count lowest free IPv4 addresses to another client's service. */
    private function fillPool4(int $count): void
    {
        $holder = $this->service(['userid' => 2, 'domainstatus' => 'Active']);
        $this->harness->extension(sprintf(
            "for (\$i = 0; \$i < %d; \$i++) { ipmanager_allocate(['admin_id' => 1], ['pool_id' => %d, 'service_id' => %d, 'client_id' => 2]); }\necho '[]';",
            $count,
            $this->pool4,
            $holder
        ));
        $this->assertSame($count, $this->countRows("mod_ipmanager_assignments WHERE service_id = $holder"));
    }

    private function setExtraIps(int $service, int $qty): void
    {
        $this->pdo->prepare('DELETE FROM tblhostingconfigoptions WHERE relid = ? AND configid = ?')->execute([$service, $this->extraOption]);
        $this->insert('tblhostingconfigoptions', ['relid' => $service, 'configid' => $this->extraOption, 'optionid' => $this->extraOptionSub, 'qty' => $qty]);
    }

    private function setting(string $name, string $value): void
    {
        $this->pdo->prepare('INSERT INTO mod_ipmanager_settings (name, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)')
            ->execute([$name, $value]);
    }

    // --- Running WHMCS ----------------------------------------------------------------

    /** Runs PHP after init.php (with or without the extension); fails on a non-zero exit. */
    private function runPhp(string $code, bool $withExtension = true): string
    {
        [$exit, $out, $err] = $this->harness->php($code, $withExtension);
        $this->assertSame(0, $exit, "PHP exited with $exit\nstdout: $out\nstderr: $err");
        $this->assertSame('', trim($err), "PHP wrote to stderr: $err");
        return $out;
    }

    /** Harness\Provisioning::moduleAction, as the admin's module buttons and the cron run it. */
    private function action(int $service, string $action, bool $withExtension = true): array
    {
        $out = $this->runPhp(sprintf('echo json_encode(Harness\Provisioning::moduleAction(%d, %s));', $service, var_export($action, true)), $withExtension);
        $result = json_decode($out, true);
        $this->assertIsArray($result, "moduleAction printed: $out");
        return $result;
    }

    // --- Reading the database -------------------------------------------------------

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

    private function hosting(int $service): array
    {
        $row = $this->pdo->query("SELECT domainstatus, dedicatedip, assignedips FROM tblhosting WHERE id = $service")->fetch();
        $this->assertIsArray($row, "service #$service exists");
        return $row;
    }

    /** The server module's recorded calls for the service: their params, oldest first. */
    private function calls(int $service, ?string $action = null): array
    {
        $sql = "SELECT action, params FROM harness_module_calls WHERE serviceid = $service ORDER BY id";
        $calls = [];
        foreach ($this->pdo->query($sql)->fetchAll() as $row) {
            if ($action === null || $row['action'] === $action) {
                $calls[] = json_decode($row['params'], true);
            }
        }
        return $calls;
    }

    private function assignmentRows(int $service): array
    {
        return $this->pdo->query(
            "SELECT x.*, a.ip, a.status FROM mod_ipmanager_assignments x JOIN mod_ipmanager_ip_addresses a ON a.id = x.ip_address_id
             WHERE x.service_id = $service ORDER BY x.id"
        )->fetchAll();
    }

    /** [ip, type, address status] of the service's assignments, oldest first. */
    private function assignments(int $service): array
    {
        return array_map(static fn (array $r): array => [$r['ip'], $r['type'], $r['status']], $this->assignmentRows($service));
    }

    /** The address's status, or null when it has no row. */
    private function status(string $ip): ?string
    {
        $status = $this->pdo->query("SELECT status FROM mod_ipmanager_ip_addresses WHERE ip = " . $this->pdo->quote($ip))->fetchColumn();
        return $status === false ? null : $status;
    }

    private function addressRows(int $subnet): array
    {
        return $this->pdo->query(
            "SELECT ip, pool_id, status, cooldown_until FROM mod_ipmanager_ip_addresses WHERE subnet_id = $subnet ORDER BY ip_bin"
        )->fetchAll();
    }

    private function hints(): array
    {
        return $this->pdo->query(
            "SELECT 'pool', id, HEX(free_hint_bin) FROM mod_ipmanager_pools UNION ALL SELECT 'subnet', id, HEX(free_hint_bin) FROM mod_ipmanager_subnets"
        )->fetchAll(\PDO::FETCH_NUM);
    }

    private function logs(string $action, int $service): array
    {
        $statement = $this->pdo->prepare('SELECT * FROM mod_ipmanager_logs WHERE action = ? AND service_id = ? ORDER BY id');
        $statement->execute([$action, $service]);
        return $statement->fetchAll();
    }

    private function activityLogContains(string $text): bool
    {
        $statement = $this->pdo->prepare('SELECT COUNT(*) FROM tblactivitylog WHERE description LIKE ?');
        $statement->execute(['%' . $text . '%']);
        return (int) $statement->fetchColumn() > 0;
    }
}
