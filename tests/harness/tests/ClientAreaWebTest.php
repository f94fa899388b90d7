<?php

namespace HarnessTests;

use HarnessTests\Support\Browser;
use HarnessTests\Support\FixtureAddon;
use HarnessTests\Support\Roots;
use HarnessTests\Support\WebServer;
use HarnessTests\Support\WebTestCase;
use WHMCS\Database\Capsule;

/**
 * The client addon router index.php?m=NAME (whmcs-reference.md 1.5, 6.3, 9.3) rendered by
 * Smarty 3 and by Smarty 4: one root per version, both on the test database.
 */
final class ClientAreaWebTest extends WebTestCase
{
    private const MODULE = 'fixture_client';
    /** @var array<string, WebServer> Smarty version => server */
    private static array $servers = [];

    public static function setUpBeforeClass(): void
    {
        foreach (['3', '4'] as $version) {
            $root = Roots::create('client-smarty' . $version, ['--smarty=' . $version]);
            FixtureAddon::install($root, self::MODULE);
            self::$servers[$version] = self::serve($root);
        }
        Roots::run([PHP_BINARY, Roots::harnessDir() . '/bin/addon.php', '--root=' . $root, 'activate', self::MODULE]);
    }

    public static function tearDownAfterClass(): void
    {
        Capsule::table('tbladdonmodules')->where('module', self::MODULE)->delete();
        parent::tearDownAfterClass();
    }

    public static function smartyVersions(): array
    {
        return ['Smarty 3' => ['3', '3.1.'], 'Smarty 4' => ['4', '4.']];
    }

    /** @dataProvider smartyVersions */
    public function testRequireLoginRedirectsAndReturnsAfterLogin(string $version): void
    {
        $browser = new Browser(self::$servers[$version]->baseUrl);

        $this->assertSame('login.php', $browser->get('/index.php?m=' . self::MODULE)->location);
        $this->assertStringContainsString('Login Details Incorrect', $browser->loginClient('client@example.test', 'wrong')->body);
        $this->assertSame('/index.php?m=' . self::MODULE, $browser->loginClient('client@example.test', 'client')->location);
    }

    /** @dataProvider smartyVersions */
    public function testTemplateRendersWithStandardVarsHooksAndSidebar(string $version, string $versionPrefix): void
    {
        $server = self::$servers[$version];
        $browser = new Browser($server->baseUrl);
        $browser->loginClient('client@example.test', 'client');

        $page = $browser->get('/index.php?m=' . self::MODULE);

        $this->assertSame(200, $page->status);
        $this->assertStringStartsWith($versionPrefix, $page->elementText('smarty-version'));
        $this->assertStringContainsString('<p id="unsafe">&lt;script&gt;x&lt;/script&gt;</p>', $page->body);
        $this->assertSame('Hello from the fixture', $page->elementText('greeting'));
        $this->assertSame('Harness Hosting', $page->elementText('company'));
        $this->assertSame('client@example.test', $page->elementText('client-email'));
        $this->assertMatchesRegularExpression('/^[0-9a-f]{40}$/', $page->elementText('token'));
        $this->assertSame('from-hook index.php?m=' . self::MODULE, $page->elementText('hooked'));
        $this->assertStringContainsString('<title>Fixture Page - Harness Hosting</title>', $page->body);
        $this->assertStringContainsString('menuItemName="fixturePanel"', $page->body);
        $this->assertStringContainsString('href="index.php?m=' . self::MODULE . '" class="list-group-item list-group-item-action">Fixture Link</a>', $page->body);
        $this->assertStringContainsString('<div class="alert alert-success">', $page->body);
        $this->assertStringContainsString('/assets/vendor/bootstrap4/css/bootstrap.min.css', $page->body, 'Twenty-One by default');
        self::assertCleanLog($server);
    }

    /** @dataProvider smartyVersions */
    public function testSixThemeAndModuleRootTemplateAndPublicPages(string $version): void
    {
        $server = self::$servers[$version];
        $browser = new Browser($server->baseUrl);

        $public = $browser->get('/index.php?m=' . self::MODULE . '&page=public&systpl=six');
        $this->assertSame(200, $public->status);
        $this->assertStringContainsString('/assets/vendor/bootstrap3/css/bootstrap.min.css', $public->body);
        $this->assertStringContainsString('class="panel panel-sidebar panel-default"', $public->body);
        $this->assertSame('', $public->elementText('client-email'));

        $root = $browser->get('/index.php?m=' . self::MODULE . '&page=root');
        $this->assertSame('login.php', $root->location);
        $browser->loginClient('other@example.test', 'other');
        $rootTemplate = $browser->get('/index.php?m=' . self::MODULE . '&page=root');
        $this->assertSame('template from the module root', $rootTemplate->elementText('fixture-rootpage'));
        $this->assertStringContainsString('bootstrap3', $rootTemplate->body, '?systpl sticks for the session');
        self::assertCleanLog($server);
    }

    public function testUnknownOrInactiveModuleIsNotFound(): void
    {
        $browser = new Browser(self::$servers['4']->baseUrl);

        $this->assertSame(404, $browser->get('/index.php?m=no_such_module')->status);
        $this->assertSame(404, $browser->get('/index.php?m=../../etc')->status);
    }

    public function testClientLoginRequiresTheToken(): void
    {
        $browser = new Browser(self::$servers['4']->baseUrl);
        $browser->get('/login.php');

        $response = $browser->post('/login.php', ['username' => 'client@example.test', 'password' => 'client', 'token' => 'forged']);

        $this->assertSame(200, $response->status);
        $this->assertStringContainsString('Invalid CSRF Protection Token', $response->body);
        $this->assertSame('login.php', $browser->get('/index.php?m=' . self::MODULE)->location);
    }
}
