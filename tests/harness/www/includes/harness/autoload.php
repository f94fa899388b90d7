<?php
/**
 * Module class autoloading (whmcs-reference.md 1.1, modules/module-class-autoloading.md):
 * WHMCS\Module\Addon\<StudlyName>\Sub\Cls → modules/addons/<name>/lib/Sub/Cls.php, and the same
 * for WHMCS\Module\Server\… under modules/servers.
 *
 * The documented examples map `sample_addon_module` → SampleAddonModule and `addonmodule` →
 * AddonModule, which no casing rule can derive from the folder name, so folders are matched
 * case-insensitively with underscores ignored.
 */

namespace Harness;

final class ModuleAutoloader
{
    private const PREFIX = 'WHMCS\\Module\\';
    private const TYPES = ['Addon' => 'addons', 'Server' => 'servers'];

    public static function register(): void
    {
        spl_autoload_register([self::class, 'load']);
    }

    public static function load(string $class): void
    {
        if (!str_starts_with($class, self::PREFIX)) {
            return;
        }
        $parts = explode('\\', substr($class, strlen(self::PREFIX)));
        if (count($parts) < 3 || !isset(self::TYPES[$parts[0]])) {
            return;
        }
        $folder = self::moduleFolder(self::TYPES[$parts[0]], $parts[1]);
        if ($folder === null) {
            return;
        }
        $file = $folder . '/lib/' . implode('/', array_slice($parts, 2)) . '.php';
        if (is_file($file)) {
            require_once $file;
        }
    }

    private static function moduleFolder(string $type, string $studlyName): ?string
    {
        $wanted = strtolower($studlyName);
        foreach (glob(ROOTDIR . "/modules/{$type}/*", GLOB_ONLYDIR) ?: [] as $dir) {
            if (strtolower(str_replace('_', '', basename($dir))) === $wanted) {
                return $dir;
            }
        }
        return null;
    }
}
