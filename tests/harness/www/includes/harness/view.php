<?php
/**
 * Output helpers shared by the admin and client pages, and the Smarty loader
 * (whmcs-reference.md section 6.1: Smarty 3 or 4 per $harness_smarty).
 */

namespace Harness;

function e($value): string
{
    return htmlspecialchars((string) $value, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
}

function redirect(string $location): void
{
    header('Location: ' . $location, true, 302);
    exit;
}

final class View
{
    /** Makes `new \Smarty()` available, like WHMCS's bundled Smarty. */
    public static function loadSmarty(): void
    {
        $version = (string) ($GLOBALS['harness_smarty'] ?? '4');
        $file = stream_resolve_include_path("smarty{$version}/Smarty.class.php");
        if (!in_array($version, ['3', '4'], true) || $file === false) {
            throw new \RuntimeException("Smarty {$version} not found (Debian package smarty{$version})");
        }
        if ($version === '3') {
            // Smarty 3.1.47 predates PHP 8.2 and emits deprecations on every render.
            error_reporting(error_reporting() & ~E_DEPRECATED);
        }
        require_once $file;
    }

    /** A Smarty instance rooted at the themes folder, compiling into $templates_compiledir. */
    public static function smarty(): \Smarty
    {
        $smarty = new \Smarty();
        $smarty->setTemplateDir(ROOTDIR . '/templates');
        $smarty->setCompileDir((string) $GLOBALS['templates_compiledir']);
        $smarty->setCacheDir((string) $GLOBALS['templates_compiledir']);
        // Compiled templates of the two Smarty versions are not interchangeable.
        $smarty->compile_id = 'smarty' . ($GLOBALS['harness_smarty'] ?? '4');
        return $smarty;
    }

    /** URL path of the WHMCS root ('' when it is the document root), like {$WEB_ROOT}. */
    public static function webRoot(): string
    {
        $script = realpath((string) ($_SERVER['SCRIPT_FILENAME'] ?? '')) ?: '';
        if (!str_starts_with($script, ROOTDIR . '/')) {
            return '';
        }
        $relative = substr($script, strlen(ROOTDIR));
        $scriptName = (string) ($_SERVER['SCRIPT_NAME'] ?? '');
        return str_ends_with($scriptName, $relative) ? substr($scriptName, 0, -strlen($relative)) : '';
    }
}
