<?php

namespace IpManager\Tests;

/** Reading the admin pages' HTML with XPath, for tests that look at what a person would see. */
trait ReadsHtml
{
    private function nodes(string $html, string $query): array
    {
        $document = new \DOMDocument();
        libxml_use_internal_errors(true);
        $document->loadHTML('<?xml encoding="utf-8"?>' . $html);
        libxml_clear_errors();
        return iterator_to_array((new \DOMXPath($document))->query($query));
    }

    /** The text of each matching node, with white space folded. */
    private function texts(string $html, string $query): array
    {
        return array_map(static fn (\DOMNode $n): string => trim(preg_replace('/\s+/u', ' ', $n->textContent)), $this->nodes($html, $query));
    }

    private function attributes(string $html, string $query, string $attribute): array
    {
        return array_map(static fn (\DOMElement $n): string => $n->getAttribute($attribute), $this->nodes($html, $query));
    }

    /** The flash message a redirect after a POST shows, if any. */
    private function flash(string $html): ?string
    {
        return $this->texts($html, '//*[contains(@class,"ipmanager-flash")]')[0] ?? null;
    }
}
