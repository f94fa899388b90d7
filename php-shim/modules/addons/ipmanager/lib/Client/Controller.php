<?php
/**
 * Client area (index.php?m=ipmanager): the client's services and addresses,
 * and unassigning one after a confirmation. Ownership is checked by the
 * extension; this class routes, checks the CSRF token and picks the template.
 */

namespace WHMCS\Module\Addon\Ipmanager\Client;

use WHMCS\Module\Addon\Ipmanager\Runtime;

final class Controller
{
    private array $vars;

    public function __construct(array $vars)
    {
        $this->vars = $vars;
    }

    /** Returns WHMCS's clientarea array. */
    public function handle(array $query, array $form, string $method): array
    {
        // WHMCS asks for the page before it applies requirelogin: a visitor
        // gets the login redirect without the extension being asked anything.
        if (empty($_SESSION['uid'])) {
            return $this->page('clientarea', []);
        }
        $problem = Runtime::boot();
        if ($problem !== null) {
            return $this->page('clientarea', ['problem' => $this->lang('client_unavailable')]);
        }
        $action = (string) ($query['action'] ?? '');
        try {
            if ($action === 'unassign' && $method === 'POST') {
                if (!function_exists('check_token') || !check_token()) {
                    return $this->overview(['error' => $this->lang('csrf_failed')]);
                }
                $done = ipmanager_client_unassign(Runtime::client(), $form);
                return $this->overview(['success' => $done['message']]);
            }
            if ($action === 'unassign') {
                return $this->page('unassign', ['confirm' => ipmanager_client_unassign_confirm(Runtime::client(), $query)]);
            }
            return $this->overview([]);
        } catch (\IpManagerException $e) {
            return $this->overview(['error' => $e->getMessage()]);
        } catch (\Throwable $e) {
            return $this->page('clientarea', ['problem' => $this->lang('client_unavailable')]);
        }
    }

    /** The overview, with a message; if even that fails, the message alone. */
    private function overview(array $extra): array
    {
        try {
            return $this->page('clientarea', $extra + ['overview' => ipmanager_client_overview(Runtime::client(), [])]);
        } catch (\Throwable $e) {
            return $this->page('clientarea', $extra + ['problem' => $this->lang('client_unavailable')]);
        }
    }

    private function page(string $template, array $variables): array
    {
        return [
            'pagetitle' => $this->lang('client_title'),
            'breadcrumb' => [$this->vars['modulelink'] ?? 'index.php?m=ipmanager' => $this->lang('client_title')],
            'templatefile' => $template,
            'requirelogin' => true,
            'vars' => $variables + [
                'modulelink' => $this->vars['modulelink'] ?? 'index.php?m=ipmanager',
                '_lang' => $this->vars['_lang'] ?? [],
            ],
        ];
    }

    private function lang(string $key): string
    {
        return (string) ($this->vars['_lang'][$key] ?? $key);
    }
}
