<?php
/**
 * Hook registry: add_hook()/run_hook() and hook file loading (whmcs-reference.md section 2.1).
 *
 * The docs do not say which way priority sorts; the harness runs lower numbers first and keeps
 * registration order for equal priorities (reference 2.1, "Harness" note).
 */

namespace Harness {

    final class Hooks
    {
        /** @var array<string, list<array{priority: int, sequence: int, callback: mixed}>> */
        private static array $registry = [];
        private static int $sequence = 0;

        public static function add(string $point, int $priority, $callback): void
        {
            self::$registry[$point][] = [
                'priority' => $priority,
                'sequence' => self::$sequence++,
                'callback' => $callback,
            ];
        }

        /**
         * Runs every hook of $point with $vars (an array, or a menu Item for the menu hooks) and
         * returns the non-null results in execution order. A throwing hook is logged to the
         * activity log and skipped, so one broken hook cannot take the page down.
         */
        public static function run(string $point, $vars): array
        {
            $hooks = self::$registry[$point] ?? [];
            usort($hooks, static fn (array $a, array $b): int =>
                [$a['priority'], $a['sequence']] <=> [$b['priority'], $b['sequence']]);

            $results = [];
            foreach ($hooks as $hook) {
                if (!is_callable($hook['callback'])) {
                    logActivity(sprintf('Hook Error: %s hook callback is not callable', $point));
                    continue;
                }
                try {
                    $result = call_user_func($hook['callback'], $vars);
                } catch (\Throwable $e) {
                    logActivity(sprintf('Hook Error: %s hook threw %s: %s', $point, get_class($e), $e->getMessage()));
                    continue;
                }
                if ($result !== null) {
                    $results[] = $result;
                }
            }
            return $results;
        }

        /** Forgets every registered hook; lets in-process tests start from a clean registry. */
        public static function reset(): void
        {
            self::$registry = [];
        }

        /**
         * Loads includes/hooks/*.php (except files starting with "_") and the hooks.php of every
         * active addon, as WHMCS does on each page load. Errors are logged, never fatal.
         */
        public static function loadHookFiles(): void
        {
            $files = [];
            foreach (glob(ROOTDIR . '/includes/hooks/*.php') ?: [] as $file) {
                if (!str_starts_with(basename($file), '_')) {
                    $files[] = $file;
                }
            }
            foreach (AddonModules::activeNames() as $module) {
                $file = AddonModules::directory($module) . '/hooks.php';
                if (is_file($file)) {
                    $files[] = $file;
                }
            }
            foreach ($files as $file) {
                self::includeHookFile($file);
            }
        }

        private static function includeHookFile(string $file): void
        {
            try {
                require_once $file;
            } catch (\Throwable $e) {
                $relative = substr($file, strlen(ROOTDIR) + 1);
                logActivity(sprintf('Hook Error: %s threw %s: %s', $relative, get_class($e), $e->getMessage()));
            }
        }
    }
}

namespace {

    /** @param string|array|\Closure $function */
    function add_hook($hookPointName, $priority, $function): void
    {
        \Harness\Hooks::add((string) $hookPointName, (int) $priority, $function);
    }

    /** @param array|\WHMCS\View\Menu\Item $vars */
    function run_hook($hookPointName, $vars): array
    {
        return \Harness\Hooks::run((string) $hookPointName, $vars);
    }
}
