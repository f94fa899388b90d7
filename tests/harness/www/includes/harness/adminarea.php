<?php
/**
 * Admin-area plumbing: session login, CSRF enforcement on every POST, the Addons menu and the
 * Blend-like Bootstrap 3 layout (whmcs-reference.md 1.4, 1.6, 6.4).
 */

namespace Harness;

use WHMCS\Database\Capsule;

final class AdminArea
{
    /**
     * Starts an admin page: rejects a POST without a valid token and sends anonymous visitors
     * to the login form. Returns the logged-in admin (tbladmins row).
     */
    public static function boot(): object
    {
        self::checkCsrf();
        $admin = self::admin();
        if ($admin === null) {
            if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'GET') {
                $_SESSION['harness_admin_redirect'] = (string) ($_SERVER['REQUEST_URI'] ?? '');
            }
            redirect('login.php');
        }
        return $admin;
    }

    /** Ends the request with 403 when a POST does not carry the session's CSRF token. */
    public static function checkCsrf(): void
    {
        if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST' && !check_token('WHMCS.admin.default')) {
            http_response_code(403);
            self::render(self::admin(), 'Error', '<div class="alert alert-danger">Invalid CSRF Protection Token</div>');
            exit;
        }
    }

    public static function admin(): ?object
    {
        $id = (int) ($_SESSION['adminid'] ?? 0);
        return $id > 0 ? Capsule::table('tbladmins')->where('id', $id)->where('disabled', 0)->first() : null;
    }

    public static function language(object $admin): string
    {
        return (string) $admin->language !== '' ? (string) $admin->language : 'english';
    }

    public static function isFullAdmin(object $admin): bool
    {
        return (int) $admin->roleid === AddonModules::FULL_ADMIN_ROLE;
    }

    /** @return array<string, string> module => display name, for active addons the role may use */
    public static function accessibleAddons(object $admin): array
    {
        $addons = [];
        foreach (AddonModules::activeNames() as $module) {
            if (AddonModules::canAccess($module, (int) $admin->roleid)) {
                $addons[$module] = (string) (AddonModules::config($module)['name'] ?? $module);
            }
        }
        return $addons;
    }

    /**
     * WHMCS adds the CSRF token to admin forms itself, so addon forms posted back to
     * addonmodules.php do not carry one; the harness reproduces that for POST forms.
     */
    public static function injectToken(string $html): string
    {
        $input = generate_token('form');
        return preg_replace_callback(
            '/<form\b[^>]*>/i',
            static fn (array $m): string => preg_match('/\bmethod\s*=\s*["\']?post\b/i', $m[0]) ? $m[0] . $input : $m[0],
            $html
        );
    }

    /** Prints a full admin page around $content (HTML) and an optional $sidebar (HTML). */
    public static function render(?object $admin, string $title, string $content, string $sidebar = ''): void
    {
        $addons = $admin !== null ? self::accessibleAddons($admin) : [];
        $hookVars = [
            'charset' => 'utf-8',
            'template' => 'blend',
            'adminid' => $admin !== null ? (int) $admin->id : 0,
            'admin_username' => $admin !== null ? (string) $admin->username : '',
            'addon_modules' => array_keys($addons),
            'filename' => basename((string) ($_SERVER['SCRIPT_NAME'] ?? ''), '.php'),
            'pagetitle' => $title,
        ];
        $headOutput = $admin !== null ? implode("\n", array_filter(run_hook('AdminAreaHeadOutput', $hookVars), 'is_string')) : '';
        $footerOutput = $admin !== null ? implode("\n", array_filter(run_hook('AdminAreaFooterOutput', $hookVars), 'is_string')) : '';
        $assets = View::webRoot() . '/assets/vendor';
        $isFullAdmin = $admin !== null && self::isFullAdmin($admin);
        require __DIR__ . '/admin-layout.phtml';
    }
}
