<?php
/**
 * Provisioning runner: module parameters (whmcs-reference.md 2.3) and the module commands with
 * their Pre/After hooks (reference 2.2 and 2.4).
 */

namespace Harness;

use WHMCS\Database\Capsule;

final class Provisioning
{
    /** action => [server module function, status after success (null = unchanged)] */
    private const ACTIONS = [
        'Create' => ['CreateAccount', 'Active'],
        'Suspend' => ['SuspendAccount', 'Suspended'],
        'Unsuspend' => ['UnsuspendAccount', 'Active'],
        'Terminate' => ['TerminateAccount', 'Terminated'],
        'ChangePackage' => ['ChangePackage', null],
    ];

    public const ABORT_MESSAGE = 'Function Aborted by Action Hook Code';

    /** Builds the parameters a server module receives for this service. */
    public static function params(int $serviceId): array
    {
        $service = Services::find($serviceId);
        if ($service === null) {
            throw new \RuntimeException('Service ID not found');
        }
        $product = Capsule::table('tblproducts')->where('id', $service->packageid)->first();
        $client = (array) Capsule::table('tblclients')->where('id', $service->userid)->first();
        $server = $service->server ? Capsule::table('tblservers')->where('id', $service->server)->first() : null;

        $params = [
            'serviceid' => (int) $service->id,
            'userid' => (int) $service->userid,
            'pid' => (int) $service->packageid,
            'serverid' => (int) $service->server,
            'domain' => (string) $service->domain,
            'username' => (string) $service->username,
            'password' => decrypt($service->password),
            'producttype' => (string) ($product->type ?? ''),
            'moduletype' => (string) ($product->servertype ?? ''),
        ];
        for ($i = 1; $i <= 24; $i++) {
            $params['configoption' . $i] = (string) ($product->{'configoption' . $i} ?? '');
        }

        unset($client['password']);
        $params['clientsdetails'] = $client + [
            'userid' => (int) $service->userid,
            'fullname' => trim(($client['firstname'] ?? '') . ' ' . ($client['lastname'] ?? '')),
        ];

        $params['customfields'] = [];
        foreach (Services::customFields($serviceId, (int) $service->packageid) as $field) {
            $params['customfields'][$field['name']] = $field['value'];
        }
        $params['configoptions'] = [];
        foreach (Services::configOptions($serviceId, (int) $service->packageid) as $option) {
            $params['configoptions'][$option['name']] = $option['value'];
        }

        $secure = $server !== null && $server->secure === 'on';
        $params += [
            'server' => $server !== null,
            'serverip' => (string) ($server->ipaddress ?? ''),
            'serverhostname' => (string) ($server->hostname ?? ''),
            'serverusername' => (string) ($server->username ?? ''),
            'serverpassword' => $server !== null ? decrypt($server->password) : '',
            'serveraccesshash' => (string) ($server->accesshash ?? ''),
            'serversecure' => $secure,
            'serverport' => (string) ($server->port ?? ''),
            'serverhttpprefix' => $secure ? 'https' : 'http',
            // Not in the official table, but read by public server modules (reference 2.3).
            'dedicatedip' => (string) $service->dedicatedip,
            'assignedips' => (string) $service->assignedips,
            'model' => null,
        ];
        return $params;
    }

    /**
     * Runs one module command the way WHMCS does: Pre hook → module function → status update →
     * After/Failed hook. Returns an API-style result array.
     *
     * Pre-hook results are merged in hook order: the top-level keys of each returned array
     * override the parameters, and any result with a truthy `abortcmd` aborts the command.
     * With $harness_reload_params_after_pre_hooks, the parameters are rebuilt from the database
     * after the Pre hooks (so database writes made by a hook are seen) and the returned keys are
     * applied on top; without it only the returned keys change anything (reference 2.4).
     */
    public static function moduleAction(int $serviceId, string $action): array
    {
        if (!isset(self::ACTIONS[$action])) {
            return self::error('Unknown module action ' . $action);
        }
        [$function, $newStatus] = self::ACTIONS[$action];

        $service = Services::find($serviceId);
        if ($service === null) {
            return self::error('Service ID not found');
        }
        $module = (string) Capsule::table('tblproducts')->where('id', $service->packageid)->value('servertype');
        if ($module === '') {
            return self::error('Service not assigned to a module');
        }
        $callable = self::moduleFunction($module, $function);
        if ($callable === null) {
            return self::error('Function not supported by module');
        }

        $params = self::params($serviceId);
        $overrides = [];
        $aborted = false;
        foreach (run_hook('PreModule' . $action, ['params' => $params]) as $result) {
            if (!is_array($result)) {
                continue;
            }
            $aborted = $aborted || !empty($result['abortcmd']);
            unset($result['abortcmd']);
            $overrides = array_replace($overrides, $result);
        }
        if ($aborted) {
            logActivity(sprintf('Module %s Aborted by PreModule%s Hook - Service ID: %d', $action, $action, $serviceId), (int) $service->userid);
            return self::error(self::ABORT_MESSAGE);
        }
        if (!empty($GLOBALS['harness_reload_params_after_pre_hooks'])) {
            $params = self::params($serviceId);
        }
        $params = array_replace($params, $overrides);

        try {
            $response = $callable($params);
        } catch (\Throwable $e) {
            $response = $e->getMessage();
        }

        if ($response === 'success') {
            if ($newStatus !== null) {
                Capsule::table('tblhosting')->where('id', $serviceId)->update(['domainstatus' => $newStatus]);
            }
            logActivity(sprintf('Module %s Successful - Service ID: %d', $action, $serviceId), (int) $service->userid);
            run_hook('AfterModule' . $action, ['params' => $params]);
            return ['result' => 'success'];
        }
        $message = is_string($response) && $response !== '' ? $response : 'An unknown error occurred';
        logActivity(sprintf('Module %s Failed - Service ID: %d - Error: %s', $action, $serviceId, $message), (int) $service->userid);
        run_hook('AfterModule' . $action . 'Failed', ['params' => $params, 'failureResponseMessage' => $message]);
        return self::error($message);
    }

    /** Fires ServiceDelete, then removes the service (admin "Delete" on the service page). */
    public static function deleteService(int $serviceId): void
    {
        $userId = (int) Capsule::table('tblhosting')->where('id', $serviceId)->value('userid');
        run_hook('ServiceDelete', ['userid' => $userId, 'clientId' => $userId, 'serviceid' => $serviceId]);
        Services::delete($serviceId);
    }

    private static function moduleFunction(string $module, string $function): ?callable
    {
        $file = ROOTDIR . "/modules/servers/{$module}/{$module}.php";
        if (!preg_match('/^[a-z][a-z0-9_]*$/', $module) || !is_file($file)) {
            return null;
        }
        require_once $file;
        $name = $module . '_' . $function;
        return function_exists($name) ? $name : null;
    }

    private static function error(string $message): array
    {
        return ['result' => 'error', 'message' => $message];
    }
}
