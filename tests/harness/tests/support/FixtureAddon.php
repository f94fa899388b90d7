<?php

namespace HarnessTests\Support;

/**
 * Writes a tiny addon module into a harness root: every WHMCS entry point, a lang file, a
 * template in templates/ and one in the module root, an autoloaded lib class and hooks.php.
 * Lifecycle calls leave "fixture NAME …" lines in the activity log for the tests to find.
 */
final class FixtureAddon
{
    public static function install(string $root, string $name, string $version = '1.0', ?string $hooks = null): void
    {
        $dir = "{$root}/modules/addons/{$name}";
        foreach (['', '/lang', '/templates', '/lib'] as $sub) {
            if (!is_dir($dir . $sub)) {
                mkdir($dir . $sub, 0775, true);
            }
        }
        $studly = str_replace(' ', '', ucwords(str_replace('_', ' ', $name)));
        $replace = static fn (string $code): string => strtr($code, ['NAME' => $name, 'VERSION' => $version, 'STUDLY' => $studly]);

        file_put_contents("{$dir}/{$name}.php", $replace(self::MAIN));
        file_put_contents("{$dir}/lang/english.php", "<?php\n\$_ADDONLANG['greeting'] = 'Hello from the fixture';\n");
        file_put_contents("{$dir}/lib/Greeter.php", $replace(self::LIB_CLASS));
        file_put_contents("{$dir}/templates/main.tpl", self::MAIN_TEMPLATE);
        file_put_contents("{$dir}/rootpage.tpl", '<div id="fixture-rootpage">template from the module root</div>');
        file_put_contents("{$dir}/hooks.php", $hooks ?? $replace(self::HOOKS));
    }

    private const MAIN = <<<'PHP'
<?php
if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

function NAME_config()
{
    return [
        'name' => 'Fixture <NAME>',
        'description' => 'Harness test fixture',
        'version' => 'VERSION',
        'author' => 'Harness',
        'language' => 'english',
        'fields' => [
            'apikey' => ['FriendlyName' => 'API Key', 'Type' => 'text', 'Size' => '25', 'Default' => 'default-key'],
            'secret' => ['FriendlyName' => 'Secret', 'Type' => 'password'],
            'enabled' => ['FriendlyName' => 'Enabled', 'Type' => 'yesno', 'Default' => 'on'],
            'mode' => ['FriendlyName' => 'Mode', 'Type' => 'dropdown', 'Options' => ['fast' => 'Fast', 'safe' => 'Safe'], 'Default' => 'safe'],
            'size' => ['FriendlyName' => 'Size', 'Type' => 'radio', 'Options' => 'S,M,L', 'Default' => 'M'],
            'notes' => ['FriendlyName' => 'Notes', 'Type' => 'textarea', 'Rows' => 3, 'Cols' => 40],
        ],
    ];
}

function NAME_activate()
{
    logActivity('fixture NAME activate');
    return ['status' => 'success', 'description' => 'Fixture activated'];
}

function NAME_deactivate()
{
    logActivity('fixture NAME deactivate');
    return ['status' => 'success', 'description' => 'Fixture deactivated'];
}

function NAME_upgrade($vars)
{
    logActivity('fixture NAME upgrade from ' . $vars['version']);
}

function NAME_output($vars)
{
    $greeter = new \WHMCS\Module\Addon\STUDLY\Greeter();
    echo '<div id="fixture-output" data-vars="' . htmlspecialchars(json_encode($vars), ENT_QUOTES) . '">' . $greeter->greet() . '</div>';
    echo '<form method="post" action="' . htmlspecialchars($vars['modulelink']) . '"><input name="x" value="1"></form>';
    if (($_POST['x'] ?? '') === '1') {
        echo '<p id="fixture-posted">posted</p>';
    }
}

function NAME_sidebar($vars)
{
    return '<p id="fixture-sidebar">sidebar</p>';
}

function NAME_clientarea($vars)
{
    $page = $_GET['page'] ?? 'main';
    return [
        'pagetitle' => 'Fixture Page',
        'breadcrumb' => [$vars['modulelink'] => 'Fixture'],
        'templatefile' => $page === 'root' ? 'rootpage' : 'main',
        'requirelogin' => $page !== 'public',
        'vars' => ['unsafe' => '<script>x</script>', 'greeting' => $vars['_lang']['greeting'], 'modulelink' => $vars['modulelink']],
    ];
}
PHP;

    private const LIB_CLASS = <<<'PHP'
<?php
namespace WHMCS\Module\Addon\STUDLY;

class Greeter
{
    public function greet(): string
    {
        return '<span id="fixture-autoload">autoloaded</span>';
    }
}
PHP;

    private const MAIN_TEMPLATE = <<<'TPL'
<div id="fixture-main">
    <p id="unsafe">{$unsafe|escape}</p>
    <p id="greeting">{$greeting|escape}</p>
    <p id="company">{$companyname|escape}</p>
    <p id="client-email">{if $loggedin}{$client.email|escape}{/if}</p>
    <p id="token">{$token|escape}</p>
    <p id="hooked">{$fixtureHookVar|escape}</p>
    <p id="smarty-version">{$smarty.version}</p>
    {include file="$template/includes/alert.tpl" type="success" msg="Fixture alert"}
</div>
TPL;

    private const HOOKS = <<<'PHP'
<?php
add_hook('ClientAreaPageAddonModule', 1, function (array $vars) {
    return ['fixtureHookVar' => 'from-hook ' . $vars['modulelink']];
});
add_hook('ClientAreaPrimarySidebar', 1, function (\WHMCS\View\Menu\Item $sidebar) {
    $sidebar->addChild('fixturePanel', ['label' => 'Fixture Panel', 'order' => 10])
        ->addChild('fixtureLink', ['label' => 'Fixture Link', 'uri' => 'index.php?m=NAME', 'order' => 1]);
});
add_hook('AddonModuleConfigSave', 1, function () {
    logActivity('fixture NAME config saved');
});
PHP;
}
