<?php

namespace HarnessTests\Support;

final class Response
{
    public function __construct(
        public readonly int $status,
        public readonly string $body,
        public readonly ?string $location
    ) {
    }

    /** Text content of the element with this id (first match), or null. */
    public function elementText(string $id): ?string
    {
        $document = new \DOMDocument();
        @$document->loadHTML($this->body);
        $element = $document->getElementById($id);
        return $element?->textContent;
    }
}
