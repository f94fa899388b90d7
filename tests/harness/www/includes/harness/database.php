<?php
/**
 * Database layer: WHMCS\Database\Capsule and WHMCS\Config\Setting (whmcs-reference.md section 5).
 *
 * WHMCS bundles illuminate/database and exposes the Capsule manager under its own name; the
 * harness uses Debian's php-illuminate-database (8.x) the same way.
 */

namespace WHMCS\Database {

    class Capsule extends \Illuminate\Database\Capsule\Manager
    {
    }
}

namespace WHMCS\Config {

    use WHMCS\Database\Capsule;

    /** tblconfiguration access, as in \WHMCS\Config\Setting::getValue('SystemURL'). */
    class Setting
    {
        public static function getValue(string $setting): ?string
        {
            $value = Capsule::table('tblconfiguration')->where('setting', $setting)->value('value');
            return $value === null ? null : (string) $value;
        }

        public static function setValue(string $setting, $value): void
        {
            $now = date('Y-m-d H:i:s');
            Capsule::table('tblconfiguration')->updateOrInsert(
                ['setting' => $setting],
                ['value' => (string) $value, 'updated_at' => $now]
            );
        }
    }
}

namespace Harness {

    use WHMCS\Database\Capsule;

    final class Database
    {
        /** Connects Capsule with the configuration.php globals and makes it the global instance. */
        public static function boot(): void
        {
            $capsule = new Capsule();
            $capsule->addConnection(self::connectionConfig($GLOBALS));
            $capsule->setAsGlobal();
            // Addons may declare their own Eloquent models, as WHMCS's own models are Eloquent.
            $capsule->bootEloquent();
        }

        /**
         * Translates configuration.php variables into an Illuminate connection array.
         * $db_host may be "host", "host:port" or a socket path, as WHMCS installs accept.
         */
        public static function connectionConfig(array $config): array
        {
            $charset = (string) ($config['mysql_charset'] ?? 'utf8mb4') ?: 'utf8mb4';
            $connection = [
                'driver' => 'mysql',
                'database' => (string) $config['db_name'],
                'username' => (string) $config['db_username'],
                'password' => (string) ($config['db_password'] ?? ''),
                'charset' => $charset,
                'collation' => $charset . '_unicode_ci',
                'prefix' => '',
                // WHMCS does not support MySQL strict mode; Laravel's non-strict setting
                // (sql_mode NO_ENGINE_SUBSTITUTION) reproduces what addons meet in production.
                'strict' => false,
            ];
            $host = (string) $config['db_host'];
            if (str_starts_with($host, '/')) {
                return $connection + ['host' => 'localhost', 'unix_socket' => $host];
            }
            $port = (string) ($config['db_port'] ?? '');
            if (preg_match('/^([^:]+):(\d+)$/', $host, $m)) {
                [$host, $port] = [$m[1], $m[2]];
            }
            return $connection + ['host' => $host, 'port' => $port !== '' ? $port : '3306'];
        }
    }
}
