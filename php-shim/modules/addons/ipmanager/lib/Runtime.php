<?php
/**
 * The shim's one contact point with the extension: checks that it is loaded
 * and of the same version as these PHP files, hands it WHMCS's database
 * settings, and turns anything that goes wrong into a message an operator can
 * act on. Nothing here decides anything about addresses.
 */

namespace WHMCS\Module\Addon\Ipmanager;

final class Runtime
{
    /** Must equal the extension's version (Cargo.toml); a test keeps them in step. */
    public const VERSION = '0.1.0';

    private static ?string $problem = null;
    private static bool $booted = false;

    /**
     * Makes the extension ready for this request. Returns null when it is, or
     * a message saying exactly what is wrong and how to fix it.
     */
    public static function boot(): ?string
    {
        if (self::$booted) {
            return self::$problem;
        }
        self::$booted = true;
        self::$problem = self::check();
        return self::$problem;
    }

    private static function check(): ?string
    {
        if (!extension_loaded('ipmanager') || !function_exists('ipmanager_version')) {
            $ini = php_ini_loaded_file() ?: 'php.ini';
            return sprintf(
                'The ipmanager PHP extension is not loaded in this PHP (%s, %s). Copy ipmanager.so into %s, '
                . 'add "extension=ipmanager" to %s (or a file in its conf.d directory), then restart PHP-FPM '
                . 'or the web server. See INSTALL.md.',
                PHP_VERSION,
                PHP_SAPI,
                ini_get('extension_dir') ?: 'the extension directory',
                $ini
            );
        }
        $extension = ipmanager_version();
        if ($extension !== self::VERSION) {
            return sprintf(
                'Version mismatch: the IP Manager PHP files are version %s but the loaded ipmanager extension '
                . 'is version %s. Install the extension and the modules/addons/ipmanager folder from the same '
                . 'release, then restart PHP-FPM or the web server.',
                self::VERSION,
                $extension
            );
        }
        try {
            ipmanager_connect(self::databaseSettings());
        } catch (\Throwable $e) {
            return 'IP Manager cannot use the WHMCS database settings: ' . $e->getMessage();
        }
        return null;
    }

    /** WHMCS's connection settings, read from configuration.php as WHMCS itself does. */
    public static function databaseSettings(): array
    {
        $settings = self::configuration();
        return [
            'db_host' => (string) ($settings['db_host'] ?? ''),
            'db_port' => (string) ($settings['db_port'] ?? ''),
            'db_username' => (string) ($settings['db_username'] ?? ''),
            'db_password' => (string) ($settings['db_password'] ?? ''),
            'db_name' => (string) ($settings['db_name'] ?? ''),
            'default_socket' => (string) (ini_get('pdo_mysql.default_socket') ?: ini_get('mysqli.default_socket')),
        ];
    }

    /** Smarty's compile directory as configured for WHMCS. */
    public static function compileDirectory(): string
    {
        $dir = (string) (self::configuration()['templates_compiledir'] ?? '');
        if ($dir === '') {
            return sys_get_temp_dir();
        }
        return $dir[0] === '/' ? $dir : ROOTDIR . '/' . $dir;
    }

    private static function configuration(): array
    {
        static $values = null;
        if ($values === null) {
            // Included in its own scope so that nothing leaks into or out of it.
            $values = (static function (string $file): array {
                if (!is_readable($file)) {
                    return [];
                }
                include $file;
                return get_defined_vars();
            })(ROOTDIR . '/configuration.php');
            unset($values['file']);
        }
        return $values;
    }

    /**
     * Runs a hook body so that it can never break a WHMCS page: a problem is
     * written to the activity log and the hook returns $unavailable (the
     * extension cannot run at all) or $failed (it ran and failed).
     */
    public static function guardHook(string $hookPoint, callable $body, $unavailable = null, $failed = null)
    {
        $problem = self::boot();
        if ($problem !== null) {
            self::logProblem($hookPoint, $problem);
            return $unavailable;
        }
        try {
            return $body();
        } catch (\Throwable $e) {
            self::logProblem($hookPoint, $e->getMessage());
            return $failed ?? $unavailable;
        }
    }

    private static function logProblem(string $where, string $message): void
    {
        if (function_exists('logActivity')) {
            logActivity('IP Manager (' . $where . '): ' . $message);
        } else {
            error_log('IP Manager (' . $where . '): ' . $message);
        }
    }

    /**
     * The module's language strings for hooks, which WHMCS does not hand
     * $_ADDONLANG: the admin's or client's language, falling back to English.
     */
    public static function language(): array
    {
        static $strings = null;
        if ($strings === null) {
            $language = strtolower((string) ($_SESSION['Language'] ?? 'english'));
            $file = dirname(__DIR__) . '/lang/' . basename($language) . '.php';
            $_ADDONLANG = [];
            include is_readable($file) ? $file : dirname(__DIR__) . '/lang/english.php';
            $strings = $_ADDONLANG;
        }
        return $strings;
    }

    /**
     * Brings the tables up to this release's schema when they are behind
     * (migrations are idempotent and locked, so any request may do it).
     * Returns null when they are ready, or what is wrong in $lang's words.
     */
    public static function schemaProblem(array $actor, array $lang): ?string
    {
        try {
            $status = ipmanager_schema_status();
            if ($status['ready']) {
                return null;
            }
            if ((int) $status['installed_version'] === 0) {
                return $lang['not_activated'];
            }
            ipmanager_module_upgrade($actor, 'schema check');
            $status = ipmanager_schema_status();
        } catch (\Throwable $e) {
            return sprintf($lang['schema_failed'], $e->getMessage());
        }
        return $status['ready'] ? null : sprintf($lang['schema_outdated'], $status['installed_version'], $status['expected_version']);
    }

    /** The acting admin, as every admin-side call passes it to the extension. */
    public static function admin(): array
    {
        return ['admin_id' => (int) ($_SESSION['adminid'] ?? 0), 'ip' => (string) ($_SERVER['REMOTE_ADDR'] ?? '')];
    }

    /** The acting client, as every client-area call passes it to the extension. */
    public static function client(): array
    {
        return ['client_id' => (int) ($_SESSION['uid'] ?? 0), 'ip' => (string) ($_SERVER['REMOTE_ADDR'] ?? '')];
    }
}
