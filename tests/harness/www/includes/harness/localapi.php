<?php
/**
 * localAPI() with the subset of commands in whmcs-reference.md section 4.
 */

namespace Harness {

    use WHMCS\Config\Setting;
    use WHMCS\Database\Capsule;

    final class LocalApi
    {
        /** lower-case command => handler method */
        private const COMMANDS = [
            'sendadminemail' => 'sendAdminEmail',
            'sendemail' => 'sendEmail',
            'updateclientproduct' => 'updateClientProduct',
            'getclientsproducts' => 'getClientsProducts',
            'modulecreate' => 'moduleCreate',
            'moduleterminate' => 'moduleTerminate',
            'modulesuspend' => 'moduleSuspend',
            'moduleunsuspend' => 'moduleUnsuspend',
            'modulechangepackage' => 'moduleChangePackage',
            'encryptpassword' => 'encryptPassword',
            'decryptpassword' => 'decryptPassword',
            'getconfigurationvalue' => 'getConfigurationValue',
            'setconfigurationvalue' => 'setConfigurationValue',
            'logactivity' => 'logActivity',
        ];

        /** UpdateClientProduct parameter => tblhosting column (also the names `unset[]` accepts). */
        private const SERVICE_FIELDS = [
            'dedicatedip' => 'dedicatedip',
            'assignedips' => 'assignedips',
            'status' => 'domainstatus',
            'serverid' => 'server',
            'pid' => 'packageid',
            'domain' => 'domain',
            'notes' => 'notes',
            'serviceusername' => 'username',
            'servicepassword' => 'password',
        ];

        private const STATUSES = ['Pending', 'Active', 'Suspended', 'Terminated', 'Cancelled', 'Fraud', 'Completed'];

        public static function call(string $command, array $values): array
        {
            $method = self::COMMANDS[strtolower($command)] ?? null;
            if ($method === null) {
                return self::error('Command Not Found');
            }
            try {
                return self::$method($values);
            } catch (\Throwable $e) {
                return self::error($e->getMessage());
            }
        }

        private static function sendAdminEmail(array $v): array
        {
            self::recordEmail('SendAdminEmail', (string) ($v['messagename'] ?? ''), 0, $v);
            return ['result' => 'success'];
        }

        private static function sendEmail(array $v): array
        {
            $name = (string) ($v['messagename'] ?? '');
            if ($name !== '' && !Capsule::table('tblemailtemplates')->where('name', $name)->exists()) {
                return self::error('Email Template not found');
            }
            if ($name === '' && empty($v['customtype'])) {
                return self::error('You must provide either an existing email template name or a custom message type');
            }
            self::recordEmail('SendEmail', $name, (int) ($v['id'] ?? 0), $v);
            return ['result' => 'success'];
        }

        private static function recordEmail(string $command, string $messageName, int $relatedId, array $params): void
        {
            Capsule::table('harness_emails')->insert([
                'command' => $command,
                'messagename' => $messageName,
                'relid' => $relatedId,
                'params' => json_encode($params, JSON_UNESCAPED_SLASHES | JSON_PARTIAL_OUTPUT_ON_ERROR),
                'created_at' => date('Y-m-d H:i:s'),
            ]);
        }

        private static function updateClientProduct(array $v): array
        {
            $serviceId = (int) ($v['serviceid'] ?? 0);
            if (Services::find($serviceId) === null) {
                return self::error('Service ID Not Found');
            }
            if (isset($v['status']) && !in_array($v['status'], self::STATUSES, true)) {
                return self::error('Invalid Status');
            }
            $update = [];
            foreach (self::SERVICE_FIELDS as $param => $column) {
                if (array_key_exists($param, $v)) {
                    $update[$column] = $param === 'servicepassword' ? encrypt($v[$param]) : (string) $v[$param];
                }
            }
            foreach ((array) ($v['unset'] ?? []) as $param) {
                $column = self::SERVICE_FIELDS[$param] ?? null;
                if ($column !== null) {
                    $update[$column] = in_array($column, ['server', 'packageid'], true) ? 0 : '';
                }
            }
            $configOptions = self::decodeSerialized($v['configoptions'] ?? null, 'configoptions');
            $customFields = self::decodeSerialized($v['customfields'] ?? null, 'customfields');

            Capsule::connection()->transaction(static function () use ($serviceId, $update, $configOptions, $customFields): void {
                if ($update !== []) {
                    Capsule::table('tblhosting')->where('id', $serviceId)->update($update);
                }
                foreach ($configOptions as $configId => $selection) {
                    self::saveConfigOption($serviceId, (int) $configId, $selection);
                }
                foreach ($customFields as $fieldId => $value) {
                    Capsule::table('tblcustomfieldsvalues')->updateOrInsert(
                        ['fieldid' => (int) $fieldId, 'relid' => $serviceId],
                        ['value' => (string) $value]
                    );
                }
            });
            return ['result' => 'success', 'serviceid' => $serviceId];
        }

        /** Accepts the documented base64(serialize(array)) form, or a plain array from internal callers. */
        private static function decodeSerialized($value, string $name): array
        {
            if ($value === null || $value === '') {
                return [];
            }
            if (is_array($value)) {
                return $value;
            }
            $decoded = @unserialize((string) base64_decode((string) $value, true), ['allowed_classes' => false]);
            if (!is_array($decoded)) {
                throw new \InvalidArgumentException("Invalid {$name}: expected base64 encoded serialized array");
            }
            return $decoded;
        }

        /** $selection is an optionid/qty scalar (meaning by option type) or ['optionid' => X, 'qty' => N]. */
        private static function saveConfigOption(int $serviceId, int $configId, $selection): void
        {
            $type = (int) Capsule::table('tblproductconfigoptions')->where('id', $configId)->value('optiontype');
            if (is_array($selection)) {
                $row = ['optionid' => (int) ($selection['optionid'] ?? 0), 'qty' => (int) ($selection['qty'] ?? 0)];
            } elseif (in_array($type, [3, 4], true)) {
                $row = ['optionid' => (int) Capsule::table('tblproductconfigoptionssub')->where('configid', $configId)->value('id'), 'qty' => (int) $selection];
            } else {
                $row = ['optionid' => (int) $selection, 'qty' => 0];
            }
            Capsule::table('tblhostingconfigoptions')->updateOrInsert(['relid' => $serviceId, 'configid' => $configId], $row);
        }

        private static function getClientsProducts(array $v): array
        {
            $query = Capsule::table('tblhosting as h')
                ->leftJoin('tblproducts as p', 'p.id', '=', 'h.packageid')
                ->leftJoin('tblproductgroups as g', 'g.id', '=', 'p.gid')
                ->leftJoin('tblservers as s', 's.id', '=', 'h.server');
            $filters = ['clientid' => 'h.userid', 'serviceid' => 'h.id', 'pid' => 'h.packageid', 'domain' => 'h.domain', 'username2' => 'h.username'];
            foreach ($filters as $param => $column) {
                if (isset($v[$param]) && $v[$param] !== '') {
                    $query->where($column, $v[$param]);
                }
            }
            $total = (clone $query)->count();
            $start = max(0, (int) ($v['limitstart'] ?? 0));
            $limit = (int) ($v['limitnum'] ?? 25) ?: 25;
            $rows = $query->orderBy('h.id')->offset($start)->limit($limit)->get([
                'h.*', 'p.name as productname', 'g.name as groupname',
                's.name as servername', 's.ipaddress as serverip', 's.hostname as serverhostname',
            ]);

            $products = array_map(static fn (object $h): array => self::productEntry($h), $rows->all());
            return [
                'result' => 'success',
                'clientid' => $v['clientid'] ?? '',
                'serviceid' => $v['serviceid'] ?? '',
                'pid' => $v['pid'] ?? '',
                'domain' => $v['domain'] ?? '',
                'totalresults' => $total,
                'startnumber' => $start,
                'numreturned' => count($products),
                'products' => ['product' => $products],
            ];
        }

        private static function productEntry(object $h): array
        {
            $customFields = array_map(static fn (array $f): array => [
                'id' => $f['id'], 'name' => $f['name'], 'translated_name' => $f['name'], 'value' => $f['value'],
            ], Services::customFields((int) $h->id, (int) $h->packageid));
            $configOptions = array_map(static fn (array $o): array => [
                'id' => $o['id'], 'option' => $o['name'], 'type' => Services::OPTION_TYPES[$o['type']] ?? '', 'value' => $o['value'],
            ], Services::configOptions((int) $h->id, (int) $h->packageid));

            return [
                'id' => (int) $h->id,
                'qty' => (int) $h->qty,
                'clientid' => (int) $h->userid,
                'orderid' => (int) $h->orderid,
                'pid' => (int) $h->packageid,
                'regdate' => (string) $h->regdate,
                'name' => (string) $h->productname,
                'translated_name' => (string) $h->productname,
                'groupname' => (string) $h->groupname,
                'translated_groupname' => (string) $h->groupname,
                'domain' => (string) $h->domain,
                'dedicatedip' => (string) $h->dedicatedip,
                'serverid' => (int) $h->server,
                'servername' => (string) $h->servername,
                'serverip' => (string) $h->serverip,
                'serverhostname' => (string) $h->serverhostname,
                'suspensionreason' => (string) $h->suspendreason,
                'firstpaymentamount' => (string) $h->firstpaymentamount,
                'recurringamount' => (string) $h->amount,
                'paymentmethod' => (string) $h->paymentmethod,
                'billingcycle' => (string) $h->billingcycle,
                'nextduedate' => (string) $h->nextduedate,
                'status' => (string) $h->domainstatus,
                'username' => (string) $h->username,
                'password' => decrypt($h->password),
                'subscriptionid' => (string) $h->subscriptionid,
                'promoid' => (int) $h->promoid,
                'overideautosuspend' => (int) $h->overideautosuspend,
                'overidesuspenduntil' => (string) $h->overidesuspenduntil,
                'ns1' => (string) $h->ns1,
                'ns2' => (string) $h->ns2,
                'assignedips' => (string) $h->assignedips,
                'notes' => (string) $h->notes,
                'diskusage' => (int) $h->diskusage,
                'disklimit' => (int) $h->disklimit,
                'bwusage' => (int) $h->bwusage,
                'bwlimit' => (int) $h->bwlimit,
                'lastupdate' => (string) $h->lastupdate,
                'customfields' => ['customfield' => $customFields],
                'configoptions' => ['configoption' => $configOptions],
            ];
        }

        private static function moduleCreate(array $v): array
        {
            return self::moduleCommand($v, 'Create');
        }

        private static function moduleTerminate(array $v): array
        {
            return self::moduleCommand($v, 'Terminate');
        }

        private static function moduleSuspend(array $v): array
        {
            $result = self::moduleCommand($v, 'Suspend');
            if ($result['result'] === 'success' && isset($v['suspendreason'])) {
                Capsule::table('tblhosting')->where('id', self::serviceId($v))->update(['suspendreason' => (string) $v['suspendreason']]);
            }
            return $result;
        }

        private static function moduleUnsuspend(array $v): array
        {
            return self::moduleCommand($v, 'Unsuspend');
        }

        private static function moduleChangePackage(array $v): array
        {
            return self::moduleCommand($v, 'ChangePackage');
        }

        /** `accountid` is the pre-7.7 name of `serviceid`. */
        private static function serviceId(array $v): int
        {
            return (int) ($v['serviceid'] ?? $v['accountid'] ?? 0);
        }

        private static function moduleCommand(array $v, string $action): array
        {
            return Provisioning::moduleAction(self::serviceId($v), $action);
        }

        private static function encryptPassword(array $v): array
        {
            return ['result' => 'success', 'password' => encrypt((string) ($v['password2'] ?? ''))];
        }

        private static function decryptPassword(array $v): array
        {
            return ['result' => 'success', 'password' => decrypt((string) ($v['password2'] ?? ''))];
        }

        private static function getConfigurationValue(array $v): array
        {
            $setting = (string) ($v['setting'] ?? '');
            if ($setting === '') {
                return self::error('Parameter setting is required');
            }
            return ['result' => 'success', 'setting' => $setting, 'value' => Setting::getValue($setting) ?? ''];
        }

        private static function setConfigurationValue(array $v): array
        {
            $setting = (string) ($v['setting'] ?? '');
            if ($setting === '') {
                return self::error('Parameter setting is required');
            }
            $value = (string) ($v['value'] ?? '');
            $changed = Setting::getValue($setting) !== $value;
            Setting::setValue($setting, $value);
            return ['result' => 'success', 'value_changed' => $changed];
        }

        private static function logActivity(array $v): array
        {
            $description = (string) ($v['description'] ?? '');
            if ($description === '') {
                return self::error('Description is required');
            }
            logActivity($description, (int) ($v['clientid'] ?? 0));
            return ['result' => 'success'];
        }

        private static function error(string $message): array
        {
            return ['result' => 'error', 'message' => $message];
        }
    }
}

namespace {

    /** The admin username is optional since WHMCS 7.2 and not needed by any harness command. */
    function localAPI($command, $values = [], $adminUser = null): array
    {
        return \Harness\LocalApi::call((string) $command, (array) $values);
    }
}
