<?php

use IpManager\Tests\Harness;
use IpManager\Tests\Process;
use PHPUnit\Framework\TestCase;

/**
 * Every admin template, rendered as Admin\Controller::render() and
 * View::render() do: inside admin/layout.tpl (the service panel on its own,
 * as its hook renders it), with data the real ipmanager_* functions returned
 * for stored IPv4 and IPv6 subnets, pools, a configuration, an assignment and
 * a reservation; under Smarty 3.1 and Smarty 4, each in its own PHP process.
 */
final class TemplateRenderTest extends TestCase
{
    private const XSS = '<script>alert("ipm")</script>';
    private const LAYOUT = 'admin/layout.tpl';

    /** @var array<string, array> case name => template, the variables its renderer assigns, and for forms the fields with errors */
    private static array $cases;

    public static function setUpBeforeClass(): void
    {
        $harness = Harness::create('tpl');
        try {
            $pdo = $harness->pdo();
            $pdo->exec("SET SESSION sql_mode = ''");
            $pdo->exec("INSERT INTO tblhosting (id, userid, packageid, domain) VALUES (5, 1, 1, 'shop.example.net')");
            $pdo->prepare('INSERT INTO tblproducts (id, name) VALUES (1, ?)')->execute(['VPS ' . self::XSS]);
            $pdo->exec("INSERT INTO tblservers (id, name, hostname) VALUES (1, 'node1', 'node1.example.net')");
            self::$cases = self::cases($harness->extension(self::DATA_SCRIPT));
        } finally {
            $harness->destroy();
        }
    }

    /** Builds the data with the extension, the way each admin route does. */
    private const DATA_SCRIPT = <<<'PHP'
        $admin = ['admin_id' => 1];
        $xss = '<script>alert("ipm")</script>';
        $v4 = ipmanager_subnet_save($admin, ['name' => "Frankfurt $xss", 'cidr' => '79.133.56.0/24', 'gateway' => '79.133.56.1',
            'reserve_network' => 'on', 'reserve_broadcast' => 'on', 'reserve_gateway' => 'on', 'store_free_ips' => 'on',
            'excluded_ips' => "79.133.56.250-79.133.56.254", 'alert_threshold' => '90', 'description' => "Rack 7 $xss"])['id'];
        $v6 = ipmanager_subnet_save($admin, ['name' => 'Frankfurt v6', 'cidr' => '2001:db8::/48', 'reserve_network' => 'on'])['id'];
        $child = ipmanager_subnet_save($admin, ['name' => 'Rack 7 v6', 'cidr' => '2001:db8:0:7::/64', 'parent_id' => $v6])['id'];
        $pool4 = ipmanager_pool_save($admin, ['subnet_id' => $v4, 'name' => "Web $xss", 'range_start' => '79.133.56.10',
            'range_end' => '79.133.56.99', 'vlan' => '120', 'bridge' => 'vmbr0', 'gateway' => '79.133.56.1',
            'dns1' => '9.9.9.9', 'reserved_ips' => '79.133.56.20'])['id'];
        ipmanager_pool_save($admin, ['subnet_id' => $v6, 'name' => 'Delegated /64s', 'range_start' => '2001:db8:0:100::',
            'range_end' => '2001:db8:0:1ff:ffff:ffff:ffff:ffff', 'delegation_prefix_length' => '64']);
        ipmanager_allocate($admin, ['pool_id' => $pool4, 'service_id' => 5, 'client_id' => 1]);
        ipmanager_address_reserve($admin, ['subnet_id' => $v4, 'address' => '79.133.56.200', 'note' => "spare $xss"]);
        $configuration = ipmanager_configuration_save($admin, ['name' => "Cloud $xss", 'pool_id' => $pool4, 'products' => ['1'], 'servers' => ['1']])['id'];
        $invalid = function (callable $save, array $form) use ($admin): array {
            try {
                $save($admin, $form);
            } catch (IpManagerInvalidInputException $e) {
                return [$e->errors];
            }
            throw new RuntimeException('the form was accepted');
        };
        $badSubnet = ['name' => "Typo $xss", 'cidr' => '79.133.56.7/24', 'gateway' => 'gateway', 'alert_threshold' => '120'];
        $badSettings = ['terminate_policy' => 'keep', 'cooldown_hours' => "-1 $xss", 'extra_ips_option' => 'Extra IPs'];
        $badConfiguration = ['name' => '', 'use_custom_field' => 'on', 'products' => ['1']];
        $badPool = ['subnet_id' => (string) $v4, 'name' => 'Overlap', 'range_start' => '79.133.56.50', 'range_end' => '79.133.56.120', 'vlan' => '5000'];
        echo json_encode([
            'ids' => ['v4' => $v4, 'v6' => $v6, 'child' => $child, 'pool4' => $pool4],
            'dashboard' => ipmanager_dashboard($admin, []),
            'subnets' => ipmanager_subnet_list($admin, []),
            'subnet_v4' => ipmanager_subnet_view($admin, ['id' => $v4]),
            'subnet_v4_page_2' => ipmanager_subnet_view($admin, ['id' => $v4, 'page' => '2']),
            'subnet_v6' => ipmanager_subnet_view($admin, ['id' => $v6]),
            'subnet_search' => ipmanager_subnet_view($admin, ['id' => $v4, 'q' => $xss]),
            'subnet_form_new' => ipmanager_subnet_form($admin, []),
            'subnet_form_edit' => ipmanager_subnet_form($admin, ['id' => $v4]),
            'subnet_form_invalid' => [ipmanager_subnet_form($admin, $badSubnet), $badSubnet, ...$invalid('ipmanager_subnet_save', $badSubnet)],
            'delete_allowed' => ipmanager_subnet_delete_preview($admin, ['id' => $child]),
            'delete_refused' => ipmanager_subnet_delete_preview($admin, ['id' => $v4]),
            'pools' => ipmanager_pool_list($admin, []),
            'pools_of_child' => ipmanager_pool_list($admin, ['subnet_id' => $child]),
            'pool_form_new' => ipmanager_pool_form($admin, ['subnet_id' => $v4]),
            'pool_form_edit' => ipmanager_pool_form($admin, ['id' => $pool4]),
            'pool_form_invalid' => [ipmanager_pool_form($admin, $badPool), $badPool, ...$invalid('ipmanager_pool_save', $badPool)],
            'configurations' => ipmanager_configuration_list($admin, []),
            'configuration_new' => ipmanager_configuration_page($admin, []),
            'configuration_edit' => ipmanager_configuration_page($admin, ['id' => $configuration]),
            'assignments' => ipmanager_assignment_list($admin, []),
            'service_panel' => ipmanager_service_panel($admin, ['service_id' => 5]),
            'settings' => ipmanager_settings_page($admin, []),
            'sync' => ipmanager_sync_overview($admin, []),
            'orphaned' => ipmanager_orphan_list($admin, []),
            'export' => ipmanager_export_page($admin, []),
            'import' => ipmanager_import_page($admin, []),
            'import_preview' => ipmanager_import_preview($admin, ['source' => 'auto', 'file' => (function () use ($xss): string {
                $file = tempnam(sys_get_temp_dir(), 'ipm-tpl-import');
                file_put_contents($file, "type,id,parent_id,name,cidr\nsubnet,1,0,\"New $xss\",10.99.0.0/24\nsubnet,2,0,Typo,10.98.0.0/33\n"
                    . "subnet,3,0,Again,79.133.56.0/24\nsubnet,4,0,Inside,79.133.56.128/25\n");
                return $file;
            })()]),
            'paste_preview' => ipmanager_paste_preview($admin, ['subnet_id' => $v6, 'addresses' => "2001:db8::5\n2001:db8::5\n"]),
            'logs' => ipmanager_log_list($admin, []),
            'logs_filtered' => ipmanager_log_list($admin, ['log_action' => 'subnet_created', 'from' => '2000-01-01']),
            'settings_invalid' => [ipmanager_settings_page($admin, $badSettings), $badSettings, ...$invalid('ipmanager_settings_save', $badSettings)],
            'assignments_filtered' => ipmanager_assignment_list($admin, ['client_id' => '2', 'status' => 'Active']),
            'configuration_invalid' => [ipmanager_configuration_page($admin, $badConfiguration), $badConfiguration,
                ...$invalid('ipmanager_configuration_save', $badConfiguration)],
        ]);
        PHP;

    /** The Controller's render() variables for each page. */
    private static function cases(array $data): array
    {
        $form = static function (array $page, array $form, array $errors): array {
            $page['form'] = $form;
            return ['data' => $page, 'errors' => $errors];
        };
        [$subnetPage, $subnetForm, $subnetErrors] = $data['subnet_form_invalid'];
        [$poolPage, $poolForm, $poolErrors] = $data['pool_form_invalid'];
        [$configurationPage, $configurationForm, $configurationErrors] = $data['configuration_invalid'];
        [$settingsPage, $settingsForm, $settingsErrors] = $data['settings_invalid'];
        $pages = [
            'dashboard' => ['dashboard', ['data' => $data['dashboard'], 'flash' => ['message' => 'Saved ' . self::XSS, 'level' => 'success']]],
            'subnets' => ['subnets', ['data' => $data['subnets']]],
            'subnets_empty' => ['subnets', ['data' => []]],
            'subnet_v4' => ['subnet', ['data' => $data['subnet_v4']]],
            'subnet_v4_page_2' => ['subnet', ['data' => $data['subnet_v4_page_2'], 'query' => ['page' => '2']]],
            'subnet_v6' => ['subnet', ['data' => $data['subnet_v6']]],
            'subnet_search' => ['subnet', ['data' => $data['subnet_search'], 'query' => ['q' => self::XSS]]],
            'subnet_form_new' => ['subnet_form', ['data' => $data['subnet_form_new']]],
            'subnet_form_edit' => ['subnet_form', ['data' => $data['subnet_form_edit'], 'error' => 'Failed: ' . self::XSS]],
            'subnet_form_invalid' => ['subnet_form', $form($subnetPage, $subnetForm, $subnetErrors)],
            'subnet_delete_allowed' => ['subnet_delete', ['data' => $data['delete_allowed']]],
            'subnet_delete_refused' => ['subnet_delete', ['data' => $data['delete_refused']]],
            'pools' => ['pools', ['data' => $data['pools']]],
            'pools_of_child' => ['pools', ['data' => $data['pools_of_child']]],
            'pool_form_new' => ['pool_form', ['data' => $data['pool_form_new']]],
            'pool_form_edit' => ['pool_form', ['data' => $data['pool_form_edit']]],
            'pool_form_invalid' => ['pool_form', $form($poolPage, $poolForm, $poolErrors)],
            'configurations' => ['configurations', ['data' => $data['configurations']]],
            'configurations_empty' => ['configurations', ['data' => []]],
            'configuration_new' => ['configuration', ['data' => $data['configuration_new']]],
            'configuration_edit' => ['configuration', ['data' => $data['configuration_edit']]],
            'configuration_invalid' => ['configuration', $form($configurationPage, $configurationForm, $configurationErrors)],
            'assignments' => ['assignments', ['data' => $data['assignments']]],
            'assignments_filtered' => ['assignments', ['data' => $data['assignments_filtered'], 'query' => ['client_id' => '2', 'status' => 'Active']]],
            'settings' => ['settings', ['data' => $data['settings'], 'query' => ['product_id' => '1']]],
            'sync' => ['sync', ['data' => $data['sync']]],
            'orphaned' => ['orphaned', ['data' => $data['orphaned'], 'query' => ['status' => 'missing']]],
            'orphaned_none' => ['orphaned', ['data' => ['orphans' => []] + $data['orphaned']]],
            'export' => ['export', ['data' => $data['export']]],
            'import' => ['import', ['data' => $data['import'], 'error' => 'Upload refused ' . self::XSS]],
            'import_preview' => ['import_preview', ['data' => $data['import_preview'], 'upload' => str_repeat('a', 32), 'source' => 'auto', 'name' => 'export ' . self::XSS]],
            'paste_preview' => ['import_preview', ['data' => $data['paste_preview'], 'paste' => ['subnet_id' => '2', 'addresses' => "2001:db8::5\n" . self::XSS]]],
            'logs' => ['logs', ['data' => $data['logs']]],
            'logs_filtered' => ['logs', ['data' => $data['logs_filtered'], 'query' => ['log_action' => 'subnet_created', 'from' => '2000-01-01']]],
            'settings_invalid' => ['settings', $form($settingsPage, $settingsForm, $settingsErrors)],
            'problem' => ['problem', ['message' => 'Cannot reach the WHMCS database ' . self::XSS]],
        ];
        $cases = [];
        foreach ($pages as $name => [$page, $variables]) {
            $variables += ['page' => $page, 'query' => [], 'flash' => null, 'errors' => [], 'error' => ''];
            $cases[$name] = ['template' => self::LAYOUT, 'variables' => $variables];
        }
        // Rendered on its own by the AdminClientServicesTabFields hook.
        $cases['service_panel'] = ['template' => 'admin/service_panel.tpl', 'variables' => ['data' => $data['service_panel']]];
        $cases['subnet_form_invalid']['expect_errors'] = array_keys($subnetErrors);
        $cases['pool_form_invalid']['expect_errors'] = array_keys($poolErrors);
        $cases['configuration_invalid']['expect_errors'] = array_keys($configurationErrors);
        $cases['settings_invalid']['expect_errors'] = array_keys($settingsErrors);
        return $cases;
    }

    public static function smartyVersions(): array
    {
        return [
            'Smarty 3.1' => ['/usr/share/php/smarty3/Smarty.class.php', E_ALL & ~E_DEPRECATED],
            'Smarty 4' => ['/usr/share/php/smarty4/Smarty.class.php', E_ALL],
        ];
    }

    /** @dataProvider smartyVersions */
    public function testEveryAdminTemplateRendersWithoutNoticesAndEscapesStoredText(string $smartyClass, int $errorReporting): void
    {
        [$html, $compiled] = $this->render($smartyClass, $errorReporting);

        $templates = array_map('basename', glob(Process::repoRoot() . '/templates/admin/*.tpl'));
        foreach ($templates as $template) {
            $this->assertNotEmpty(preg_grep('/\.file\.' . preg_quote($template, '/') . '\.php$/', $compiled), "$template was rendered");
        }
        foreach ($html as $name => $page) {
            $this->assertStringNotContainsString(self::XSS, $page, "$name prints stored text unescaped");
            if (self::$cases[$name]['template'] === self::LAYOUT) {
                $this->assertStringContainsString('<div id="ipmanager" class="ipmanager-admin">', $page, $name);
                $this->assertStringContainsString('data-tab="pools">IP Pools</a>', $page, $name);
            }
        }
        $this->assertMarkers($html);
    }

    private function assertMarkers(array $html): void
    {
        $escaped = htmlspecialchars(self::XSS, ENT_QUOTES);
        $markers = [
            'dashboard' => ['id="ipmanager-dashboard-usage"', "Frankfurt $escaped", "Saved $escaped"],
            'subnets' => ['data-subnet="79.133.56.0/24"', 'data-subnet="2001:db8:0:7::/64"', 'padding-left:28px', '56.133.79.in-addr.arpa', "Frankfurt $escaped"],
            'subnets_empty' => ['No subnets yet.'],
            'subnet_v4' => ['id="ipmanager-addresses"', '<code>79.133.56.0</code>', "spare $escaped", "Rack 7 $escaped", '&amp;page=2', 'shop.example.net', 'Carla Client'],
            'subnet_v4_page_2' => ['<code>79.133.56.100</code>', '&amp;page=1', '&amp;page=3'],
            'subnet_v6' => ['<code>2001:db8::/48</code>', '8.b.d.0.1.0.0.2.ip6.arpa', 'Delegated /64s', 'No address rows match.'],
            // The reservation's note is on its address row, so the search finds it.
            'subnet_search' => ["value=\"$escaped\"", "<code>79.133.56.200</code>", "spare $escaped"],
            'subnet_form_new' => ['id="ipmanager-subnet-form"', 'name="reserve_network" value="on" checked'],
            'subnet_form_edit' => ['value="79.133.56.0/24" placeholder="79.133.56.0/24 or 2001:db8::/48" readonly', 'name="store_free_ips" value="on" checked', "Failed: $escaped"],
            'subnet_form_invalid' => ['value="79.133.56.7/24"', 'did you mean 79.133.56.0/24?', "Typo $escaped"],
            'subnet_delete_allowed' => ['id="ipmanager-delete-consequences"', 'id="ipmanager-confirm-delete"'],
            'subnet_delete_refused' => ['id="ipmanager-delete-refused"', '1 assigned addresses'],
            'pools' => ['id="ipmanager-pools"', "Web $escaped", 'label-info">/64', '1.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa'],
            'pools_of_child' => ['No pools yet.'],
            'pool_form_new' => ['id="ipmanager-pool-form"', 'selected>Frankfurt ' . $escaped],
            'pool_form_edit' => ['value="vmbr0"', '>79.133.56.20</textarea>', 'name="id" value='],
            'pool_form_invalid' => ['overlaps pool &quot;Web ' . $escaped, 'VLAN id from 1 to 4094', 'value="5000"'],
            'configurations' => ['id="ipmanager-configurations"', "Cloud $escaped"],
            'configurations_empty' => ['No configurations yet.'],
            'configuration_new' => ['id="ipmanager-configuration-form"', "VPS $escaped", 'node1 (node1.example.net)', 'Create configuration'],
            'configuration_edit' => ['id="ipmanager-selection-form"', 'id="ipmanager-relations"', 'name="products[]" value="1" checked',
                "Web $escaped (79.133.56.0/24)", 'id="ipmanager-relation-form"'],
            'configuration_invalid' => ['Enter a name for the configuration.', 'name="use_custom_field" value="on" checked'],
            'assignments' => ['id="ipmanager-assignments"', 'data-service="5"', '<code>79.133.56.10</code>', "VPS $escaped", 'shop.example.net'],
            'assignments_filtered' => ['name="client_id" value="2"', '<option value="Active" selected>'],
            'sync' => ['id="ipmanager-sync-form"', 'id="ipmanager-sync-live-only" checked', 'action=sync_batch'],
            'orphaned' => ['<option value="missing" selected>', 'data-tab="orphaned"'],
            'orphaned_none' => ['No orphaned addresses.'],
            'export' => ['id="ipmanager-export-form"', 'data-count="subnets">3<', 'name="format" value="json"'],
            'import' => ['enctype="multipart/form-data"', 'Files up to 64 MiB.', "Frankfurt $escaped (79.133.56.0/24)", "Upload refused $escaped"],
            'import_preview' => ['New &lt;script&gt;alert(', 'has an invalid prefix length', 'id="ipmanager-import-existing"', 'id="ipmanager-import-refused"', "export $escaped"],
            'paste_preview' => ['id="ipmanager-import-create-addresses">1<', 'already on line 1', 'name="on_problem" value="skip" checked', "2001:db8::5\n$escaped</textarea>"],
            'logs' => ['id="ipmanager-logs"', 'address_assigned', "Subnet 79.133.56.0/24 created", 'action=logs_download'],
            'logs_filtered' => ['<option value="subnet_created" selected>', 'value="2000-01-01"', 'subnet_created'],
            'settings' => ['id="ipmanager-settings-form"', 'value="release" checked', "VPS $escaped", '<tr class="info">'],
            'settings_invalid' => ['value="keep" checked', "value=\"-1 $escaped\"", 'Enter a number of hours from 0 to 8760.'],
            'problem' => ['id="ipmanager-problem"', "Cannot reach the WHMCS database $escaped"],
            'service_panel' => ['id="ipmanager-service-panel"', 'data-service="5"', '<code>79.133.56.10</code>', "Web $escaped"],
        ];
        foreach ($markers as $name => $expected) {
            foreach ($expected as $marker) {
                $this->assertStringContainsString($marker, $html[$name], $name);
            }
        }
        preg_match_all('/data-count="(\w+)">\s*<div class="panel-body">\s*<div class="h2 ipmanager-count"[^>]*>(\d+)</', $html['dashboard'], $counts);
        // 256 stored minus network, broadcast, gateway, 5 excluded, 1 pool reservation, 1 reserved, 1 assigned.
        $this->assertSame(['subnets' => '3', 'pools' => '2', 'assigned_ips' => '1', 'free_ips' => '245'], array_combine($counts[1], $counts[2]));
        foreach (['subnet_form_invalid', 'pool_form_invalid', 'configuration_invalid', 'settings_invalid'] as $name) {
            preg_match_all('/ipmanager-field-error" data-field="(\w+)"/', $html[$name], $fields);
            $this->assertEqualsCanonicalizing(self::$cases[$name]['expect_errors'], array_unique($fields[1]), "$name shows every error at its field");
        }
    }

    /** Renders every case in a fresh PHP process; returns [page name => HTML, compiled file names]. */
    private function render(string $smartyClass, int $errorReporting): array
    {
        $work = sys_get_temp_dir() . '/ipm-tpl-' . getmypid() . '-' . basename(dirname($smartyClass));
        mkdir($work . '/compiled', 0700, true);
        try {
            file_put_contents($work . '/cases.json', json_encode(self::$cases));
            $settings = var_export([
                'smarty' => $smartyClass,
                'templates' => Process::repoRoot() . '/templates/',
                'compiled' => $work . '/compiled',
                'cases' => $work . '/cases.json',
                'lang' => Process::repoRoot() . '/php-shim/modules/addons/ipmanager/lang/english.php',
                'controller' => Process::repoRoot() . '/php-shim/modules/addons/ipmanager/lib/Admin/Controller.php',
                'error_reporting' => $errorReporting,
            ], true);
            [$exit, $out, $err] = Process::runPhp("\$settings = $settings;\n" . self::RENDER_SCRIPT, false);
            $this->assertSame(0, $exit, $out . $err);
            $this->assertSame('', $err);
            $result = json_decode($out, true);
            $this->assertIsArray($result, $out);
            $this->assertSame([], $result['problems'], 'PHP reported errors or warnings while rendering');
            return [$result['html'], $result['compiled']];
        } finally {
            Process::run(['rm', '-rf', $work]);
        }
    }

    /** What View::render() does, for each case, with every error PHP reports collected. */
    private const RENDER_SCRIPT = <<<'PHP'
        error_reporting($settings['error_reporting']);
        $problems = [];
        set_error_handler(static function (int $level, string $message, string $file, int $line) use (&$problems): bool {
            if (error_reporting() & $level) {
                $problems[] = "$message in $file:$line";
            }
            return true;
        });
        require $settings['smarty'];
        $lang = (static function (string $file): array { $_ADDONLANG = []; include $file; return $_ADDONLANG; })($settings['lang']);
        require $settings['controller'];
        $tabs = [];
        foreach ((new ReflectionClass(WHMCS\Module\Addon\Ipmanager\Admin\Controller::class))->getConstant('TABS') as $action => $label) {
            $tabs[] = ['action' => $action, 'label' => $lang[$label]];
        }
        $html = [];
        foreach (json_decode(file_get_contents($settings['cases']), true) as $name => $case) {
            $smarty = new Smarty();
            $smarty->setTemplateDir($settings['templates']);
            $smarty->setCompileDir($settings['compiled']);
            $smarty->compile_id = 'ipmanager';
            $variables = $case['variables'] + ['modulelink' => 'addonmodules.php?module=ipmanager', '_lang' => $lang, 'csrfToken' => 'f00d'];
            if ($case['template'] === 'admin/layout.tpl') {
                $variables += ['tabs' => $tabs, 'activeTab' => 'dashboard'];
            }
            foreach ($variables as $key => $value) {
                $smarty->assign($key, $value);
            }
            $html[$name] = $smarty->fetch($case['template']);
        }
        echo json_encode(['html' => $html, 'problems' => $problems, 'compiled' => array_map('basename', glob($settings['compiled'] . '/*'))]);
        PHP;
}
