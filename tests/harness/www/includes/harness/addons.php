<?php
/**
 * Addon module management: what Setup > Addon Modules and the addon routers do with
 * modules/addons/NAME/NAME.php and tbladdonmodules (whmcs-reference.md sections 1 and 9.1).
 * Shared by admin/configaddonmods.php, admin/addonmodules.php, index.php and bin/addon.php.
 */

namespace Harness;

use WHMCS\Database\Capsule;

final class AddonModules
{
    private const NAME_PATTERN = '/^[a-z][a-z0-9_]*$/';
    public const FULL_ADMIN_ROLE = 1;

    public static function directory(string $name): string
    {
        return ROOTDIR . '/modules/addons/' . $name;
    }

    /** Names of the modules present on disk (a folder with NAME.php), sorted. */
    public static function installed(): array
    {
        $names = [];
        foreach (glob(ROOTDIR . '/modules/addons/*', GLOB_ONLYDIR) ?: [] as $dir) {
            $name = basename($dir);
            if (preg_match(self::NAME_PATTERN, $name) && is_file("{$dir}/{$name}.php")) {
                $names[] = $name;
            }
        }
        sort($names);
        return $names;
    }

    /** Includes the module's main file; false when the name is invalid or the file is missing. */
    public static function load(string $name): bool
    {
        $file = self::directory($name) . "/{$name}.php";
        if (!preg_match(self::NAME_PATTERN, $name) || !is_file($file)) {
            return false;
        }
        require_once $file;
        return true;
    }

    public static function config(string $name): array
    {
        $function = $name . '_config';
        return self::load($name) && function_exists($function) ? (array) $function() : [];
    }

    /** @return array<string, string> setting => value from tbladdonmodules */
    public static function settings(string $name): array
    {
        return Capsule::table('tbladdonmodules')->where('module', $name)->pluck('value', 'setting')->all();
    }

    /** Active = has a `version` row. */
    public static function activeNames(): array
    {
        return Capsule::table('tbladdonmodules')->where('setting', 'version')->orderBy('module')->pluck('module')->all();
    }

    public static function isActive(string $name): bool
    {
        return Capsule::table('tbladdonmodules')->where('module', $name)->where('setting', 'version')->exists();
    }

    /** The `access` row holds the comma-separated admin role ids allowed to use the module. */
    public static function canAccess(string $name, int $roleId): bool
    {
        $access = (string) Capsule::table('tbladdonmodules')->where('module', $name)->where('setting', 'access')->value('value');
        return in_array((string) $roleId, explode(',', $access), true);
    }

    /**
     * Calls NAME_activate(); unless it reports an error, stores every field's Default, the
     * `version` and `access` = the Full Administrator role.
     * @return array{status: string, description: string}
     */
    public static function activate(string $name): array
    {
        if (!self::load($name)) {
            return self::result('error', 'Module not found');
        }
        if (self::isActive($name)) {
            return self::result('info', 'Module is already active');
        }
        $result = self::callLifecycle($name . '_activate');
        if ($result['status'] === 'error') {
            return $result;
        }
        $config = self::config($name);
        $settings = [];
        foreach ((array) ($config['fields'] ?? []) as $key => $field) {
            $settings[$key] = self::defaultValue((array) $field);
        }
        $settings['version'] = (string) ($config['version'] ?? '');
        $settings['access'] = (string) self::FULL_ADMIN_ROLE;
        self::storeSettings($name, $settings);
        return $result;
    }

    /**
     * Calls NAME_deactivate(); unless it reports an error, deletes the module's rows. A module
     * whose files are gone can still be deactivated.
     * @return array{status: string, description: string}
     */
    public static function deactivate(string $name): array
    {
        $result = self::load($name) ? self::callLifecycle($name . '_deactivate') : self::result('success', '');
        if ($result['status'] !== 'error') {
            Capsule::table('tbladdonmodules')->where('module', $name)->delete();
        }
        return $result;
    }

    /**
     * Saves the Configure form: field values by Type (yesno → 'on' or '') and the role ids
     * allowed to access the module, then fires AddonModuleConfigSave.
     */
    public static function saveConfiguration(string $name, array $submitted, array $roleIds): void
    {
        $settings = [];
        foreach ((array) (self::config($name)['fields'] ?? []) as $key => $field) {
            $value = $submitted[$key] ?? '';
            $settings[$key] = ($field['Type'] ?? '') === 'yesno' ? (empty($value) ? '' : 'on') : (string) $value;
        }
        $roleIds = array_unique(array_map('intval', $roleIds));
        sort($roleIds);
        $settings['access'] = implode(',', $roleIds);
        self::storeSettings($name, $settings);
        run_hook('AddonModuleConfigSave', []);
    }

    /**
     * When the stored version differs from _config()['version'], calls
     * NAME_upgrade(['version' => old]) and stores the new version. Returns the old version,
     * or null when nothing changed.
     */
    public static function upgradeIfNeeded(string $name): ?string
    {
        $stored = self::settings($name)['version'] ?? null;
        $current = (string) (self::config($name)['version'] ?? '');
        if ($stored === null || $stored === $current) {
            return null;
        }
        $function = $name . '_upgrade';
        if (function_exists($function)) {
            $function(['version' => $stored]);
        }
        self::storeSettings($name, ['version' => $current]);
        return $stored;
    }

    /** The $vars passed to _output, _sidebar and _clientarea (reference 1.4). */
    public static function vars(string $name, string $moduleLink, string $language): array
    {
        $config = self::config($name);
        $settings = self::settings($name);
        $vars = [
            'modulelink' => $moduleLink,
            'version' => $settings['version'] ?? (string) ($config['version'] ?? ''),
            '_lang' => self::language($name, $language, (string) ($config['language'] ?? 'english')),
        ];
        foreach (array_keys((array) ($config['fields'] ?? [])) as $key) {
            $vars[$key] = $settings[$key] ?? '';
        }
        return $vars;
    }

    /** $_ADDONLANG from lang/<language>.php, falling back to the module's default language, then English. */
    public static function language(string $name, string $language, string $defaultLanguage): array
    {
        foreach ([$language, $defaultLanguage, 'english'] as $candidate) {
            $file = self::directory($name) . '/lang/' . $candidate . '.php';
            if (preg_match('/^[a-z][a-z_-]*$/i', $candidate) && is_file($file)) {
                return (static function (string $file): array {
                    $_ADDONLANG = [];
                    include $file;
                    return (array) $_ADDONLANG;
                })($file);
            }
        }
        return [];
    }

    private static function defaultValue(array $field): string
    {
        $default = $field['Default'] ?? '';
        if (($field['Type'] ?? '') === 'yesno') {
            return in_array($default, [true, 1, '1', 'on', 'yes'], true) ? 'on' : '';
        }
        return (string) $default;
    }

    private static function storeSettings(string $name, array $settings): void
    {
        Capsule::connection()->transaction(static function () use ($name, $settings): void {
            foreach ($settings as $setting => $value) {
                Capsule::table('tbladdonmodules')->updateOrInsert(
                    ['module' => $name, 'setting' => (string) $setting],
                    ['value' => $value]
                );
            }
        });
    }

    /** Runs NAME_activate/NAME_deactivate; a missing function or a void return means success. */
    private static function callLifecycle(string $function): array
    {
        if (!function_exists($function)) {
            return self::result('success', '');
        }
        try {
            $returned = $function();
        } catch (\Throwable $e) {
            return self::result('error', $e->getMessage());
        }
        return is_array($returned)
            ? self::result((string) ($returned['status'] ?? 'success'), (string) ($returned['description'] ?? ''))
            : self::result('success', '');
    }

    private static function result(string $status, string $description): array
    {
        return ['status' => $status, 'description' => $description];
    }
}
