<?php

use IpManager\Tests\Browser;
use IpManager\Tests\Harness;
use IpManager\Tests\Process;
use PHPUnit\Framework\TestCase;

/**
 * Usage alerts, the IP Cleaner and log retention as WHMCS runs them (guide
 * §15, §19): the cron script from the WHMCS root, the DailyCronJob hook, and
 * the Settings page; mail through WHMCS (localAPI SendAdminEmail, recorded by
 * the harness) and through a real SMTP server on 127.0.0.1 (aiosmtpd).
 *
 * Fixture: 192.0.2.0/29 stored with no reservations (8 usable addresses);
 * services 201–204 of client 1; the module threshold is 35%, so the third
 * assigned address (37.5%) crosses it.
 */
final class ScheduledTasksTest extends TestCase
{
    use \IpManager\Tests\ReadsHtml;

    private const ADMIN = ['admin_id' => 1];
    private const SCRIPT = 'modules/addons/ipmanager/cron/usage_alerts.php';

    private Harness $harness;
    private \PDO $pdo;
    private int $subnet;
    /** @var resource|null */
    private $sink = null;
    private string $sinkDir = '';

    protected function setUp(): void
    {
        $this->harness = Harness::create('tasks');
        $this->pdo = $this->harness->pdo();
        $this->pdo->exec("SET SESSION sql_mode = ''");
        $this->pdo->exec("INSERT INTO tblproducts (id, type, gid, name, slug, description, paytype, servertype, tagline)
                          VALUES (50, 'server', 1, 'VPS', 'vps', '', 'recurring', 'sampleserver', '')");
        foreach ([201, 202, 203, 204] as $id) {
            $this->pdo->exec("INSERT INTO tblhosting (id, userid, packageid, server, domain, domainstatus, regdate, dedicatedip, assignedips)
                              VALUES ($id, 1, 50, 0, 's$id.test', 'Active', CURDATE(), '', '')");
        }
        $this->subnet = (int) $this->harness->call('ipmanager_subnet_save', self::ADMIN, [
            'name' => 'Edge', 'cidr' => '192.0.2.0/29', 'store_free_ips' => 'on',
        ])['id'];
        $this->setting('usage_alert_threshold', '35');
    }

    protected function tearDown(): void
    {
        if ($this->sink !== null) {
            proc_terminate($this->sink);
            proc_close($this->sink);
        }
        $this->harness->destroy();
    }

    public function testTheScriptExplainsItselfAndRefusesWrongUsage(): void
    {
        [$exit, $out] = $this->cron('--help');
        $this->assertSame(0, $exit);
        $this->assertStringContainsString('--task=NAME   run only this task: alerts, cleaner or logs', $out);
        $this->assertStringContainsString('--dry-run', $out);
        $this->assertStringContainsString('--force', $out);

        [$exit, , $err] = $this->cron('--task=backup');
        $this->assertSame(2, $exit);
        $this->assertStringContainsString('Unknown task "backup": use alerts, cleaner or logs.', $err);
        [$exit, , $err] = $this->cron('--verbose');
        $this->assertSame(2, $exit);
        $this->assertStringContainsString('Unknown option: --verbose', $err);
    }

    public function testAnAlertIsMailedOncePerCrossingAndReArmedBelowTheThreshold(): void
    {
        $this->assign(201);
        $this->assign(202);
        [$exit, $out] = $this->cron('--task=alerts');
        $this->assertSame(0, $exit, $out);
        $this->assertStringContainsString("[alerts] DONE\n", $out);
        $this->assertStringContainsString('No new crossing; no alert to send.', $out);
        $this->assertSame([], $this->adminEmails());

        $third = $this->assign(203);
        [, $out] = $this->cron('--task=alerts --dry-run');
        $this->assertStringContainsString('[alerts] DRY RUN', $out);
        $this->assertStringContainsString('Would alert: Subnet Edge (192.0.2.0/29) is 37.5% used, threshold 35%.', $out);
        $this->assertSame([], $this->adminEmails(), 'a dry run sends nothing');

        [, $out] = $this->cron('--task=alerts');
        $this->assertStringContainsString('[alerts] SKIPPED', $out);
        $this->assertStringContainsString('Usage alerts already ran today', $out);

        [$exit, $out] = $this->cron('--task=alerts --force');
        $this->assertSame(0, $exit, $out);
        $this->assertStringContainsString('Alert: Subnet Edge (192.0.2.0/29) is 37.5% used, threshold 35%.', $out);
        $this->assertStringContainsString("Alert sent to WHMCS's administrators who receive system emails (SendAdminEmail).", $out);
        $mails = $this->adminEmails();
        $this->assertCount(1, $mails);
        $this->assertSame('[IP Manager] subnet Edge is 37.5% used', $mails[0]['customsubject']);
        $this->assertSame('system', $mails[0]['type']);
        $this->assertStringContainsString('<td style="border:1px solid #ccc;padding:4px 8px;text-align:left">192.0.2.0/29</td>', $mails[0]['custommessage']);

        [, $out] = $this->cron('--task=alerts --force');
        $this->assertStringContainsString('Still above the threshold, alerted before: Subnet Edge (192.0.2.0/29) 37.5%.', $out);
        $this->assertCount(1, $this->adminEmails(), 'a full subnet does not mail every night');

        $this->harness->call('ipmanager_assignment_unassign', self::ADMIN, ['service_id' => 203, 'address_id' => $third]);
        [, $out] = $this->cron('--task=alerts --force');
        $this->assertStringContainsString('Re-armed (back below the threshold): Subnet Edge (192.0.2.0/29) 25.0%.', $out);

        $this->assign(204);
        $this->cron('--task=alerts --force');
        $this->assertCount(2, $this->adminEmails(), 'crossing again alerts again');
        $this->assertSame(['1'], $this->column("SELECT alerted FROM mod_ipmanager_usage_alerts WHERE scope = 'subnet'"));
    }

    public function testTheCleanerReportsOrFreesWhatWhmcsNoLongerLists(): void
    {
        $this->assign(201);
        $this->assign(202);
        $stale = $this->column("SELECT dedicatedip FROM tblhosting WHERE id = 202")[0];
        $this->pdo->exec("UPDATE tblhosting SET dedicatedip = '198.51.100.9' WHERE id = 202");

        [$exit, $out] = $this->cron('--task=cleaner');
        $this->assertSame(0, $exit);
        $this->assertStringContainsString('[cleaner] SKIPPED', $out);
        $this->assertStringContainsString('IP Cleaner is disabled: set IP Cleaner Enabled under Setup > Addon Modules > IP Manager > Configure', $out);

        [, $out] = $this->cron('--task=cleaner --dry-run');
        $this->assertStringContainsString('IP Cleaner (Notify only, dry run): 1 assignments no longer match', $out);
        $this->assertStringContainsString("$stale on service #202 (VPS, client #1): reported", $out);

        $this->setting('ip_cleaner_enabled', 'on');
        [, $out] = $this->cron('--task=cleaner');
        $this->assertStringContainsString('[cleaner] DONE', $out);
        $mails = $this->adminEmails();
        $this->assertSame('[IP Manager] IP Cleaner: 1 address no longer in WHMCS', $mails[0]['customsubject']);
        $this->assertStringContainsString('Nothing was changed (behavior: Notify only)', $mails[0]['custommessage']);
        $this->assertSame(2, (int) $this->column('SELECT COUNT(*) FROM mod_ipmanager_assignments')[0]);

        $this->setting('ip_cleaner_behavior', 'mark_free');
        [, $out] = $this->cron('--task=cleaner --force');
        $this->assertStringContainsString("$stale on service #202 (VPS, client #1): unassigned, free", $out);
        $this->assertStringContainsString('1 unassigned, 0 failed.', $out);
        $this->assertSame(['201'], $this->column('SELECT service_id FROM mod_ipmanager_assignments'));
        $this->assertSame(['free'], $this->column("SELECT status FROM mod_ipmanager_ip_addresses WHERE ip = '$stale'"));
        $this->assertSame(['198.51.100.9'], $this->column('SELECT dedicatedip FROM tblhosting WHERE id = 202'), "the operator's address stays");
        $this->assertSame(['cleaner_freed'], $this->column("SELECT action FROM mod_ipmanager_logs WHERE ip = '$stale' AND action LIKE 'cleaner%'"));

        // The Settings page offers the kept report as a CSV download.
        $browser = new Browser($this->harness->serve());
        $browser->loginAdmin();
        $html = $browser->get('/admin/addonmodules.php?module=ipmanager&action=settings');
        $runId = $this->attributes($html, '//table[@id="ipmanager-task-runs"]//input[@name="run_id"]', 'value')[0];
        $csv = $browser->post('/admin/addonmodules.php?module=ipmanager&action=task_report', ['token' => Browser::token($html), 'run_id' => $runId]);
        $this->assertStringStartsWith("IP address,Subnet,Service ID,Status,Client ID,Client,Product,WHMCS dedicated IP,WHMCS assigned IPs,Action\n$stale,192.0.2.0/29,202,Active,1,", $csv);
        $this->assertStringEndsWith(",VPS,198.51.100.9,,\"unassigned, free\"\n", $csv);
    }

    public function testTwoRunsAtOnceOneWorksTheOtherSaysSoAndStops(): void
    {
        // The first run takes the task and then waits on a table this test holds.
        $lock = $this->harness->pdo();
        $lock->exec('LOCK TABLES mod_ipmanager_subnets WRITE');
        $first = proc_open(array_merge(Process::phpArgs(), [self::SCRIPT, '--task=alerts']), [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, $this->harness->root);
        $deadline = microtime(true) + 20;
        while ($this->column("SELECT lock_owner FROM mod_ipmanager_task_runs WHERE task = 'alerts'") === [] || $this->column("SELECT lock_owner FROM mod_ipmanager_task_runs WHERE task = 'alerts'")[0] === '') {
            $this->assertLessThan($deadline, microtime(true), 'the first run never took the task');
            usleep(50_000);
        }

        [$exit, $out] = $this->cron('--task=alerts --force');
        $this->assertSame(0, $exit);
        $this->assertStringContainsString('[alerts] SKIPPED', $out);
        $this->assertStringContainsString('Usage alerts is already running (started ', $out);

        $lock->exec('UNLOCK TABLES');
        $firstOut = stream_get_contents($pipes[1]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $this->assertSame(0, proc_close($first));
        $this->assertStringContainsString('[alerts] DONE', $firstOut);
        $this->assertSame([''], $this->column("SELECT lock_owner FROM mod_ipmanager_task_runs WHERE task = 'alerts'"), 'the lease is given back');
    }

    public function testDailyCronJobAndTheScriptShareTheDay(): void
    {
        $this->assign(201);
        $this->assign(202);
        $this->assign(203);
        $this->setting('ip_cleaner_enabled', 'on');
        [$exit, $out, $err] = Process::run(array_merge(Process::phpArgs(), ['-q', 'crons/cron.php']), $this->harness->root);
        $this->assertSame([0, "Cron run complete.\n"], [$exit, $out], $err);
        $this->assertCount(1, $this->adminEmails(), 'the daily run alerted');

        [$exit, $out] = $this->cron();
        $this->assertSame(0, $exit, $out);
        $this->assertStringContainsString("[alerts] SKIPPED\n  Usage alerts already ran today", $out);
        $this->assertStringContainsString("[cleaner] SKIPPED\n  IP Cleaner already ran today", $out);
        $this->assertStringContainsString("[logs] SKIPPED\n  Log retention already ran today", $out);
        $this->assertSame(
            [['alerts', 'daily cron', 'done'], ['cleaner', 'daily cron', 'done'], ['logs', 'daily cron', 'done']],
            $this->pdo->query('SELECT task, trigger_source, outcome FROM mod_ipmanager_task_history ORDER BY id')->fetchAll(\PDO::FETCH_NUM)
        );
    }

    public function testTheDailyHookLogsInsteadOfBreakingWhenTheExtensionIsMissing(): void
    {
        [$exit, $out, $err] = $this->harness->php("run_hook('DailyCronJob', []); echo 'still running';", false);
        $this->assertSame([0, 'still running'], [$exit, $out], $err);
        $this->assertStringContainsString('IP Manager (DailyCronJob): The ipmanager PHP extension is not loaded',
            $this->column("SELECT description FROM tblactivitylog ORDER BY id DESC LIMIT 1")[0]);
        [$exit, , $err] = Process::run(array_merge(Process::phpArgs(false), [self::SCRIPT]), $this->harness->root);
        $this->assertSame(1, $exit);
        $this->assertStringContainsString('IP Manager cannot run: The ipmanager PHP extension is not loaded', $err);
    }

    public function testSmtpDeliversTheReportWithItsCsvToTheAdminAndTheExtraRecipients(): void
    {
        $port = $this->startSink('--auth', 'ipm:s3cret');
        $this->saveSettings([
            'mail_transport' => 'smtp', 'smtp_host' => '127.0.0.1', 'smtp_port' => (string) $port, 'smtp_security' => 'none',
            'smtp_username' => 'ipm', 'smtp_password' => 's3cret', 'smtp_from' => 'IP Manager <ipm@example.test>',
            'alert_recipients' => "noc@example.test\nADMIN@example.test",
        ]);
        $stored = $this->column("SELECT value FROM mod_ipmanager_settings WHERE name = 'smtp_password'")[0];
        $this->assertNotSame('s3cret', $stored, "stored encrypted with WHMCS's key");

        $this->assign(201);
        $this->pdo->exec("UPDATE tblhosting SET dedicatedip = '' WHERE id = 201");
        $this->setting('ip_cleaner_enabled', 'on');
        [$exit, $out] = $this->cron('--task=cleaner');
        $this->assertSame(0, $exit, $out);
        $this->assertMatchesRegularExpression('/Report sent to admin@example\.test, noc@example\.test via SMTP server 127\.0\.0\.1:\d+/', $out);

        $message = $this->sunk(1)[0];
        $this->assertSame(['admin@example.test', 'noc@example.test'], $message['rcpt_tos']);
        $this->assertSame('[IP Manager] IP Cleaner: 1 address no longer in WHMCS', $message['subject']);
        $this->assertSame('ipm', $message['auth_login']);
        $this->assertStringContainsString('on service #201 (VPS, client #1 Carla Client): reported', $message['text']);
        $this->assertSame('ipmanager_ip_cleaner_' . date('Y-m-d') . '.csv', $message['attachments'][0]['filename']);
        $this->assertSame('text/csv', $message['attachments'][0]['content_type']);
        $csv = hex2bin($message['attachments'][0]['content_hex']);
        $this->assertStringStartsWith("IP address,Subnet,Service ID,", $csv);
        $this->assertStringContainsString(',201,Active,1,', $csv);
        $eml = file_get_contents($this->sinkDir . '/0001.eml');
        $this->assertStringContainsString('From: "IP Manager" <ipm@example.test>', $eml);
        $this->assertSame([], $this->adminEmails(), 'nothing went through WHMCS mail');
    }

    public function testARefusedLoginOrAnUnreachableServerIsALoggedFailureNotACrash(): void
    {
        $port = $this->startSink('--auth', 'ipm:right');
        $this->saveSettings([
            'mail_transport' => 'smtp', 'smtp_host' => '127.0.0.1', 'smtp_port' => (string) $port, 'smtp_security' => 'none',
            'smtp_username' => 'ipm', 'smtp_password' => 'wrong', 'smtp_from' => 'ipm@example.test', 'alert_recipients' => '',
        ]);
        $this->assign(201);
        $this->assign(202);
        $this->assign(203);
        [$exit, $out] = $this->cron('--task=alerts');
        $this->assertSame(1, $exit, $out);
        $this->assertStringContainsString('[alerts] FAILED', $out);
        $this->assertMatchesRegularExpression('/Alert not sent: .*refused the login.* The next run tries again\./', $out);
        $this->assertSame(['0'], $this->column("SELECT alerted FROM mod_ipmanager_usage_alerts WHERE scope = 'subnet'"), 'retried next time');
        $this->assertSame([], $this->sunk(0));

        $closed = Process::freePort();
        $this->saveSettings([
            'mail_transport' => 'smtp', 'smtp_host' => '127.0.0.1', 'smtp_port' => (string) $closed, 'smtp_security' => 'none',
            'smtp_username' => '', 'smtp_password' => '', 'smtp_from' => 'ipm@example.test', 'alert_recipients' => '',
        ]);
        $started = microtime(true);
        [$exit, $out] = $this->cron('--task=alerts');
        $this->assertSame(1, $exit);
        $this->assertLessThan(20, microtime(true) - $started);
        $this->assertMatchesRegularExpression('/Alert not sent: .*127\.0\.0\.1:' . $closed . '/', $out);
        $this->assertCount(2, $this->column("SELECT id FROM mod_ipmanager_logs WHERE action = 'task_run' AND details LIKE 'Usage alerts (cron script): failed.%'"));
    }

    public function testTheSettingsPageRunsTasksAndShowsTheCronCommandAndLastRuns(): void
    {
        $browser = new Browser($this->harness->serve());
        $browser->loginAdmin();
        $html = $browser->get('/admin/addonmodules.php?module=ipmanager&action=settings');
        $this->assertSame(['0 9 * * * cd ' . $this->harness->root . ' && php -q modules/addons/ipmanager/cron/usage_alerts.php'],
            $this->texts($html, '//pre[@id="ipmanager-cron-command"]'));
        $this->assertCount(1, $this->nodes($html, '//button[@id="ipmanager-run-cleaner"][@disabled]'), 'the cleaner is off');
        $this->assertStringContainsString('Turn on "IP Cleaner Enabled"', $this->texts($html, '//*[@id="ipmanager-cleaner-disabled"]')[0]);
        $this->assertSame(['No task has run yet.'], $this->texts($html, '//*[@id="ipmanager-no-runs"]'));

        $this->assign(201);
        $this->assign(202);
        $this->assign(203);
        $after = $browser->post('/admin/addonmodules.php?module=ipmanager&action=task_run', ['token' => Browser::token($html), 'task' => 'alerts']);
        $flash = $this->texts($after, '//*[contains(@class,"ipmanager-flash")]')[0];
        $this->assertStringContainsString('Alert: Subnet Edge (192.0.2.0/29) is 37.5% used', $flash);
        $this->assertSame(['alerts'], $this->attributes($after, '//table[@id="ipmanager-task-runs"]//tr[@data-task]', 'data-task'));
        $this->assertSame(['admin'], $this->texts($after, '//table[@id="ipmanager-task-runs"]//tr[@data-task]/td[4]'));
        $this->assertCount(1, $this->adminEmails());

        // A bad SMTP form keeps what was typed and names each field.
        $form = $browser->post('/admin/addonmodules.php?module=ipmanager&action=settings', [
            'token' => Browser::token($after), 'terminate_policy' => 'release', 'cooldown_hours' => '0',
            'extra_ips_option' => 'ipmanager_extra_ips', 'mail_transport' => 'smtp', 'smtp_host' => 'smtp://mail',
            'smtp_port' => '99999', 'smtp_security' => 'starttls', 'smtp_username' => '', 'smtp_password' => '',
            'smtp_from' => 'not an address', 'alert_recipients' => 'x@', 'log_retention_days' => '30',
        ]);
        $this->assertCount(4, $this->nodes($form, '//*[contains(@class,"has-error")]'), 'host, port, sender, recipients');
        $this->assertSame(['smtp://mail'], $this->attributes($form, '//input[@name="smtp_host"]', 'value'));
        $this->assertSame([], $this->column("SELECT value FROM mod_ipmanager_settings WHERE name = 'mail_transport'"), 'nothing saved');

        $tested = $browser->post('/admin/addonmodules.php?module=ipmanager&action=settings_test_email', ['token' => Browser::token($form)]);
        $this->assertSame(["Test email sent to WHMCS's administrators who receive system emails (SendAdminEmail)."],
            $this->texts($tested, '//*[contains(@class,"ipmanager-flash")]'));
        $this->assertSame('[IP Manager] Test email', $this->adminEmails()[1]['customsubject']);
    }

    // --- helpers -------------------------------------------------------------------

    /** Runs the cron script from the WHMCS root; returns [exit, stdout, stderr]. */
    private function cron(string $arguments = ''): array
    {
        $args = array_merge(Process::phpArgs(), [self::SCRIPT], $arguments === '' ? [] : explode(' ', $arguments));
        return Process::run($args, $this->harness->root);
    }

    private function setting(string $name, string $value): void
    {
        $this->pdo->prepare("DELETE FROM tbladdonmodules WHERE module = 'ipmanager' AND setting = ?")->execute([$name]);
        $this->pdo->prepare("INSERT INTO tbladdonmodules (module, setting, value) VALUES ('ipmanager', ?, ?)")->execute([$name, $value]);
    }

    /** Assigns the subnet's lowest free address to a service; returns its address row id. */
    private function assign(int $service): int
    {
        $this->harness->call('ipmanager_assignment_assign', self::ADMIN, ['service_id' => $service, 'subnet_id' => $this->subnet]);
        return (int) $this->column("SELECT ip_address_id FROM mod_ipmanager_assignments WHERE service_id = $service ORDER BY id DESC LIMIT 1")[0];
    }

    private function saveSettings(array $mail): void
    {
        $this->harness->call('ipmanager_settings_save', self::ADMIN, $mail + [
            'terminate_policy' => 'release', 'cooldown_hours' => '0', 'extra_ips_option' => 'ipmanager_extra_ips', 'log_retention_days' => '0',
        ]);
    }

    /** SendAdminEmail calls the harness recorded, oldest first. */
    private function adminEmails(): array
    {
        return array_map(static fn ($p) => json_decode($p, true),
            $this->column("SELECT params FROM harness_emails WHERE command = 'SendAdminEmail' ORDER BY id"));
    }

    private function column(string $sql): array
    {
        return array_map('strval', $this->pdo->query($sql)->fetchAll(\PDO::FETCH_COLUMN));
    }

    /** Starts the SMTP sink on a free 127.0.0.1 port with extra arguments; returns the port. */
    private function startSink(string ...$arguments): int
    {
        $port = Process::freePort();
        $this->sinkDir = $this->harness->root . '/smtp-sink';
        $python = getenv('IPMANAGER_PYTHON') ?: (is_file('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
        $command = array_merge([$python, Process::repoRoot() . '/tests/support/smtp_sink.py', '--dir', $this->sinkDir, '--port', (string) $port, '--max-seconds', '120'], $arguments);
        $this->sink = proc_open($command, [0 => ['pipe', 'r'], 1 => ['file', $this->harness->root . '/smtp-sink.log', 'a'], 2 => ['file', $this->harness->root . '/smtp-sink.log', 'a']], $pipes);
        Process::waitForPort($port);
        return $port;
    }

    /** The messages the sink accepted, waiting briefly for $expected of them. */
    private function sunk(int $expected): array
    {
        $deadline = microtime(true) + 5;
        do {
            $files = glob($this->sinkDir . '/*.json') ?: [];
            if (count($files) >= $expected) {
                break;
            }
            usleep(50_000);
        } while (microtime(true) < $deadline);
        sort($files);
        return array_map(static fn ($f) => json_decode(file_get_contents($f), true), $files);
    }
}
