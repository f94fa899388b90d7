<?php
/**
 * Client-area page rendering: standard theme variables (whmcs-reference.md 6.3), the
 * ClientAreaPage* hooks, sidebars (2.2) and the Twenty-One / Six layouts (6.4).
 */

namespace Harness;

use WHMCS\Config\Setting;
use WHMCS\Database\Capsule;
use WHMCS\View\Menu\Item;

final class ClientArea
{
    public const THEMES = ['twenty-one', 'six'];

    public static function client(): ?object
    {
        $id = (int) ($_SESSION['uid'] ?? 0);
        return $id > 0 ? Capsule::table('tblclients')->where('id', $id)->first() : null;
    }

    /** ?systpl= switches the theme for the rest of the session, as in WHMCS. */
    public static function theme(): string
    {
        $requested = (string) ($_GET['systpl'] ?? '');
        if (in_array($requested, self::THEMES, true)) {
            $_SESSION['harness_theme'] = $requested;
        }
        $theme = $_SESSION['harness_theme'] ?? ($GLOBALS['harness_client_theme'] ?? 'twenty-one');
        return in_array($theme, self::THEMES, true) ? $theme : 'twenty-one';
    }

    /** The client's language, else the system default (tblconfiguration Language). */
    public static function language(?object $client): string
    {
        $language = $client !== null ? (string) $client->language : '';
        return $language !== '' ? $language : (Setting::getValue('Language') ?: 'english');
    }

    /** Theme strings ($_LANG) from lang/<language>.php, falling back to English. */
    public static function themeStrings(string $language): array
    {
        $file = ROOTDIR . '/lang/' . $language . '.php';
        if (!preg_match('/^[a-z][a-z_-]*$/i', $language) || !is_file($file)) {
            $file = ROOTDIR . '/lang/english.php';
        }
        $_LANG = [];
        include $file;
        return $_LANG;
    }

    /** templates/<file>.tpl in the module folder, else <file>.tpl in the module root. */
    public static function addonTemplate(string $module, string $templateFile): ?string
    {
        if (!preg_match('#^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$#', $templateFile)) {
            return null;
        }
        foreach (['/templates/', '/'] as $folder) {
            $file = AddonModules::directory($module) . $folder . $templateFile . '.tpl';
            if (is_file($file)) {
                return $file;
            }
        }
        return null;
    }

    /**
     * Renders header.tpl + $contentTemplate + footer.tpl of the current theme with the standard
     * variables, $vars on top, then whatever the ClientAreaPage and $hookPoints hooks return.
     */
    public static function render(string $contentTemplate, array $vars, array $hookPoints = []): void
    {
        $client = self::client();
        if ($client !== null) {
            \Menu::addContext('client', $client);
        }
        $templateVars = array_merge(self::standardVars($client), $vars);
        foreach (array_merge(['ClientAreaPage'], $hookPoints) as $point) {
            foreach (run_hook($point, $templateVars) as $result) {
                if (is_array($result)) {
                    $templateVars = array_merge($templateVars, $result);
                }
            }
        }
        $templateVars['primarySidebar'] = self::sidebar('Primary Sidebar', 'ClientAreaPrimarySidebar');
        $templateVars['secondarySidebar'] = self::sidebar('Secondary Sidebar', 'ClientAreaSecondarySidebar');
        $templateVars['headoutput'] = self::htmlFromHooks('ClientAreaHeadOutput', $templateVars);
        $templateVars['footeroutput'] = self::htmlFromHooks('ClientAreaFooterOutput', $templateVars);

        $smarty = View::smarty();
        $strings = $templateVars['LANG'];
        // WHMCS's {lang key=…} tag prints a theme string as-is (the strings are trusted HTML).
        $smarty->registerPlugin('function', 'lang', static fn (array $params): string =>
            (string) ($strings[$params['key'] ?? ''] ?? ($params['key'] ?? '')));
        $smarty->assign($templateVars);
        $content = $smarty->fetch($contentTemplate);
        $theme = $templateVars['template'];
        echo $smarty->fetch($theme . '/header.tpl'), $content, $smarty->fetch($theme . '/footer.tpl');
    }

    /** Turns the addon's `breadcrumb` (url => label) into the theme's list, after "Portal Home". */
    public static function breadcrumb(array $links): array
    {
        $items = [['link' => 'index.php', 'label' => 'Portal Home']];
        foreach ($links as $url => $label) {
            $items[] = ['link' => (string) $url, 'label' => (string) $label];
        }
        return $items;
    }

    private static function standardVars(?object $client): array
    {
        $language = self::language($client);
        $systemUrl = Setting::getValue('SystemURL') ?? '';
        $webRoot = View::webRoot();
        return [
            'companyname' => Setting::getValue('CompanyName') ?? '',
            'logo' => '',
            'systemurl' => $systemUrl,
            'systemsslurl' => $systemUrl,
            'systemNonSSLURL' => $systemUrl,
            'WEB_ROOT' => $webRoot,
            'BASE_PATH_CSS' => $webRoot . '/assets/css',
            'BASE_PATH_JS' => $webRoot . '/assets/js',
            'BASE_PATH_FONTS' => $webRoot . '/assets/fonts',
            'BASE_PATH_IMG' => $webRoot . '/assets/img',
            'template' => self::theme(),
            'language' => $language,
            'LANG' => self::themeStrings($language),
            'token' => harness_csrf_token(),
            'loggedin' => $client !== null,
            'client' => $client === null ? null : [
                'id' => (int) $client->id,
                'firstname' => (string) $client->firstname,
                'lastname' => (string) $client->lastname,
                'email' => (string) $client->email,
            ],
            'pagetitle' => '',
            'breadcrumb' => self::breadcrumb([]),
            'filename' => 'index',
            'charset' => 'utf-8',
            'todaysdate' => date('l, jS F Y'),
            'date_day' => date('d'),
            'date_month' => date('m'),
            'date_year' => date('Y'),
            'servedOverSsl' => ($_SERVER['HTTPS'] ?? 'off') !== 'off',
            'reCaptchaPublicKey' => '',
        ];
    }

    private static function sidebar(string $name, string $hookPoint): Item
    {
        $root = new Item($name);
        run_hook($hookPoint, $root);
        return $root;
    }

    private static function htmlFromHooks(string $hookPoint, array $vars): string
    {
        return implode("\n", array_filter(run_hook($hookPoint, $vars), 'is_string'));
    }
}
