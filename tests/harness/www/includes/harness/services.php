<?php
/**
 * Reads a service's product-level extras (custom fields, configurable options), shared by the
 * module parameters (reference 2.3) and the GetClientsProducts API (reference section 4).
 */

namespace Harness;

use WHMCS\Database\Capsule;

final class Services
{
    /** tblproductconfigoptions.optiontype → the names the API uses (reference section 8). */
    public const OPTION_TYPES = [1 => 'dropdown', 2 => 'radio', 3 => 'yesno', 4 => 'quantity'];

    public static function find(int $serviceId): ?object
    {
        return Capsule::table('tblhosting')->where('id', $serviceId)->first();
    }

    /**
     * Product custom fields with this service's values.
     * @return list<array{id: int, name: string, value: string}>
     */
    public static function customFields(int $serviceId, int $productId): array
    {
        $rows = Capsule::table('tblcustomfields as f')
            ->leftJoin('tblcustomfieldsvalues as v', static function ($join) use ($serviceId) {
                $join->on('v.fieldid', '=', 'f.id')->where('v.relid', '=', $serviceId);
            })
            ->where('f.type', 'product')
            ->where('f.relid', $productId)
            ->orderBy('f.sortorder')->orderBy('f.id')
            ->get(['f.id', 'f.fieldname', 'v.value']);
        return array_map(static fn (object $r): array => [
            'id' => (int) $r->id,
            'name' => (string) $r->fieldname,
            'value' => (string) ($r->value ?? ''),
        ], $rows->all());
    }

    /**
     * Configurable options linked to the product, with this service's selection. The value is the
     * chosen sub-option's name for dropdown/radio and the quantity for yes/no and quantity options.
     * @return list<array{id: int, name: string, type: int, value: string|int}>
     */
    public static function configOptions(int $serviceId, int $productId): array
    {
        $rows = Capsule::table('tblproductconfiglinks as l')
            ->join('tblproductconfigoptions as o', 'o.gid', '=', 'l.gid')
            ->leftJoin('tblhostingconfigoptions as h', static function ($join) use ($serviceId) {
                $join->on('h.configid', '=', 'o.id')->where('h.relid', '=', $serviceId);
            })
            ->leftJoin('tblproductconfigoptionssub as s', 's.id', '=', 'h.optionid')
            ->where('l.pid', $productId)
            ->orderBy('o.order')->orderBy('o.id')
            ->get(['o.id', 'o.optionname', 'o.optiontype', 'h.qty', 's.optionname as selected']);
        return array_map(static fn (object $r): array => [
            'id' => (int) $r->id,
            'name' => (string) $r->optionname,
            'type' => (int) $r->optiontype,
            'value' => in_array((int) $r->optiontype, [3, 4], true) ? (int) $r->qty : (string) ($r->selected ?? ''),
        ], $rows->all());
    }

    /** Removes the service and the rows that only exist for it. */
    public static function delete(int $serviceId): void
    {
        Capsule::connection()->transaction(static function () use ($serviceId): void {
            $productFieldIds = Capsule::table('tblcustomfields')->where('type', 'product')->pluck('id')->all();
            Capsule::table('tblcustomfieldsvalues')->where('relid', $serviceId)->whereIn('fieldid', $productFieldIds)->delete();
            Capsule::table('tblhostingconfigoptions')->where('relid', $serviceId)->delete();
            Capsule::table('tblhostingaddons')->where('hostingid', $serviceId)->delete();
            Capsule::table('tblhosting')->where('id', $serviceId)->delete();
        });
    }
}
