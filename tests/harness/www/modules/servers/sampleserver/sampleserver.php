<?php
/**
 * Recording server module (function set of WHMCS/sample-provisioning-module). Every command is
 * stored with its full parameters in harness_module_calls so tests can assert what a module
 * received. It succeeds unless the product's first module setting is "fail".
 */

use WHMCS\Database\Capsule;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

function sampleserver_MetaData(): array
{
    return [
        'DisplayName' => 'Harness Sample Server',
        'APIVersion' => '1.1',
        'RequiresServer' => true,
    ];
}

function sampleserver_ConfigOptions(): array
{
    return [
        'Behaviour' => [
            'Type' => 'text',
            'Size' => '10',
            'Default' => '',
            'Description' => 'Enter "fail" to make every module command fail',
        ],
    ];
}

/** Records the call and returns 'success' or the module's error text. */
function sampleserver_record(string $action, array $params): string
{
    Capsule::table('harness_module_calls')->insert([
        'action' => $action,
        'serviceid' => (int) ($params['serviceid'] ?? 0),
        'params' => json_encode($params, JSON_UNESCAPED_SLASHES | JSON_PARTIAL_OUTPUT_ON_ERROR),
        'created_at' => date('Y-m-d H:i:s'),
    ]);
    if (($params['configoption1'] ?? '') === 'fail') {
        return "Sample server refused {$action}: the product's Behaviour setting is \"fail\"";
    }
    return 'success';
}

function sampleserver_CreateAccount(array $params): string
{
    return sampleserver_record('CreateAccount', $params);
}

function sampleserver_SuspendAccount(array $params): string
{
    return sampleserver_record('SuspendAccount', $params);
}

function sampleserver_UnsuspendAccount(array $params): string
{
    return sampleserver_record('UnsuspendAccount', $params);
}

function sampleserver_TerminateAccount(array $params): string
{
    return sampleserver_record('TerminateAccount', $params);
}

function sampleserver_ChangePackage(array $params): string
{
    return sampleserver_record('ChangePackage', $params);
}
