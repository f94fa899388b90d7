<?php

namespace HarnessTests\Support;

/** `php -S 127.0.0.1:<free port> -t ROOT`, started and stopped by the test that needs it. */
final class WebServer
{
    /** @var resource */
    private $process;
    private string $logFile;
    public string $baseUrl;

    public function __construct(string $root)
    {
        $port = self::freePort();
        $this->logFile = tempnam(sys_get_temp_dir(), 'harness-web-');
        $this->baseUrl = "http://127.0.0.1:{$port}";
        // The array form runs php directly (no shell), so proc_terminate() reaches the server.
        $this->process = proc_open(
            [PHP_BINARY, '-S', "127.0.0.1:{$port}", '-t', $root],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', $this->logFile, 'a'], 2 => ['file', $this->logFile, 'a']],
            $pipes
        );
        $this->waitUntilReady($port);
    }

    public function stop(): void
    {
        if (is_resource($this->process)) {
            proc_terminate($this->process);
            proc_close($this->process);
        }
        @unlink($this->logFile);
    }

    /** The server's log (request lines and PHP warnings). */
    public function log(): string
    {
        return (string) file_get_contents($this->logFile);
    }

    private static function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);
        return $port;
    }

    /** Polls until our own process accepts connections (not a stale server on the same port). */
    private function waitUntilReady(int $port): void
    {
        for ($attempt = 0; $attempt < 100; $attempt++) {
            if (!proc_get_status($this->process)['running']) {
                throw new \RuntimeException("php -S exited:\n" . $this->log());
            }
            $connection = @fsockopen('127.0.0.1', $port, $errno, $errstr, 0.1);
            if ($connection !== false) {
                fclose($connection);
                return;
            }
            usleep(50000);
        }
        throw new \RuntimeException("php -S did not start on port {$port}");
    }
}
