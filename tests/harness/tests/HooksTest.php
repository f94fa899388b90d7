<?php

namespace HarnessTests;

use Harness\Hooks;
use HarnessTests\Support\Fixtures;
use PHPUnit\Framework\TestCase;

/** add_hook()/run_hook(): whmcs-reference.md 2.1. */
final class HooksTest extends TestCase
{
    protected function setUp(): void
    {
        Hooks::reset();
    }

    public function testLowerPriorityRunsFirstAndTiesKeepRegistrationOrder(): void
    {
        $order = [];
        add_hook('HarnessOrder', 10, function () use (&$order) { $order[] = 'ten-a'; });
        add_hook('HarnessOrder', -5, function () use (&$order) { $order[] = 'minus-five'; });
        add_hook('HarnessOrder', 10, function () use (&$order) { $order[] = 'ten-b'; });
        add_hook('HarnessOrder', 1, function () use (&$order) { $order[] = 'one'; });
        add_hook('HarnessOrder', 10, function () use (&$order) { $order[] = 'ten-c'; });

        run_hook('HarnessOrder', []);

        $this->assertSame(['minus-five', 'one', 'ten-a', 'ten-b', 'ten-c'], $order);
    }

    public function testResultsAreReturnedInRunOrderWithoutNulls(): void
    {
        add_hook('HarnessResults', 2, fn (array $vars) => ['second' => $vars['n']]);
        add_hook('HarnessResults', 1, fn (array $vars) => 'first');
        add_hook('HarnessResults', 3, fn (array $vars) => null);

        $this->assertSame(['first', ['second' => 7]], run_hook('HarnessResults', ['n' => 7]));
        $this->assertSame([], run_hook('HarnessNobodyListens', []));
    }

    public function testAcceptsFunctionNamesStaticMethodsAndClosures(): void
    {
        add_hook('HarnessCallables', 1, 'strtoupper');
        add_hook('HarnessCallables', 2, [self::class, 'countVars']);

        $this->assertSame(['ABC', 1], run_hook('HarnessCallables', 'abc'));
    }

    public static function countVars($vars): int
    {
        return is_array($vars) ? count($vars) : 1;
    }

    public function testThrowingHookIsLoggedAndTheOthersStillRun(): void
    {
        add_hook('HarnessBroken', 1, function () { throw new \RuntimeException('boom-' . __LINE__); });
        add_hook('HarnessBroken', 2, fn () => 'still running');
        add_hook('HarnessBroken', 3, 'harness_no_such_function');

        $this->assertSame(['still running'], run_hook('HarnessBroken', []));
        $this->assertTrue(Fixtures::activityLogContains('HarnessBroken hook threw RuntimeException: boom-'));
        $this->assertTrue(Fixtures::activityLogContains('HarnessBroken hook callback is not callable'));
    }

    public function testMenuHooksReceiveTheSameItemObject(): void
    {
        add_hook('ClientAreaPrimarySidebar', 1, function (\WHMCS\View\Menu\Item $menu) {
            $menu->addChild('first', ['label' => 'First', 'order' => 20]);
        });
        add_hook('ClientAreaPrimarySidebar', 2, function (\WHMCS\View\Menu\Item $menu) {
            $menu->addChild('second', ['label' => 'Second', 'uri' => 'x.php', 'order' => 10]);
            $menu->getChild('first')->setLabel('First (renamed)');
        });
        $menu = new \WHMCS\View\Menu\Item('Primary Sidebar');

        run_hook('ClientAreaPrimarySidebar', $menu);

        $children = $menu->getChildren();
        $this->assertSame(['second', 'first'], array_map(fn ($item) => $item->getName(), $children));
        $this->assertSame('First (renamed)', $children[1]->getLabel());
        $this->assertSame('x.php', $children[0]->getUri());
    }
}
