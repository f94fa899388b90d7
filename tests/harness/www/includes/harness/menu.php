<?php
/**
 * Client-area menu objects handed to the ClientArea*Sidebar hooks (whmcs-reference.md 2.2,
 * themes/sidebars.md). Only the documented methods and their getters are provided.
 */

namespace WHMCS\View\Menu {

    class Item
    {
        private string $name;
        private string $label;
        private ?string $uri = null;
        private int $order = 0;
        private ?string $icon = null;
        private ?Item $parent = null;
        /** @var array<string, Item> in insertion order */
        private array $children = [];

        public function __construct(string $name, array $attributes = [])
        {
            $this->name = $name;
            $this->label = (string) ($attributes['label'] ?? $name);
            $this->uri = isset($attributes['uri']) ? (string) $attributes['uri'] : null;
            $this->order = (int) ($attributes['order'] ?? 0);
            $this->icon = isset($attributes['icon']) ? (string) $attributes['icon'] : null;
        }

        /** Adds (or replaces) a child; `name` inside $attributes wins over $name, as in WHMCS. */
        public function addChild($name, array $attributes = []): Item
        {
            $child = $name instanceof Item ? $name : new Item((string) ($attributes['name'] ?? $name), $attributes);
            $child->parent = $this;
            $this->children[$child->getName()] = $child;
            return $child;
        }

        public function getChild(string $name): ?Item
        {
            return $this->children[$name] ?? null;
        }

        /** @param string|Item $name */
        public function removeChild($name): Item
        {
            unset($this->children[$name instanceof Item ? $name->getName() : $name]);
            return $this;
        }

        public function hasChildren(): bool
        {
            return $this->children !== [];
        }

        /** @return list<Item> sorted by order; equal orders keep insertion order */
        public function getChildren(): array
        {
            $children = array_values($this->children);
            $position = array_flip(array_keys($this->children));
            usort($children, static fn (Item $a, Item $b): int =>
                [$a->order, $position[$a->name]] <=> [$b->order, $position[$b->name]]);
            return $children;
        }

        public function getName(): string
        {
            return $this->name;
        }

        public function getParent(): ?Item
        {
            return $this->parent;
        }

        public function getLabel(): string
        {
            return $this->label;
        }

        public function setLabel(string $label): Item
        {
            $this->label = $label;
            return $this;
        }

        public function getUri(): ?string
        {
            return $this->uri;
        }

        public function setUri(?string $uri): Item
        {
            $this->uri = $uri;
            return $this;
        }

        public function getOrder(): int
        {
            return $this->order;
        }

        public function setOrder(int $order): Item
        {
            $this->order = $order;
            return $this;
        }

        public function getIcon(): ?string
        {
            return $this->icon;
        }

        public function setIcon(?string $icon): Item
        {
            $this->icon = $icon;
            return $this;
        }

        public function moveUp(): Item
        {
            return $this->swapWithSibling(-1);
        }

        public function moveDown(): Item
        {
            return $this->swapWithSibling(1);
        }

        public function moveToFront(): Item
        {
            $orders = $this->siblingOrders();
            $this->order = $orders === [] ? $this->order : min($orders) - 1;
            return $this;
        }

        public function moveToBack(): Item
        {
            $orders = $this->siblingOrders();
            $this->order = $orders === [] ? $this->order : max($orders) + 1;
            return $this;
        }

        /** Orders of the other children of the parent. */
        private function siblingOrders(): array
        {
            $orders = [];
            foreach ($this->parent ? $this->parent->children : [] as $sibling) {
                if ($sibling !== $this) {
                    $orders[] = $sibling->order;
                }
            }
            return $orders;
        }

        /** Renumbers the siblings 10, 20, … in display order, with this item moved by $step. */
        private function swapWithSibling(int $step): Item
        {
            if ($this->parent === null) {
                return $this;
            }
            $siblings = $this->parent->getChildren();
            $index = array_search($this, $siblings, true);
            $target = $index + $step;
            if ($target >= 0 && $target < count($siblings)) {
                [$siblings[$index], $siblings[$target]] = [$siblings[$target], $siblings[$index]];
            }
            foreach ($siblings as $i => $sibling) {
                $sibling->order = ($i + 1) * 10;
            }
            return $this;
        }
    }
}

namespace {

    /**
     * The `Menu` facade third-party hooks use as Menu::context('service'). The harness pages set
     * the contexts they know about (currently `client` on client-area pages).
     */
    class Menu
    {
        private static array $context = [];

        public static function context(string $key)
        {
            return self::$context[$key] ?? null;
        }

        public static function addContext(string $key, $value): void
        {
            self::$context[$key] = $value;
        }
    }
}
