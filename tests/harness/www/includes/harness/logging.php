<?php
/**
 * logActivity() and logModuleCall() (whmcs-reference.md section 5, tables in section 3.2).
 */

use WHMCS\Config\Setting;
use WHMCS\Database\Capsule;

/** Writes to the System Activity Log (tblactivitylog) and fires the LogActivity hook. */
function logActivity($message, $clientId = 0): void
{
    // A LogActivity hook that logs again would recurse forever.
    static $inHook = false;

    $adminId = (int) ($_SESSION['adminid'] ?? 0);
    if ($adminId > 0) {
        $user = (string) Capsule::table('tbladmins')->where('id', $adminId)->value('username');
    } else {
        $user = empty($_SESSION['uid']) ? 'System' : 'Client';
    }
    $entry = [
        'date' => date('Y-m-d H:i:s'),
        'description' => (string) $message,
        'user' => $user,
        'userid' => (int) $clientId,
        'user_id' => 0,
        'admin_id' => $adminId,
        'ipaddr' => (string) ($_SERVER['REMOTE_ADDR'] ?? ''),
    ];
    Capsule::table('tblactivitylog')->insert($entry);

    if (!$inHook) {
        $inHook = true;
        try {
            run_hook('LogActivity', [
                'description' => $entry['description'],
                'user' => $entry['user'],
                'userid' => $entry['userid'],
                'ipaddress' => $entry['ipaddr'],
            ]);
        } finally {
            $inHook = false;
        }
    }
}

/**
 * Writes to the Module Log (tblmodulelog) only while module debug logging is on
 * (tblconfiguration ModuleDebugMode = 'on'). Every string in $replaceVars is masked.
 */
function logModuleCall($module, $action, $requestString, $responseData, $processedData = '', $replaceVars = []): void
{
    if (Setting::getValue('ModuleDebugMode') !== 'on') {
        return;
    }
    $mask = static function ($data) use ($replaceVars): string {
        $text = is_scalar($data) || $data === null ? (string) $data : print_r($data, true);
        foreach ((array) $replaceVars as $secret) {
            $secret = (string) $secret;
            if ($secret !== '') {
                $text = str_replace($secret, str_repeat('*', strlen($secret)), $text);
            }
        }
        return $text;
    };
    Capsule::table('tblmodulelog')->insert([
        'date' => date('Y-m-d H:i:s'),
        'module' => (string) $module,
        'action' => (string) $action,
        'request' => $mask($requestString),
        'response' => $mask($responseData),
        'arrdata' => $mask($processedData),
    ]);
}
