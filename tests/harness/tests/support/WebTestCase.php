<?php

namespace HarnessTests\Support;

use PHPUnit\Framework\TestCase;

/** Base for tests that drive a harness root over HTTP; servers live for one test class. */
abstract class WebTestCase extends TestCase
{
    /** @var list<WebServer> */
    private static array $servers = [];

    protected static function serve(string $root): WebServer
    {
        return self::$servers[] = new WebServer($root);
    }

    public static function tearDownAfterClass(): void
    {
        foreach (self::$servers as $server) {
            $server->stop();
        }
        self::$servers = [];
    }

    /** Fails with the server log when a page printed PHP warnings or notices. */
    protected static function assertCleanLog(WebServer $server): void
    {
        self::assertDoesNotMatchRegularExpression('/PHP (Warning|Notice|Fatal|Parse)/', $server->log(), $server->log());
    }
}
