<?php
/**
 * Renders the module's Smarty templates with WHMCS's own Smarty class (3.1 or
 * 4, whichever the installation bundles).
 */

namespace WHMCS\Module\Addon\Ipmanager;

final class View
{
    public static function render(string $template, array $variables): string
    {
        $smarty = new \Smarty();
        $smarty->setTemplateDir(dirname(__DIR__) . '/templates/');
        $smarty->setCompileDir(Runtime::compileDirectory());
        $smarty->compile_id = 'ipmanager';
        foreach ($variables as $name => $value) {
            $smarty->assign($name, $value);
        }
        return $smarty->fetch($template);
    }
}
