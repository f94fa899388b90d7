<?php

use IpManager\Tests\Browser;
use IpManager\Tests\Harness;
use PHPUnit\Framework\TestCase;

/**
 * A missing or mismatched extension must never take WHMCS down: the admin
 * page explains the problem, hooks log it, activation reports it.
 */
final class RobustnessTest extends TestCase
{
    private ?Harness $harness = null;

    protected function tearDown(): void
    {
        $this->harness?->destroy();
    }

    public function testWithoutTheExtensionTheAdminPageSaysHowToFixItAndWhmcsKeepsWorking(): void
    {
        $this->harness = Harness::create('robust');
        $base = $this->harness->serve(false);
        $browser = new Browser($base);
        $browser->loginAdmin('admin', 'admin');

        $html = $browser->get('/admin/addonmodules.php?module=ipmanager');

        $this->assertSame(200, $browser->status);
        $problem = $this->problem($html);
        $this->assertStringContainsString('The ipmanager PHP extension is not loaded in this PHP', $problem);
        $this->assertStringContainsString('add "extension=ipmanager"', $problem);
        $this->assertStringContainsString('restart PHP-FPM or the web server', $problem);

        foreach (['/admin/index.php', '/admin/configaddonmods.php', '/index.php'] as $page) {
            $browser->get($page);
            $this->assertSame(200, $browser->status, $page);
        }
        $client = new Browser($base);
        $client->loginClient('client@example.test', 'client');
        $client->get('/index.php');
        $this->assertSame(200, $client->status);
    }

    public function testAVersionMismatchNamesBothVersions(): void
    {
        $this->harness = Harness::create('robust');
        // The root holds its own copy of the addon: only this root's PHP files change.
        $runtime = $this->harness->root . '/modules/addons/ipmanager/lib/Runtime.php';
        $source = (string) file_get_contents($runtime);
        file_put_contents($runtime, preg_replace("/const VERSION = '[^']+'/", "const VERSION = '0.0.1'", $source, 1, $replaced));
        $this->assertSame(1, $replaced);
        [, $extensionVersion] = $this->harness->php('echo ipmanager_version();');
        $browser = new Browser($this->harness->serve());
        $browser->loginAdmin('admin', 'admin');

        $html = $browser->get('/admin/addonmodules.php?module=ipmanager');

        $this->assertSame(200, $browser->status);
        $mismatch = "Version mismatch: the IP Manager PHP files are version 0.0.1 but the loaded ipmanager extension is version $extensionVersion.";
        $this->assertStringStartsWith($mismatch, $this->problem($html));
        $logged = $this->harness->pdo()->query("SELECT description FROM tblactivitylog WHERE description LIKE 'IP Manager upgrade failed%'")
            ->fetchAll(\PDO::FETCH_COLUMN);
        $this->assertCount(1, $logged, 'the upgrade the new version number triggered failed into the activity log, not onto the page');
        $this->assertStringStartsWith("IP Manager upgrade failed: $mismatch", $logged[0]);
    }

    public function testEveryHookRunsWithoutTheExtensionAndOnlyLogsTheProblem(): void
    {
        $this->harness = Harness::create('robust');

        [$exit, $out, $err] = $this->harness->php(<<<'PHP'
            preg_match_all("/add_hook\('(\w+)'/", file_get_contents(ROOTDIR . '/modules/addons/ipmanager/hooks.php'), $m);
            $_SESSION['uid'] = 1;
            $results = [];
            foreach (array_merge(array_unique($m[1]), ['DailyCronJob']) as $point) {
                $vars = str_ends_with($point, 'Sidebar')
                    ? new WHMCS\View\Menu\Item('Primary Sidebar')
                    : ['params' => ['serviceid' => 1, 'userid' => 1, 'customfields' => []], 'serviceid' => 1, 'id' => 1];
                $results[$point] = run_hook($point, $vars);
            }
            echo json_encode($results);
            PHP, false);

        $this->assertSame(0, $exit, $out . $err);
        $results = json_decode($out, true);
        $this->assertIsArray($results, $out . $err);
        $this->assertStringNotContainsString('Fatal', $err);
        $this->assertSame([[]], $results['PreModuleCreate'], 'provisioning goes on as if IP Manager were not installed');
        $this->assertGreaterThan(1, count($results), 'hooks.php registers hooks');
        $log = $this->harness->pdo()->query('SELECT description FROM tblactivitylog ORDER BY id')->fetchAll(\PDO::FETCH_COLUMN);
        $this->assertSame([], preg_grep('/^Hook Error/', $log), 'no hook threw');
        foreach (['PreModuleCreate', 'AfterModuleCreate', 'AdminClientServicesTabFields'] as $point) {
            $this->assertNotEmpty(
                preg_grep('/^' . preg_quote("IP Manager ($point): The ipmanager PHP extension is not loaded", '/') . '/', $log),
                "$point reports the missing extension"
            );
        }
    }

    public function testGuardHookLogsAMissingExtensionToTheActivityLogAndReturnsTheFallback(): void
    {
        $this->harness = Harness::create('robust');

        [$exit, $out, $err] = $this->harness->php(<<<'PHP'
            require_once ROOTDIR . '/modules/addons/ipmanager/lib/Runtime.php';
            $ran = false;
            $result = WHMCS\Module\Addon\Ipmanager\Runtime::guardHook('DailyCronJob', function () use (&$ran) { $ran = true; return 'ran'; }, 'fallback');
            echo json_encode([$result, $ran]);
            PHP, false);

        $this->assertSame(0, $exit, $err);
        $this->assertSame(['fallback', false], json_decode($out, true));
        $logged = $this->harness->pdo()->query("SELECT description FROM tblactivitylog WHERE description LIKE 'IP Manager%'")
            ->fetchAll(\PDO::FETCH_COLUMN);
        $this->assertCount(1, $logged);
        $this->assertStringStartsWith('IP Manager (DailyCronJob): The ipmanager PHP extension is not loaded', $logged[0]);
    }

    public function testActivatingWithoutTheExtensionReportsTheMissingExtension(): void
    {
        $this->harness = Harness::create('robust', ['activate' => false]);

        [$exit, $output] = $this->harness->tryAddon('activate', false);

        $this->assertSame(1, $exit);
        $this->assertStringStartsWith('ipmanager: activate error - The ipmanager PHP extension is not loaded', $output);
        $this->assertStringNotContainsString('Error:', $output, 'no PHP error such as a TypeError');
        $pdo = $this->harness->pdo();
        $this->assertSame([], $pdo->query("SELECT setting FROM tbladdonmodules WHERE module = 'ipmanager'")->fetchAll(\PDO::FETCH_COLUMN));
        $this->assertSame([], $pdo->query("SHOW TABLES LIKE 'mod\\_ipmanager\\_%'")->fetchAll(\PDO::FETCH_COLUMN));
    }

    private function problem(string $html): string
    {
        $this->assertMatchesRegularExpression('/<div[^>]*id="ipmanager-problem"/', $html);
        preg_match('#<p class="ipmanager-problem-message">(.*?)</p>#s', $html, $m);
        return html_entity_decode($m[1] ?? '', ENT_QUOTES);
    }
}
