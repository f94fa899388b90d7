<?php
/**
 * Admin pages (Addons > IP Manager). Each route names the extension function
 * that builds the page's data, and for forms the one that saves it; this class
 * only routes, checks the CSRF token, redirects after a POST and renders.
 */

namespace WHMCS\Module\Addon\Ipmanager\Admin;

use WHMCS\Module\Addon\Ipmanager\Runtime;
use WHMCS\Module\Addon\Ipmanager\View;

final class Controller
{
    /** The tab menu; a tab is listed once its page works. */
    private const TABS = [
        'dashboard' => 'tab_dashboard',
        'subnets' => 'tab_subnets',
        'pools' => 'tab_pools',
        'configurations' => 'tab_configurations',
        'assignments' => 'tab_assignments',
        'export' => 'tab_export',
        'import' => 'tab_import',
        'sync' => 'tab_sync',
        'orphaned' => 'tab_orphaned',
        'logs' => 'tab_logs',
        'settings' => 'tab_settings',
    ];

    /**
     * action => tab it belongs to, `view` (GET data), `save` (POST), and where
     * a successful POST goes next (`then`; pages of one record get its id: the
     * one the save returned, or the form field named by `then_id`).
     */
    private const ROUTES = [
        'dashboard' => ['tab' => 'dashboard', 'view' => 'ipmanager_dashboard'],
        'subnets' => ['tab' => 'subnets', 'view' => 'ipmanager_subnet_list'],
        'subnet' => ['tab' => 'subnets', 'view' => 'ipmanager_subnet_view'],
        'subnet_form' => ['tab' => 'subnets', 'view' => 'ipmanager_subnet_form', 'save' => 'ipmanager_subnet_save', 'then' => 'subnet'],
        'subnet_delete' => ['tab' => 'subnets', 'view' => 'ipmanager_subnet_delete_preview', 'save' => 'ipmanager_subnet_delete', 'then' => 'subnets'],
        'address_reserve' => ['tab' => 'subnets', 'save' => 'ipmanager_address_reserve', 'then' => 'subnet', 'then_id' => 'subnet_id'],
        'reservation_release' => ['tab' => 'subnets', 'save' => 'ipmanager_reservation_release', 'then' => 'subnet', 'then_id' => 'subnet_id'],
        'pools' => ['tab' => 'pools', 'view' => 'ipmanager_pool_list'],
        'pool_form' => ['tab' => 'pools', 'view' => 'ipmanager_pool_form', 'save' => 'ipmanager_pool_save', 'then' => 'pools'],
        'pool_delete' => ['tab' => 'pools', 'save' => 'ipmanager_pool_delete', 'then' => 'pools'],
        'configurations' => ['tab' => 'configurations', 'view' => 'ipmanager_configuration_list'],
        'configuration' => ['tab' => 'configurations', 'view' => 'ipmanager_configuration_page', 'save' => 'ipmanager_configuration_save', 'then' => 'configuration'],
        'configuration_selection' => ['tab' => 'configurations', 'save' => 'ipmanager_configuration_selection', 'then' => 'configuration', 'then_id' => 'id'],
        'configuration_relation' => ['tab' => 'configurations', 'save' => 'ipmanager_configuration_relation', 'then' => 'configuration', 'then_id' => 'id'],
        'configuration_delete' => ['tab' => 'configurations', 'save' => 'ipmanager_configuration_delete', 'then' => 'configurations'],
        'assignments' => ['tab' => 'assignments', 'view' => 'ipmanager_assignment_list'],
        'assign' => ['tab' => 'assignments', 'save' => 'ipmanager_assignment_assign', 'then' => 'assignments'],
        'unassign' => ['tab' => 'assignments', 'save' => 'ipmanager_assignment_unassign', 'then' => 'assignments'],
        'export' => ['tab' => 'export', 'view' => 'ipmanager_export_page'],
        'export_download' => ['tab' => 'export', 'handler' => 'download'],
        'import' => ['tab' => 'import', 'view' => 'ipmanager_import_page'],
        'import_preview' => ['tab' => 'import', 'handler' => 'importPreview'],
        'import_run' => ['tab' => 'import', 'handler' => 'importRun'],
        'paste_preview' => ['tab' => 'import', 'handler' => 'pastePreview'],
        'paste' => ['tab' => 'import', 'save' => 'ipmanager_paste', 'then' => 'subnet', 'then_id' => 'subnet_id'],
        'sync' => ['tab' => 'sync', 'view' => 'ipmanager_sync_overview'],
        'sync_batch' => ['tab' => 'sync', 'json' => 'ipmanager_sync_batch'],
        'orphaned' => ['tab' => 'orphaned', 'view' => 'ipmanager_orphan_list'],
        'orphan_release' => ['tab' => 'orphaned', 'save' => 'ipmanager_orphan_release', 'then' => 'orphaned', 'keep' => ['status', 'product_id']],
        'logs' => ['tab' => 'logs', 'view' => 'ipmanager_log_list'],
        'logs_download' => ['tab' => 'logs', 'handler' => 'logsDownload'],
        'settings' => ['tab' => 'settings', 'view' => 'ipmanager_settings_page', 'save' => 'ipmanager_settings_save', 'then' => 'settings'],
        'settings_test_email' => ['tab' => 'settings', 'save' => 'ipmanager_settings_test_email', 'then' => 'settings'],
        'task_run' => ['tab' => 'settings', 'handler' => 'runTask'],
        'task_report' => ['tab' => 'settings', 'handler' => 'taskReport'],
        'extra_ips_option' => ['tab' => 'settings', 'save' => 'ipmanager_extra_ips_option', 'then' => 'settings'],
    ];

    /** Where a redirect to a page carries the saved record's id, and as which parameter. */
    private const RECORD_PAGES = ['subnet' => 'id', 'configuration' => 'id', 'assignments' => 'service_id'];

    private const FLASH = 'ipmanager_flash';

    /** @var array WHMCS's $vars: modulelink, version, _lang and the module settings. */
    private array $vars;

    public function __construct(array $vars)
    {
        $this->vars = $vars;
    }

    public function handle(array $query, array $form, string $method): string
    {
        $problem = Runtime::boot() ?? Runtime::schemaProblem(Runtime::admin(), $this->vars['_lang'] ?? Runtime::language());
        if ($problem !== null) {
            return $this->render('problem', 'dashboard', ['message' => $problem]);
        }
        $action = (string) ($query['action'] ?? 'dashboard');
        $route = self::ROUTES[$action] ?? null;
        if ($route === null) {
            return $this->render('problem', 'dashboard', ['message' => $this->lang('unknown_page')]);
        }
        if (isset($route['json'])) {
            $this->json($route['json'], $form, $method);
        }
        if (isset($route['handler'])) {
            return $this->exchange($route, $form, $method);
        }
        if ($method === 'POST') {
            return $this->post($action, $route, $query, $form);
        }
        if (!isset($route['view'])) {
            return $this->render('problem', $route['tab'], ['message' => $this->lang('post_only')]);
        }
        try {
            $data = ($route['view'])(Runtime::admin(), $this->viewRequest($query));
        } catch (\Throwable $e) {
            return $this->render('problem', $route['tab'], ['message' => $this->describe($e)]);
        }
        return $this->render($action, $route['tab'], ['data' => $data, 'query' => $query]);
    }

    private function post(string $action, array $route, array $query, array $form): string
    {
        if (!isset($route['save'])) {
            return $this->render('problem', $route['tab'], ['message' => $this->lang('post_only')]);
        }
        if (!function_exists('check_token') || !check_token('WHMCS.admin.default')) {
            return $this->render('problem', $route['tab'], ['message' => $this->lang('csrf_failed')]);
        }
        unset($form['token']);
        try {
            $saved = ($route['save'])(Runtime::admin(), $form);
        } catch (\IpManagerInvalidInputException $e) {
            if (!isset($route['view'])) {
                return $this->redirectBack($route, $form, $e->getMessage(), 'danger');
            }
            // Show the form again with what was typed and each error at its field.
            try {
                $data = ($route['view'])(Runtime::admin(), $this->viewRequest($query + $form));
            } catch (\Throwable $inner) {
                return $this->render('problem', $route['tab'], ['message' => $this->describe($inner)]);
            }
            $data['form'] = $form;
            // Field errors are shown at their fields; only others need the banner.
            $errors = $e->errors ?? [];
            return $this->render($action, $route['tab'], [
                'data' => $data, 'query' => $query, 'errors' => $errors, 'error' => $errors ? '' : $e->getMessage(),
            ]);
        } catch (\Throwable $e) {
            return $this->redirectBack($route, $form, $this->describe($e), 'danger');
        }
        $id = isset($route['then_id']) ? ($form[$route['then_id']] ?? '') : ($saved['id'] ?? '');
        $this->flash($saved['message'] ?? $this->lang('saved'), 'success');
        $param = self::RECORD_PAGES[$route['then']] ?? null;
        return $this->redirect($route['then'], ($param !== null ? [$param => $id] : []) + $this->kept($route, $form));
    }

    /** A page's request, with WHMCS's root directory for the pages that show paths (the cron command). */
    private function viewRequest(array $values): array
    {
        return $values + ['root_dir' => defined('ROOTDIR') ? ROOTDIR : ''];
    }

    /** Settings > Run now: one task at once, whatever ran today; its outcome becomes the flash. */
    private function runTask(array $form): string
    {
        try {
            $outcomes = ipmanager_task_run(Runtime::admin(), ['task' => (string) ($form['task'] ?? ''), 'trigger' => 'admin']);
            $statuses = array_column($outcomes, 'status');
            $level = in_array('failed', $statuses, true) ? 'danger' : (in_array('done', $statuses, true) ? 'success' : 'info');
            $this->flash(implode("\n", array_merge(...array_column($outcomes, 'lines'))), $level);
        } catch (\Throwable $e) {
            $this->flash($this->describe($e), 'danger');
        }
        return $this->redirect('settings', []);
    }

    /** The CSV report a task run kept (the IP Cleaner's), as a download. */
    private function taskReport(array $form): string
    {
        try {
            $report = ipmanager_task_report(Runtime::admin(), ['run_id' => (string) ($form['run_id'] ?? '')]);
        } catch (\Throwable $e) {
            $this->flash($this->describe($e), 'danger');
            return $this->redirect('settings', []);
        }
        return $this->stream($report['file_name'], 'text/csv; charset=utf-8', static function () use ($report) {
            echo $report['content'];
        });
    }

    /**
     * The extension's own messages are written for operators; anything else
     * (a PHP error in this shim) is named as such so it can be reported.
     */
    private function describe(\Throwable $e): string
    {
        if ($e instanceof \IpManagerException) {
            return $e->getMessage();
        }
        return sprintf('%s: %s (%s line %d)', get_class($e), $e->getMessage(), basename($e->getFile()), $e->getLine());
    }

    /**
     * A step of a long task driven by the page's script (one batch per
     * request, so the page can show progress): POST with the CSRF token,
     * answered with JSON, outside WHMCS's page layout.
     */
    private function json(string $function, array $form, string $method): void
    {
        $status = 200;
        if ($method !== 'POST' || !function_exists('check_token') || !check_token('WHMCS.admin.default')) {
            [$status, $body] = [403, ['error' => $this->lang('csrf_failed')]];
        } else {
            unset($form['token']);
            try {
                $body = $function(Runtime::admin(), $form);
            } catch (\Throwable $e) {
                [$status, $body] = [$e instanceof \IpManagerInvalidInputException ? 400 : 500, ['error' => $this->describe($e)]];
            }
        }
        while (ob_get_level() > 0) {
            ob_end_clean();
        }
        http_response_code($status);
        header('Content-Type: application/json; charset=utf-8');
        echo json_encode($body);
        exit;
    }

    /**
     * Export and Import: POST-only steps with a CSRF check each. An upload
     * larger than post_max_size arrives without its form fields (and so
     * without the token), so that is recognised first.
     */
    private function exchange(array $route, array $form, string $method): string
    {
        if ($method !== 'POST') {
            return $this->render('problem', $route['tab'], ['message' => $this->lang('post_only')]);
        }
        if ($form === [] && $_FILES === [] && (int) ($_SERVER['CONTENT_LENGTH'] ?? 0) > 0) {
            return $this->importPage(sprintf($this->lang('upload_too_large'), $this->size($this->bytes((string) ini_get('post_max_size')))));
        }
        if (!function_exists('check_token') || !check_token('WHMCS.admin.default')) {
            return $this->render('problem', $route['tab'], ['message' => $this->lang('csrf_failed')]);
        }
        unset($form['token']);
        return $this->{$route['handler']}($form);
    }

    /**
     * Streams the export to the browser as a download, outside WHMCS's page:
     * its output buffers are dropped and the request ends when the file does.
     */
    private function download(array $form): string
    {
        $request = ['format' => (string) ($form['format'] ?? ''), 'date' => date('Y-m-d')];
        try {
            $file = ipmanager_export_file(Runtime::admin(), $request);
            // Reaches the database once, so a problem there is a message on the page, not a broken file.
            ipmanager_export_page(Runtime::admin(), []);
        } catch (\Throwable $e) {
            $this->flash($this->describe($e), 'danger');
            return $this->redirect('export', []);
        }
        return $this->stream($file['file_name'], $file['content_type'], static fn () => ipmanager_export(Runtime::admin(), $request + [
            'addresses' => (string) ($form['addresses'] ?? ''),
            'configurations' => (string) ($form['configurations'] ?? ''),
        ]));
    }

    /** The log entries the filters show, as a CSV download. */
    private function logsDownload(array $form): string
    {
        try {
            // Checks the filters and reaches the database before any header is sent.
            ipmanager_log_list(Runtime::admin(), $form);
        } catch (\Throwable $e) {
            $this->flash($this->describe($e), 'danger');
            return $this->redirect('logs', []);
        }
        return $this->stream('ipmanager_logs_' . date('Y-m-d') . '.csv', 'text/csv; charset=utf-8',
            static fn () => ipmanager_log_csv(Runtime::admin(), $form));
    }

    /**
     * Sends a file the extension writes while it reads it, outside WHMCS's
     * page: output buffers are dropped and the request ends with the file.
     */
    private function stream(string $fileName, string $contentType, callable $write): string
    {
        while (ob_get_level() > 0) {
            ob_end_clean();
        }
        // Other pages of this admin must not wait for the download to finish.
        session_write_close();
        header('Content-Type: ' . $contentType);
        header('Content-Disposition: attachment; filename="' . $fileName . '"');
        header('Cache-Control: no-store');
        header('X-Content-Type-Options: nosniff');
        try {
            $write();
        } catch (\Throwable $e) {
            // The headers are gone; the browser keeps a cut-off file, so say why where admins look.
            logActivity('IP Manager download of ' . $fileName . ' stopped, the file is incomplete: ' . $this->describe($e));
        }
        exit;
    }

    /** Keeps the upload and shows what importing it would do. */
    private function importPreview(array $form): string
    {
        $source = (string) ($form['source'] ?? 'auto');
        try {
            $limit = min((int) ipmanager_import_page(Runtime::admin(), [])['max_bytes'], $this->bytes((string) ini_get('upload_max_filesize')));
            $token = Uploads::keep($_FILES['file'] ?? null, $limit);
        } catch (UploadRejected $e) {
            return $this->importPage(sprintf($this->lang($e->reason), $this->size($limit)));
        } catch (\Throwable $e) {
            return $this->importPage($this->describe($e));
        }
        try {
            $data = ipmanager_import_preview(Runtime::admin(), ['file' => Uploads::path($token), 'source' => $source]);
        } catch (\Throwable $e) {
            Uploads::discard($token);
            return $this->importPage($this->describe($e));
        }
        return $this->render('import_preview', 'import', [
            'data' => $data, 'upload' => $token, 'source' => $source, 'name' => (string) ($_FILES['file']['name'] ?? ''),
        ]);
    }

    /** Imports the kept upload in one transaction, then deletes it. */
    private function importRun(array $form): string
    {
        $token = (string) ($form['upload'] ?? '');
        $path = Uploads::path($token);
        if ($path === null) {
            $this->flash($this->lang('upload_gone'), 'danger');
            return $this->redirect('import', []);
        }
        try {
            $saved = ipmanager_import(Runtime::admin(), [
                'file' => $path, 'source' => (string) ($form['source'] ?? 'auto'), 'on_problem' => (string) ($form['on_problem'] ?? 'stop'),
            ]);
        } catch (\Throwable $e) {
            $this->flash($this->describe($e), 'danger');
            return $this->redirect('import', []);
        } finally {
            Uploads::discard($token);
        }
        $this->flash($saved['message'], 'success');
        return $this->redirect('subnets', []);
    }

    private function pastePreview(array $form): string
    {
        try {
            $data = ipmanager_paste_preview(Runtime::admin(), $form);
        } catch (\Throwable $e) {
            return $this->importPage($this->describe($e));
        }
        return $this->render('import_preview', 'import', ['data' => $data, 'paste' => $form]);
    }

    /** The Import page again, with what went wrong above its forms. */
    private function importPage(string $error): string
    {
        try {
            $data = ipmanager_import_page(Runtime::admin(), []);
        } catch (\Throwable $e) {
            return $this->render('problem', 'import', ['message' => $this->describe($e)]);
        }
        return $this->render('import', 'import', ['data' => $data, 'error' => $error]);
    }

    /** `64 MiB` or `512 KiB`. */
    private function size(int $bytes): string
    {
        return $bytes >= 1048576 ? round($bytes / 1048576, 1) . ' MiB' : round($bytes / 1024, 1) . ' KiB';
    }

    /** `64M` (php.ini shorthand) in bytes. */
    private function bytes(string $shorthand): int
    {
        $units = ['k' => 1024, 'm' => 1048576, 'g' => 1073741824];
        $unit = strtolower(substr(trim($shorthand), -1));
        return (int) $shorthand * ($units[$unit] ?? 1) ?: PHP_INT_MAX;
    }

    /** After a failed POST-only action, back to the page it came from. */
    private function redirectBack(array $route, array $form, string $message, string $level): string
    {
        $this->flash($message, $level);
        if (isset($route['then_id'])) {
            return $this->redirect($route['then'], ['id' => $form[$route['then_id']] ?? '']);
        }
        if (isset($form['service_id'])) {
            return $this->redirect($route['tab'], ['service_id' => $form['service_id']]);
        }
        return $this->redirect($route['tab'], $this->kept($route, $form));
    }

    /** The list filters a route's form carries back to its page (`keep`). */
    private function kept(array $route, array $form): array
    {
        $kept = [];
        foreach ($route['keep'] ?? [] as $field) {
            if (isset($form[$field]) && $form[$field] !== '') {
                $kept[$field] = (string) $form[$field];
            }
        }
        return $kept;
    }

    private function redirect(string $action, array $params): string
    {
        $url = $this->moduleLink() . '&action=' . rawurlencode($action);
        foreach ($params as $key => $value) {
            $url .= '&' . rawurlencode($key) . '=' . rawurlencode((string) $value);
        }
        header('Location: ' . $url, true, 303);
        return '';
    }

    private function flash(string $message, string $level): void
    {
        $_SESSION[self::FLASH] = ['message' => $message, 'level' => $level];
    }

    private function lang(string $key): string
    {
        return (string) ($this->vars['_lang'][$key] ?? $key);
    }

    private function moduleLink(): string
    {
        return (string) ($this->vars['modulelink'] ?? 'addonmodules.php?module=ipmanager');
    }

    private function render(string $template, string $activeTab, array $variables): string
    {
        $tabs = [];
        foreach (self::TABS as $action => $label) {
            $tabs[] = ['action' => $action, 'label' => $this->lang($label)];
        }
        $flash = $_SESSION[self::FLASH] ?? null;
        unset($_SESSION[self::FLASH]);
        return View::render('admin/layout.tpl', $variables + [
            'page' => $template,
            'tabs' => $tabs,
            'activeTab' => $activeTab,
            'flash' => $flash,
            'errors' => [],
            'error' => '',
            'modulelink' => $this->moduleLink(),
            '_lang' => $this->vars['_lang'] ?? [],
            'csrfToken' => function_exists('generate_token') ? generate_token('plain') : '',
        ]);
    }
}
