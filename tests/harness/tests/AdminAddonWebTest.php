<?php

namespace HarnessTests;

use HarnessTests\Support\Browser;
use HarnessTests\Support\FixtureAddon;
use HarnessTests\Support\Fixtures;
use HarnessTests\Support\WebServer;
use HarnessTests\Support\WebTestCase;
use WHMCS\Database\Capsule;

/**
 * Setup > Addon Modules and the admin addon router over HTTP (whmcs-reference.md 1.2–1.6, 9.1,
 * 9.2), against a fixture addon. The tests build on each other in order: activate, use,
 * configure, upgrade, deactivate.
 */
final class AdminAddonWebTest extends WebTestCase
{
    private const MODULE = 'fixture_admin';
    private static WebServer $server;

    public static function setUpBeforeClass(): void
    {
        FixtureAddon::install(HARNESS_TEST_ROOT, self::MODULE);
        self::$server = self::serve(HARNESS_TEST_ROOT);
    }

    public static function tearDownAfterClass(): void
    {
        Capsule::table('tbladdonmodules')->where('module', self::MODULE)->delete();
        parent::tearDownAfterClass();
    }

    private function admin(string $username = 'admin'): Browser
    {
        $browser = new Browser(self::$server->baseUrl);
        $response = $browser->loginAdmin($username, $username);
        $this->assertSame(302, $response->status, $response->body);
        return $browser;
    }

    public function testLoginIsRequiredAndWrongPasswordsAreRejected(): void
    {
        $browser = new Browser(self::$server->baseUrl);
        $this->assertSame('login.php', $browser->get('/admin/addonmodules.php?module=' . self::MODULE)->location);
        $this->assertStringContainsString('Login Details Incorrect', $browser->loginAdmin('admin', 'wrong')->body);
        $this->assertSame('/admin/addonmodules.php?module=' . self::MODULE, $browser->loginAdmin('admin', 'admin')->location,
            'after login the admin returns to the page that asked for it');
    }

    public function testActivateStoresDefaultsVersionAndAccess(): void
    {
        $browser = $this->admin();
        $list = $browser->get('/admin/configaddonmods.php');
        $this->assertStringContainsString('Fixture &lt;' . self::MODULE . '&gt;', $list->body);

        $response = $browser->post('/admin/configaddonmods.php', ['module' => self::MODULE, 'action' => 'activate']);

        $this->assertSame('Fixture activated', $response->elementText('action-result'));
        $this->assertTrue(Fixtures::activityLogContains('fixture ' . self::MODULE . ' activate'));
        $this->assertSame([
            'access' => '1', 'apikey' => 'default-key', 'enabled' => 'on', 'mode' => 'safe', 'notes' => '', 'secret' => '',
            'size' => 'M', 'version' => '1.0',
        ], $this->settings());
    }

    /** @depends testActivateStoresDefaultsVersionAndAccess */
    public function testOutputSidebarAndVars(): void
    {
        $response = $this->admin()->get('/admin/addonmodules.php?module=' . self::MODULE);

        $this->assertSame(200, $response->status);
        $this->assertStringContainsString('<p id="fixture-sidebar">sidebar</p>', $response->body);
        $this->assertSame('autoloaded', $response->elementText('fixture-autoload'));
        $this->assertStringContainsString('href="addonmodules.php?module=' . self::MODULE . '"', $response->body, 'Addons menu entry');
        preg_match('/data-vars="([^"]*)"/', $response->body, $m);
        $vars = json_decode(html_entity_decode($m[1], ENT_QUOTES), true);
        $this->assertSame('addonmodules.php?module=' . self::MODULE, $vars['modulelink']);
        $this->assertSame('1.0', $vars['version']);
        $this->assertSame(['greeting' => 'Hello from the fixture'], $vars['_lang']);
        $this->assertSame('default-key', $vars['apikey']);
        $this->assertSame('on', $vars['enabled']);
        self::assertCleanLog(self::$server);
    }

    /** @depends testActivateStoresDefaultsVersionAndAccess */
    public function testAddonFormsGetTheTokenAndPostsWithoutItAreRejected(): void
    {
        $browser = $this->admin();
        $page = $browser->get('/admin/addonmodules.php?module=' . self::MODULE);
        $this->assertMatchesRegularExpression('/<form method="post"[^>]*><input type="hidden" name="token" value="[0-9a-f]+" \/>/', $page->body);

        $posted = $browser->post('/admin/addonmodules.php?module=' . self::MODULE, ['x' => '1']);
        $this->assertSame('posted', $posted->elementText('fixture-posted'));

        $forged = $browser->post('/admin/addonmodules.php?module=' . self::MODULE, ['x' => '1'], false);
        $this->assertSame(403, $forged->status);
        $this->assertStringContainsString('Invalid CSRF Protection Token', $forged->body);
        $this->assertStringNotContainsString('fixture-posted', $forged->body);
    }

    /** @depends testActivateStoresDefaultsVersionAndAccess */
    public function testRoleOutsideAccessIsDenied(): void
    {
        $support = $this->admin('support');

        $response = $support->get('/admin/addonmodules.php?module=' . self::MODULE);

        $this->assertSame(403, $response->status);
        $this->assertStringContainsString('Access Denied', $response->body);
        $this->assertStringNotContainsString('fixture-output', $response->body);
        $this->assertSame(403, $support->get('/admin/configaddonmods.php')->status, 'only full administrators configure addons');
    }

    /** @depends testRoleOutsideAccessIsDenied */
    public function testConfigureSavesFieldsAndAccessAndFiresTheHook(): void
    {
        $browser = $this->admin();
        $form = $browser->get('/admin/configaddonmods.php?configure=' . self::MODULE);
        $this->assertStringContainsString('name="fields[apikey]"', $form->body);
        $this->assertStringContainsString('<option value="safe" selected>Safe</option>', $form->body);

        $browser->post('/admin/configaddonmods.php?configure=' . self::MODULE, [
            'module' => self::MODULE, 'action' => 'save', 'access' => ['1', '2'],
            'fields' => ['apikey' => 'k-<b>', 'secret' => 'pw', 'mode' => 'fast', 'size' => 'L', 'notes' => "a\nb"],
        ]);

        $settings = $this->settings();
        $this->assertSame(['1,2', 'k-<b>', '', 'fast', 'L', 'pw'],
            [$settings['access'], $settings['apikey'], $settings['enabled'], $settings['mode'], $settings['size'], $settings['secret']]);
        $this->assertTrue(Fixtures::activityLogContains('fixture ' . self::MODULE . ' config saved'));
        $support = $this->admin('support')->get('/admin/addonmodules.php?module=' . self::MODULE);
        $this->assertSame(200, $support->status);
        $this->assertStringContainsString('k-&lt;b&gt;', $this->admin()->get('/admin/configaddonmods.php?configure=' . self::MODULE)->body);
    }

    /** @depends testConfigureSavesFieldsAndAccessAndFiresTheHook */
    public function testVersionChangeRunsUpgradeOnce(): void
    {
        FixtureAddon::install(HARNESS_TEST_ROOT, self::MODULE, '1.1');
        $browser = $this->admin();

        $browser->get('/admin/addonmodules.php?module=' . self::MODULE);
        $browser->get('/admin/addonmodules.php?module=' . self::MODULE);

        $this->assertSame('1.1', $this->settings()['version']);
        $this->assertSame(1, Capsule::table('tblactivitylog')->where('description', 'fixture ' . self::MODULE . ' upgrade from 1.0')->count());
    }

    /** @depends testVersionChangeRunsUpgradeOnce */
    public function testThrowingHooksFileDoesNotBreakPagesAndIsLogged(): void
    {
        FixtureAddon::install(HARNESS_TEST_ROOT, self::MODULE, '1.1', "<?php\nthrow new RuntimeException('hooks file exploded');\n");

        $response = $this->admin()->get('/admin/index.php');

        $this->assertSame(200, $response->status);
        $this->assertTrue(Fixtures::activityLogContains('modules/addons/' . self::MODULE . '/hooks.php threw RuntimeException: hooks file exploded'));
        FixtureAddon::install(HARNESS_TEST_ROOT, self::MODULE, '1.1');
    }

    /** @depends testVersionChangeRunsUpgradeOnce */
    public function testServicePageShowsAndSavesHookFields(): void
    {
        $ids = Fixtures::service(['assignedips' => '192.0.2.30']);
        $hooks = <<<'PHP'
<?php
add_hook('AdminClientServicesTabFields', 1, function (array $vars) {
    return ['Fixture IP Pool' => '<input type="text" name="fixturepool" value="pool-' . (int) $vars['id'] . '">'];
});
add_hook('AdminClientServicesTabFieldsSave', 1, function (array $vars) {
    logActivity('fixture tab save ' . $vars['fixturepool']);
});
add_hook('AdminServiceEdit', 1, function (array $vars) {
    logActivity('fixture service edit ' . $vars['serviceid'] . ' user ' . $vars['userid']);
});
PHP;
        FixtureAddon::install(HARNESS_TEST_ROOT, self::MODULE, '1.1', $hooks);
        $browser = $this->admin();

        $page = $browser->get('/admin/clientsservices.php?id=' . $ids['service']);
        $this->assertStringContainsString('Fixture IP Pool', $page->body);
        $this->assertStringContainsString('value="pool-' . $ids['service'] . '"', $page->body);

        $saved = $browser->post('/admin/clientsservices.php?id=' . $ids['service'], [
            'action' => 'save', 'domainstatus' => 'Active', 'domain' => 'edited.example.test', 'username' => 'vpsuser',
            'dedicatedip' => '192.0.2.31', 'assignedips' => "192.0.2.32\r\n192.0.2.33", 'notes' => '', 'fixturepool' => 'pool-b',
        ]);

        $this->assertSame('Changes Saved Successfully!', $saved->elementText('action-result'));
        $service = Capsule::table('tblhosting')->where('id', $ids['service'])->first();
        $this->assertSame(['Active', 'edited.example.test', '192.0.2.31', "192.0.2.32\n192.0.2.33"],
            [$service->domainstatus, $service->domain, $service->dedicatedip, $service->assignedips]);
        $this->assertTrue(Fixtures::activityLogContains('fixture tab save pool-b'));
        $this->assertTrue(Fixtures::activityLogContains('fixture service edit ' . $ids['service'] . ' user ' . $ids['client']));

        $command = $browser->post('/admin/clientsservices.php?id=' . $ids['service'], ['action' => 'module', 'command' => 'Suspend']);
        $this->assertSame('Module Command Successful', $command->elementText('action-result'));
        $this->assertSame('Suspended', Capsule::table('tblhosting')->where('id', $ids['service'])->value('domainstatus'));
        FixtureAddon::install(HARNESS_TEST_ROOT, self::MODULE, '1.1');
    }

    /** @depends testServicePageShowsAndSavesHookFields */
    public function testDeactivateRemovesTheSettings(): void
    {
        $response = $this->admin()->post('/admin/configaddonmods.php', ['module' => self::MODULE, 'action' => 'deactivate']);

        $this->assertSame('Fixture deactivated', $response->elementText('action-result'));
        $this->assertSame([], $this->settings());
        $this->assertTrue(Fixtures::activityLogContains('fixture ' . self::MODULE . ' deactivate'));
        $this->assertSame(404, $this->admin()->get('/admin/addonmodules.php?module=' . self::MODULE)->status);
    }

    private function settings(): array
    {
        $settings = Capsule::table('tbladdonmodules')->where('module', self::MODULE)->pluck('value', 'setting')->all();
        ksort($settings);
        return $settings;
    }
}
