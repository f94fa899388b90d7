<?php

namespace IpManager\Tests;

/** Runs PHP the way WHMCS would, with or without the extension. */
final class Process
{
    public static function repoRoot(): string
    {
        return dirname(__DIR__, 3);
    }

    public static function extension(): string
    {
        return (string) getenv('IPMANAGER_SO');
    }

    /** php -n plus the extensions WHMCS needs, and ours unless told otherwise. */
    public static function phpArgs(bool $withExtension = true, array $ini = []): array
    {
        $args = [PHP_BINARY];
        foreach ($ini + ['error_reporting' => (string) (E_ALL & ~E_DEPRECATED)] as $key => $value) {
            $args[] = '-d';
            $args[] = $key . '=' . $value;
        }
        if ($withExtension) {
            $args[] = '-d';
            $args[] = 'extension=' . self::extension();
        }
        return $args;
    }

    /**
     * Runs PHP code in a fresh process; returns [exit code, stdout, stderr].
     * The code may use $argv-free globals only.
     */
    public static function runPhp(string $code, bool $withExtension = true, array $ini = [], ?string $cwd = null): array
    {
        $file = tempnam(sys_get_temp_dir(), 'ipm-php-');
        file_put_contents($file, "<?php\n" . $code);
        try {
            return self::run(array_merge(self::phpArgs($withExtension, $ini), [$file]), $cwd);
        } finally {
            unlink($file);
        }
    }

    public static function run(array $command, ?string $cwd = null, ?array $env = null): array
    {
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, $cwd, $env);
        if (!is_resource($process)) {
            throw new \RuntimeException('cannot start ' . implode(' ', $command));
        }
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [proc_close($process), $out, $err];
    }

    /** Runs PHP code and decodes the JSON it prints; fails loudly otherwise. */
    public static function json(string $code, bool $withExtension = true, array $ini = []): array
    {
        [$exit, $out, $err] = self::runPhp($code, $withExtension, $ini);
        $decoded = json_decode($out, true);
        if ($exit !== 0 || !is_array($decoded)) {
            throw new \RuntimeException("PHP exited with $exit\nstdout: $out\nstderr: $err");
        }
        return $decoded;
    }

    public static function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($socket, false);
        fclose($socket);
        return (int) substr($name, strrpos($name, ':') + 1);
    }

    public static function waitForPort(int $port, float $seconds = 10.0): void
    {
        $deadline = microtime(true) + $seconds;
        while (microtime(true) < $deadline) {
            $socket = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 0.2);
            if ($socket) {
                fclose($socket);
                return;
            }
            usleep(50000);
        }
        throw new \RuntimeException("nothing listens on 127.0.0.1:$port after {$seconds}s");
    }
}
