<?php
/**
 * Admin pages (Addons > IP Manager): routes a request to one extension call
 * and renders the returned array with the page's Smarty template.
 */

namespace WHMCS\Module\Addon\Ipmanager\Admin;

use WHMCS\Module\Addon\Ipmanager\Runtime;
use WHMCS\Module\Addon\Ipmanager\View;

final class Controller
{
    /**
     * The tab menu. A page is listed here once it works; each names the
     * extension function that builds its data and the template that shows it.
     */
    private const PAGES = [
        'dashboard' => ['tab' => 'tab_dashboard', 'data' => 'ipmanager_dashboard'],
    ];

    /** @var array WHMCS's $vars: modulelink, version, _lang and the module settings. */
    private array $vars;

    public function __construct(array $vars)
    {
        $this->vars = $vars;
    }

    public function handle(array $query, array $form, string $method): string
    {
        $problem = Runtime::boot() ?? $this->schemaProblem();
        if ($problem !== null) {
            return $this->render('problem', 'dashboard', ['message' => $problem]);
        }
        $page = (string) ($query['action'] ?? 'dashboard');
        if (!isset(self::PAGES[$page])) {
            $page = 'dashboard';
        }
        try {
            $data = (self::PAGES[$page]['data'])(Runtime::admin());
        } catch (\IpManagerException $e) {
            return $this->render('problem', $page, ['message' => $e->getMessage()]);
        }
        return $this->render($page, $page, ['data' => $data]);
    }

    private function schemaProblem(): ?string
    {
        try {
            $status = ipmanager_schema_status();
        } catch (\Throwable $e) {
            return $e->getMessage();
        }
        if ($status['ready']) {
            return null;
        }
        if ($status['installed_version'] === 0) {
            return 'The IP Manager tables do not exist. Open Setup > Addon Modules, deactivate IP Manager and '
                . 'activate it again to create them.';
        }
        return sprintf(
            'The IP Manager tables are at schema version %d but this release needs version %d. Open Setup > '
            . 'Addon Modules and save the IP Manager settings once to run the upgrade.',
            $status['installed_version'],
            $status['expected_version']
        );
    }

    private function render(string $template, string $activeTab, array $variables): string
    {
        $tabs = [];
        foreach (self::PAGES as $name => $page) {
            $tabs[] = ['action' => $name, 'label' => $this->vars['_lang'][$page['tab']] ?? $name];
        }
        return View::render('admin/layout.tpl', $variables + [
            'page' => $template,
            'tabs' => $tabs,
            'activeTab' => $activeTab,
            'modulelink' => $this->vars['modulelink'] ?? 'addonmodules.php?module=ipmanager',
            '_lang' => $this->vars['_lang'] ?? [],
            'csrfToken' => function_exists('generate_token') ? generate_token('plain') : '',
        ]);
    }
}
