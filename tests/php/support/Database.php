<?php

namespace IpManager\Tests;

/** The test MariaDB named by DB_HOST/DB_PORT/DB_USER/DB_PASS (scripts/db-env.sh). */
final class Database
{
    private static int $counter = 0;

    public static function settings(string $name = ''): array
    {
        return [
            'db_host' => getenv('DB_HOST') ?: '127.0.0.1',
            'db_port' => getenv('DB_PORT') ?: '3306',
            'db_username' => getenv('DB_USER') ?: 'root',
            'db_password' => (string) getenv('DB_PASS'),
            'db_name' => $name,
        ];
    }

    public static function server(): \PDO
    {
        $s = self::settings();
        return new \PDO(
            "mysql:host={$s['db_host']};port={$s['db_port']};charset=utf8mb4",
            $s['db_username'],
            $s['db_password'],
            [\PDO::ATTR_ERRMODE => \PDO::ERRMODE_EXCEPTION]
        );
    }

    /** A new, empty database; its name is unique to this test run. */
    public static function create(string $purpose): string
    {
        $name = sprintf('ipm_php_%s_%d_%d', $purpose, getmypid(), ++self::$counter);
        self::server()->exec("DROP DATABASE IF EXISTS `$name`");
        self::server()->exec("CREATE DATABASE `$name` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        return $name;
    }

    public static function drop(string $name): void
    {
        self::server()->exec("DROP DATABASE IF EXISTS `$name`");
    }

    public static function connect(string $name): \PDO
    {
        $s = self::settings();
        return new \PDO(
            "mysql:host={$s['db_host']};port={$s['db_port']};dbname=$name;charset=utf8mb4",
            $s['db_username'],
            $s['db_password'],
            [\PDO::ATTR_ERRMODE => \PDO::ERRMODE_EXCEPTION, \PDO::ATTR_DEFAULT_FETCH_MODE => \PDO::FETCH_ASSOC]
        );
    }
}
