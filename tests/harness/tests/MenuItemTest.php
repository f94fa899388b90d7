<?php

namespace HarnessTests;

use PHPUnit\Framework\TestCase;
use WHMCS\View\Menu\Item;

/** WHMCS\View\Menu\Item: the methods themes/sidebars.md documents. */
final class MenuItemTest extends TestCase
{
    public function testChildrenSortByOrderThenInsertion(): void
    {
        $menu = new Item('root');
        $menu->addChild('b', ['order' => 5]);
        $menu->addChild('a', ['order' => 5]);
        $menu->addChild('c', ['order' => 1, 'label' => 'C', 'icon' => 'fa fa-star']);

        $this->assertSame(['c', 'b', 'a'], $this->names($menu));
        $this->assertSame('C', $menu->getChild('c')->getLabel());
        $this->assertSame('fa fa-star', $menu->getChild('c')->getIcon());
        $this->assertSame('b', $menu->getChild('b')->getLabel(), 'label defaults to the name');
    }

    public function testRemoveAndMove(): void
    {
        $menu = new Item('root');
        foreach (['one', 'two', 'three', 'four'] as $i => $name) {
            $menu->addChild($name, ['order' => ($i + 1) * 10]);
        }

        $menu->removeChild('two');
        $this->assertNull($menu->getChild('two'));
        $menu->getChild('four')->moveToFront();
        $this->assertSame(['four', 'one', 'three'], $this->names($menu));
        $menu->getChild('four')->moveToBack();
        $this->assertSame(['one', 'three', 'four'], $this->names($menu));
        $menu->getChild('three')->moveUp();
        $this->assertSame(['three', 'one', 'four'], $this->names($menu));
        $menu->getChild('three')->moveDown();
        $this->assertSame(['one', 'three', 'four'], $this->names($menu));
        $menu->getChild('one')->setOrder(99);
        $this->assertSame(['three', 'four', 'one'], $this->names($menu));
    }

    private function names(Item $menu): array
    {
        return array_map(fn (Item $item) => $item->getName(), $menu->getChildren());
    }
}
