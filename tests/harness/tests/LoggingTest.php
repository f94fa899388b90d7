<?php

namespace HarnessTests;

use Harness\Hooks;
use PHPUnit\Framework\TestCase;
use WHMCS\Config\Setting;
use WHMCS\Database\Capsule;

/** logActivity() and logModuleCall(): whmcs-reference.md section 5. */
final class LoggingTest extends TestCase
{
    protected function setUp(): void
    {
        Hooks::reset();
        $_SESSION = [];
    }

    protected function tearDown(): void
    {
        Setting::setValue('ModuleDebugMode', '');
    }

    public function testLogActivityWritesTheLogAndFiresTheHook(): void
    {
        $hooked = [];
        add_hook('LogActivity', 1, function (array $vars) use (&$hooked) {
            $hooked[] = $vars;
            logActivity('logged from inside the LogActivity hook');
        });
        $_SESSION['adminid'] = 1;

        logActivity('activity line 4711', 2);

        $row = Capsule::table('tblactivitylog')->where('description', 'activity line 4711')->first();
        $this->assertSame(['admin', 2, 1], [$row->user, (int) $row->userid, (int) $row->admin_id]);
        $this->assertCount(1, $hooked, 'a call made from the hook does not re-enter it');
        $this->assertTrue(Capsule::table('tblactivitylog')->where('description', 'logged from inside the LogActivity hook')->exists());
        $this->assertSame(['description' => 'activity line 4711', 'user' => 'admin', 'userid' => 2, 'ipaddress' => ''], $hooked[0]);
    }

    public function testModuleLogOnlyWhileDebugModeIsOnAndMasksSecrets(): void
    {
        logModuleCall('harnesstest', 'off-call', 'request', 'response');
        $this->assertFalse(Capsule::table('tblmodulelog')->where('action', 'off-call')->exists());

        Setting::setValue('ModuleDebugMode', 'on');
        logModuleCall('harnesstest', 'on-call', ['user' => 'u', 'pass' => 'hunter2'], 'token=abc123 ok', ['parsed' => 'abc123'], ['hunter2', 'abc123', '']);

        $row = Capsule::table('tblmodulelog')->where('action', 'on-call')->first();
        $this->assertSame('harnesstest', $row->module);
        $this->assertStringContainsString('*******', $row->request);
        $this->assertStringNotContainsString('hunter2', $row->request);
        $this->assertSame('token=****** ok', $row->response);
        $this->assertStringNotContainsString('abc123', $row->arrdata);
    }
}
