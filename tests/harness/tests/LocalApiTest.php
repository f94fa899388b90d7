<?php

namespace HarnessTests;

use Harness\Hooks;
use HarnessTests\Support\Fixtures;
use PHPUnit\Framework\TestCase;
use WHMCS\Database\Capsule;

/** localAPI() subset: whmcs-reference.md section 4. */
final class LocalApiTest extends TestCase
{
    protected function setUp(): void
    {
        Hooks::reset();
    }

    public function testUnknownCommand(): void
    {
        $this->assertSame(['result' => 'error', 'message' => 'Command Not Found'], localAPI('NoSuchCommand', []));
    }

    public function testSendEmailIsRecordedAndNeedsAKnownTemplate(): void
    {
        $result = localAPI('SendEmail', ['messagename' => 'Hosting Account Welcome Email', 'id' => 42, 'customvars' => base64_encode(serialize(['ip' => '192.0.2.1']))]);
        $this->assertSame(['result' => 'success'], $result);
        $row = Capsule::table('harness_emails')->where('command', 'SendEmail')->orderByDesc('id')->first();
        $this->assertSame('Hosting Account Welcome Email', $row->messagename);
        $this->assertSame(42, (int) $row->relid);
        $this->assertSame(['ip' => '192.0.2.1'], unserialize(base64_decode(json_decode($row->params, true)['customvars'])));

        $this->assertSame(['result' => 'error', 'message' => 'Email Template not found'], localAPI('SendEmail', ['messagename' => 'No Such Template', 'id' => 1]));
        $custom = ['customtype' => 'product', 'customsubject' => 'IPs changed', 'custommessage' => 'Hello', 'id' => 7];
        $this->assertSame('success', localAPI('SendEmail', $custom)['result']);
    }

    public function testSendAdminEmailIsRecorded(): void
    {
        $params = ['custommessage' => 'Pool almost full', 'customsubject' => 'IP pool', 'type' => 'system', 'mergefields' => ['pool' => 'A']];

        $this->assertSame(['result' => 'success'], localAPI('SendAdminEmail', $params));

        $row = Capsule::table('harness_emails')->where('command', 'SendAdminEmail')->orderByDesc('id')->first();
        $this->assertSame($params, json_decode($row->params, true));
    }

    public function testUpdateClientProductSetsAndUnsetsFields(): void
    {
        $ids = Fixtures::service(['dedicatedip' => '192.0.2.1', 'assignedips' => '192.0.2.2']);
        $result = localAPI('UpdateClientProduct', [
            'serviceid' => $ids['service'], 'dedicatedip' => '203.0.113.9', 'status' => 'Active', 'domain' => 'new.example.test',
            'notes' => 'moved', 'serviceusername' => 'newuser', 'servicepassword' => 'newpass', 'unset' => ['assignedips'],
            'customfields' => base64_encode(serialize([$ids['customfield'] => 'host-b'])),
            'configoptions' => base64_encode(serialize([$ids['configoption'] => ['optionid' => 0, 'qty' => 4]])),
        ]);

        $this->assertSame(['result' => 'success', 'serviceid' => $ids['service']], $result);
        $service = Capsule::table('tblhosting')->where('id', $ids['service'])->first();
        $this->assertSame(['203.0.113.9', '', 'Active', 'new.example.test', 'moved', 'newuser'],
            [$service->dedicatedip, $service->assignedips, $service->domainstatus, $service->domain, $service->notes, $service->username]);
        $this->assertSame('newpass', decrypt($service->password));
        $this->assertSame('host-b', Capsule::table('tblcustomfieldsvalues')->where(['fieldid' => $ids['customfield'], 'relid' => $ids['service']])->value('value'));
        $this->assertSame(4, (int) Capsule::table('tblhostingconfigoptions')->where(['relid' => $ids['service'], 'configid' => $ids['configoption']])->value('qty'));

        // A scalar for a quantity option is the quantity; saving again updates the same row.
        localAPI('UpdateClientProduct', ['serviceid' => $ids['service'], 'configoptions' => base64_encode(serialize([$ids['configoption'] => 2]))]);
        $rows = Capsule::table('tblhostingconfigoptions')->where(['relid' => $ids['service'], 'configid' => $ids['configoption']])->get();
        $this->assertCount(1, $rows);
        $this->assertSame(2, (int) $rows[0]->qty);
    }

    public function testUpdateClientProductErrors(): void
    {
        $ids = Fixtures::service();
        $this->assertSame('Service ID Not Found', localAPI('UpdateClientProduct', ['serviceid' => 999999999])['message']);
        $this->assertSame('Invalid Status', localAPI('UpdateClientProduct', ['serviceid' => $ids['service'], 'status' => 'Bogus'])['message']);
        $this->assertSame('error', localAPI('UpdateClientProduct', ['serviceid' => $ids['service'], 'customfields' => 'not-base64!'])['result']);
    }

    public function testGetClientsProductsReturnsTheDocumentedFields(): void
    {
        $ids = Fixtures::service(['dedicatedip' => '192.0.2.8', 'assignedips' => "192.0.2.9\n192.0.2.10"]);
        localAPI('UpdateClientProduct', ['serviceid' => $ids['service'],
            'customfields' => base64_encode(serialize([$ids['customfield'] => 'vps02'])),
            'configoptions' => base64_encode(serialize([$ids['configoption'] => 2]))]);

        $result = localAPI('GetClientsProducts', ['clientid' => $ids['client']]);

        $this->assertSame('success', $result['result']);
        $this->assertSame(1, $result['totalresults']);
        $this->assertSame(1, $result['numreturned']);
        $product = $result['products']['product'][0];
        $this->assertSame($ids['service'], $product['id']);
        $this->assertSame($ids['client'], $product['clientid']);
        $this->assertSame('Fixture VPS', $product['name']);
        $this->assertSame('192.0.2.8', $product['dedicatedip']);
        $this->assertSame("192.0.2.9\n192.0.2.10", $product['assignedips']);
        $this->assertSame('fixture-node', $product['servername']);
        $this->assertSame('198.51.100.1', $product['serverip']);
        $this->assertSame('service-secret', $product['password']);
        $this->assertSame('Pending', $product['status']);
        $this->assertSame([['id' => $ids['customfield'], 'name' => 'hostname|Hostname', 'translated_name' => 'hostname|Hostname', 'value' => 'vps02']],
            $product['customfields']['customfield']);
        $this->assertSame([['id' => $ids['configoption'], 'option' => 'Extra IPs', 'type' => 'quantity', 'value' => 2]],
            $product['configoptions']['configoption']);

        $byService = localAPI('GetClientsProducts', ['serviceid' => $ids['service']]);
        $this->assertSame($ids['service'], $byService['products']['product'][0]['id']);
        $this->assertSame(0, localAPI('GetClientsProducts', ['clientid' => $ids['client'], 'limitstart' => 1])['numreturned']);
    }

    public function testModuleCommandsGoThroughTheProvisioningRunner(): void
    {
        $ids = Fixtures::service();
        $pre = [];
        add_hook('PreModuleCreate', 1, function (array $vars) use (&$pre) { $pre[] = $vars['params']['serviceid']; });

        $this->assertSame(['result' => 'success'], localAPI('ModuleCreate', ['serviceid' => $ids['service']]));
        $this->assertSame(['result' => 'success'], localAPI('ModuleSuspend', ['serviceid' => $ids['service'], 'suspendreason' => 'Abuse']));
        $this->assertSame('Abuse', Capsule::table('tblhosting')->where('id', $ids['service'])->value('suspendreason'));
        $this->assertSame(['result' => 'success'], localAPI('ModuleUnsuspend', ['serviceid' => $ids['service']]));
        $this->assertSame(['result' => 'success'], localAPI('ModuleChangePackage', ['serviceid' => $ids['service']]));
        $this->assertSame(['result' => 'success'], localAPI('ModuleTerminate', ['accountid' => $ids['service']]));
        $this->assertSame([$ids['service']], $pre);
        $this->assertSame('Terminated', Capsule::table('tblhosting')->where('id', $ids['service'])->value('domainstatus'));
        $this->assertSame('Service ID not found', localAPI('ModuleCreate', ['serviceid' => 999999999])['message']);
    }

    public function testPasswordsAndConfigurationValues(): void
    {
        $encrypted = localAPI('EncryptPassword', ['password2' => 's3cret'])['password'];
        $this->assertSame(['result' => 'success', 'password' => 's3cret'], localAPI('DecryptPassword', ['password2' => $encrypted]));
        $this->assertNotSame($encrypted, localAPI('EncryptPassword', ['password2' => 's3cret'])['password']);

        $this->assertSame(['result' => 'success', 'value_changed' => true], localAPI('SetConfigurationValue', ['setting' => 'HarnessTestSetting', 'value' => 'one']));
        $this->assertSame(['result' => 'success', 'value_changed' => false], localAPI('SetConfigurationValue', ['setting' => 'HarnessTestSetting', 'value' => 'one']));
        $this->assertSame(['result' => 'success', 'setting' => 'HarnessTestSetting', 'value' => 'one'], localAPI('GetConfigurationValue', ['setting' => 'HarnessTestSetting']));
        $this->assertSame('Harness Hosting', localAPI('GetConfigurationValue', ['setting' => 'CompanyName'])['value']);
    }

    public function testLogActivity(): void
    {
        $this->assertSame(['result' => 'success'], localAPI('LogActivity', ['description' => 'api log line 31337', 'clientid' => 2]));
        $this->assertSame(2, (int) Capsule::table('tblactivitylog')->where('description', 'api log line 31337')->value('userid'));
        $this->assertSame('error', localAPI('LogActivity', [])['result']);
    }
}
