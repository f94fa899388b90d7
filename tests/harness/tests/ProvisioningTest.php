<?php

namespace HarnessTests;

use Harness\Hooks;
use Harness\Provisioning;
use HarnessTests\Support\Fixtures;
use PHPUnit\Framework\TestCase;
use WHMCS\Database\Capsule;

/** Module parameters and module commands: whmcs-reference.md 2.2–2.4. */
final class ProvisioningTest extends TestCase
{
    private array $ids;

    protected function setUp(): void
    {
        Hooks::reset();
        $GLOBALS['harness_reload_params_after_pre_hooks'] = false;
        $this->ids = Fixtures::service(['dedicatedip' => '192.0.2.5', 'assignedips' => "192.0.2.6\n192.0.2.7"]);
        Capsule::table('tblcustomfieldsvalues')->insert(['fieldid' => $this->ids['customfield'], 'relid' => $this->ids['service'], 'value' => 'vps01']);
        localAPI('UpdateClientProduct', ['serviceid' => $this->ids['service'], 'configoptions' => base64_encode(serialize([$this->ids['configoption'] => 3]))]);
    }

    protected function tearDown(): void
    {
        $GLOBALS['harness_reload_params_after_pre_hooks'] = false;
    }

    public function testParamsFollowTheDocumentedShape(): void
    {
        $params = Provisioning::params($this->ids['service']);

        $this->assertSame($this->ids['service'], $params['serviceid']);
        $this->assertSame($this->ids['client'], $params['userid']);
        $this->assertSame($this->ids['product'], $params['pid']);
        $this->assertSame($this->ids['server'], $params['serverid']);
        $this->assertSame('vps.example.test', $params['domain']);
        $this->assertSame('vpsuser', $params['username']);
        $this->assertSame('service-secret', $params['password']);
        $this->assertSame('server', $params['producttype']);
        $this->assertSame('sampleserver', $params['moduletype']);
        $this->assertSame('', $params['configoption1']);
        $this->assertArrayHasKey('configoption24', $params);
        $this->assertSame('Test', $params['clientsdetails']['firstname']);
        $this->assertSame('Test Client', $params['clientsdetails']['fullname']);
        $this->assertArrayNotHasKey('password', $params['clientsdetails']);
        $this->assertSame(['hostname|Hostname' => 'vps01'], $params['customfields']);
        $this->assertSame(['Extra IPs' => 3], $params['configoptions']);
        $this->assertTrue($params['server']);
        $this->assertSame('198.51.100.1', $params['serverip']);
        $this->assertSame('node.example.test', $params['serverhostname']);
        $this->assertSame('root', $params['serverusername']);
        $this->assertSame('server-secret', $params['serverpassword']);
        $this->assertSame('hash', $params['serveraccesshash']);
        $this->assertTrue($params['serversecure']);
        $this->assertSame('8443', $params['serverport']);
        $this->assertSame('https', $params['serverhttpprefix']);
        $this->assertSame('192.0.2.5', $params['dedicatedip']);
        $this->assertSame("192.0.2.6\n192.0.2.7", $params['assignedips']);
        $this->assertNull($params['model']);
    }

    public function testSuccessfulCommandsUpdateTheStatusAndRunAfterHooks(): void
    {
        $after = [];
        foreach (['Create', 'Suspend', 'Unsuspend', 'ChangePackage', 'Terminate'] as $action) {
            add_hook('AfterModule' . $action, 1, function (array $vars) use (&$after, $action) {
                $after[] = [$action, $vars['params']['serviceid']];
            });
        }
        $expected = ['Create' => 'Active', 'Suspend' => 'Suspended', 'Unsuspend' => 'Active', 'ChangePackage' => 'Active', 'Terminate' => 'Terminated'];

        foreach ($expected as $action => $status) {
            $this->assertSame(['result' => 'success'], Provisioning::moduleAction($this->ids['service'], $action));
            $this->assertSame($status, $this->status(), $action);
        }

        $calls = array_column(Fixtures::moduleCalls($this->ids['service']), 'action');
        $this->assertSame(['CreateAccount', 'SuspendAccount', 'UnsuspendAccount', 'ChangePackage', 'TerminateAccount'], $calls);
        $this->assertSame(array_map(fn ($a) => [$a, $this->ids['service']], array_keys($expected)), $after);
        $this->assertTrue(Fixtures::activityLogContains('Module Create Successful - Service ID: ' . $this->ids['service']));
    }

    public function testPreHookResultsOverrideParamsInHookOrder(): void
    {
        add_hook('PreModuleCreate', 5, fn () => ['dedicatedip' => '192.0.2.99']);
        add_hook('PreModuleCreate', 1, fn (array $vars) => ['dedicatedip' => '192.0.2.50', 'domain' => 'from-hook-' . $vars['params']['domain']]);
        add_hook('PreModuleCreate', 3, fn () => null);
        $afterParams = null;
        add_hook('AfterModuleCreate', 1, function (array $vars) use (&$afterParams) { $afterParams = $vars['params']; });

        $this->assertSame('success', Provisioning::moduleAction($this->ids['service'], 'Create')['result']);

        $sent = Fixtures::moduleCalls($this->ids['service'])[0]['params'];
        $this->assertSame('192.0.2.99', $sent['dedicatedip']);
        $this->assertSame('from-hook-vps.example.test', $sent['domain']);
        $this->assertSame("192.0.2.6\n192.0.2.7", $sent['assignedips']);
        $this->assertSame('192.0.2.99', $afterParams['dedicatedip']);
        $this->assertSame('192.0.2.5', Capsule::table('tblhosting')->where('id', $this->ids['service'])->value('dedicatedip'),
            'returned overrides change the call, not the database');
    }

    public function testAbortcmdStopsTheCommand(): void
    {
        add_hook('PreModuleCreate', 1, fn () => ['abortcmd' => true]);
        add_hook('PreModuleCreate', 2, fn () => ['dedicatedip' => '192.0.2.77']);
        $afterHooks = 0;
        add_hook('AfterModuleCreate', 1, function () use (&$afterHooks) { $afterHooks++; });
        add_hook('AfterModuleCreateFailed', 1, function () use (&$afterHooks) { $afterHooks++; });

        $result = Provisioning::moduleAction($this->ids['service'], 'Create');

        $this->assertSame(['result' => 'error', 'message' => Provisioning::ABORT_MESSAGE], $result);
        $this->assertSame([], Fixtures::moduleCalls($this->ids['service']), 'the module function is not called');
        $this->assertSame('Pending', $this->status());
        $this->assertSame(0, $afterHooks);
    }

    /** @dataProvider reloadModes */
    public function testDatabaseWritesInPreHooksReachTheModuleOnlyWithReload(bool $reload, string $expectedAssigned): void
    {
        $GLOBALS['harness_reload_params_after_pre_hooks'] = $reload;
        $serviceId = $this->ids['service'];
        add_hook('PreModuleCreate', 1, function () use ($serviceId) {
            Capsule::table('tblhosting')->where('id', $serviceId)->update(['assignedips' => '192.0.2.40', 'domain' => 'db.example.test']);
            return ['domain' => 'returned.example.test'];
        });

        Provisioning::moduleAction($serviceId, 'Create');

        $sent = Fixtures::moduleCalls($serviceId)[0]['params'];
        $this->assertSame($expectedAssigned, $sent['assignedips']);
        $this->assertSame('returned.example.test', $sent['domain'], 'returned keys win in both modes');
    }

    public static function reloadModes(): array
    {
        return [
            'reload off' => [false, "192.0.2.6\n192.0.2.7"],
            'reload on' => [true, '192.0.2.40'],
        ];
    }

    public function testModuleErrorRunsTheFailedHook(): void
    {
        Capsule::table('tblproducts')->where('id', $this->ids['product'])->update(['configoption1' => 'fail']);
        $failed = null;
        add_hook('AfterModuleSuspendFailed', 1, function (array $vars) use (&$failed) { $failed = $vars; });

        $result = Provisioning::moduleAction($this->ids['service'], 'Suspend');

        $this->assertSame('error', $result['result']);
        $this->assertStringContainsString('refused SuspendAccount', $result['message']);
        $this->assertSame($result['message'], $failed['failureResponseMessage']);
        $this->assertSame($this->ids['service'], $failed['params']['serviceid']);
        $this->assertSame('Pending', $this->status());
    }

    public function testUnknownServiceAndServiceWithoutModule(): void
    {
        $this->assertSame('Service ID not found', Provisioning::moduleAction(999999999, 'Create')['message']);
        Capsule::table('tblproducts')->where('id', $this->ids['product'])->update(['servertype' => '']);
        $this->assertSame('Service not assigned to a module', Provisioning::moduleAction($this->ids['service'], 'Create')['message']);
    }

    public function testDeleteServiceFiresServiceDeleteThenRemovesRows(): void
    {
        $seen = null;
        add_hook('ServiceDelete', 1, function (array $vars) use (&$seen) {
            $seen = $vars + ['rowExisted' => Capsule::table('tblhosting')->where('id', $vars['serviceid'])->exists()];
        });

        Provisioning::deleteService($this->ids['service']);

        $this->assertSame(['userid' => $this->ids['client'], 'clientId' => $this->ids['client'], 'serviceid' => $this->ids['service'], 'rowExisted' => true], $seen);
        $this->assertFalse(Capsule::table('tblhosting')->where('id', $this->ids['service'])->exists());
        $this->assertFalse(Capsule::table('tblhostingconfigoptions')->where('relid', $this->ids['service'])->exists());
        $this->assertFalse(Capsule::table('tblcustomfieldsvalues')->where('relid', $this->ids['service'])->where('fieldid', $this->ids['customfield'])->exists());
    }

    private function status(): string
    {
        return Capsule::table('tblhosting')->where('id', $this->ids['service'])->value('domainstatus');
    }
}
