<?php

namespace HarnessTests\Support;

/**
 * Creates harness roots under one temporary folder, all on the test database and with the same
 * $cc_encryption_hash, so values encrypted through one root decrypt in every other.
 */
final class Roots
{
    private static string $base;
    private static string $encryptionHash;

    public static function init(): void
    {
        self::$base = sys_get_temp_dir() . '/harness-tests-' . getmypid() . '-' . bin2hex(random_bytes(4));
        self::$encryptionHash = bin2hex(random_bytes(32));
        mkdir(self::$base, 0775, true);
    }

    /** The database settings from the HARNESS_DB_* environment (defaults: local root). */
    public static function database(): array
    {
        return [
            'host' => getenv('HARNESS_DB_HOST') ?: '127.0.0.1',
            'port' => getenv('HARNESS_DB_PORT') ?: '3306',
            'user' => getenv('HARNESS_DB_USER') ?: 'root',
            'pass' => (string) getenv('HARNESS_DB_PASS'),
            'name' => (string) getenv('HARNESS_DB_NAME'),
        ];
    }

    /** new-root.sh + configure.php; $configureOptions are extra arguments such as --smarty=3. */
    public static function create(string $label, array $configureOptions = [], ?string $database = null): string
    {
        $db = self::database();
        $dir = self::$base . '/' . $label;
        self::run([self::harnessDir() . '/bin/new-root.sh', $dir]);
        self::run(array_merge([PHP_BINARY, self::harnessDir() . '/bin/configure.php', '--root=' . $dir,
            '--db-host=' . $db['host'], '--db-port=' . $db['port'], '--db-user=' . $db['user'], '--db-pass=' . $db['pass'],
            '--db-name=' . ($database ?? $db['name']), '--cc-encryption-hash=' . self::$encryptionHash], $configureOptions));
        return realpath($dir);
    }

    public static function harnessDir(): string
    {
        return dirname(__DIR__, 2);
    }

    /** Runs a command without a shell; returns its output, throws when it fails. */
    public static function run(array $command): string
    {
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $output = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        $status = proc_close($process);
        if ($status !== 0) {
            throw new \RuntimeException(implode(' ', $command) . " exited with {$status}:\n{$output}");
        }
        return $output;
    }

    public static function cleanup(): void
    {
        if (isset(self::$base) && is_dir(self::$base)) {
            self::run(['rm', '-rf', self::$base]);
        }
    }
}
