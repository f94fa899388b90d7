<?php

namespace HarnessTests\Support;

use WHMCS\Database\Capsule;

/** Database rows for in-process tests: a client with one sampleserver service. */
final class Fixtures
{
    /**
     * Creates client, server, product (with one custom field and one quantity option) and a
     * service; returns their ids. $service and $product override column values.
     * @return array{client: int, server: int, product: int, service: int, customfield: int, configoption: int}
     */
    public static function service(array $service = [], array $product = []): array
    {
        $client = Capsule::table('tblclients')->insertGetId([
            'firstname' => 'Test', 'lastname' => 'Client', 'email' => 'test' . bin2hex(random_bytes(4)) . '@example.test',
            'password' => password_hash('secret', PASSWORD_DEFAULT), 'country' => 'US',
        ]);
        $server = Capsule::table('tblservers')->insertGetId([
            'name' => 'fixture-node', 'ipaddress' => '198.51.100.1', 'hostname' => 'node.example.test', 'type' => 'sampleserver',
            'username' => 'root', 'password' => encrypt('server-secret'), 'accesshash' => 'hash', 'secure' => 'on', 'port' => 8443,
        ]);
        $productId = Capsule::table('tblproducts')->insertGetId(array_merge([
            'type' => 'server', 'gid' => 0, 'name' => 'Fixture VPS', 'servertype' => 'sampleserver', 'configoption1' => '',
        ], $product));
        $customField = Capsule::table('tblcustomfields')->insertGetId([
            'type' => 'product', 'relid' => $productId, 'fieldname' => 'hostname|Hostname', 'fieldtype' => 'text',
        ]);
        $group = Capsule::table('tblproductconfiggroups')->insertGetId(['name' => 'Fixture options', 'description' => '']);
        Capsule::table('tblproductconfiglinks')->insert(['gid' => $group, 'pid' => $productId]);
        $option = Capsule::table('tblproductconfigoptions')->insertGetId([
            'gid' => $group, 'optionname' => 'Extra IPs', 'optiontype' => 4, 'qtyminimum' => 0, 'qtymaximum' => 8,
        ]);
        Capsule::table('tblproductconfigoptionssub')->insert(['configid' => $option, 'optionname' => 'IP']);
        $serviceId = Capsule::table('tblhosting')->insertGetId(array_merge([
            'userid' => $client, 'packageid' => $productId, 'server' => $server, 'domain' => 'vps.example.test',
            'username' => 'vpsuser', 'password' => encrypt('service-secret'), 'domainstatus' => 'Pending',
            'billingcycle' => 'Monthly', 'dedicatedip' => '', 'assignedips' => '',
        ], $service));
        return ['client' => $client, 'server' => $server, 'product' => $productId, 'service' => $serviceId,
            'customfield' => $customField, 'configoption' => $option];
    }

    /** The module calls recorded by sampleserver for a service, oldest first, params decoded. */
    public static function moduleCalls(int $serviceId): array
    {
        return Capsule::table('harness_module_calls')->where('serviceid', $serviceId)->orderBy('id')->get()
            ->map(static fn (object $row): array => ['action' => $row->action, 'params' => json_decode($row->params, true)])
            ->all();
    }

    public static function activityLogContains(string $text): bool
    {
        return Capsule::table('tblactivitylog')->where('description', 'like', '%' . $text . '%')->exists();
    }
}
