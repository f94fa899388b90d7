<?php
/**
 * Adds deterministic sample data to a configured harness root:
 *
 * php seed.php --root=DIR --clients=N --services=N [--products=4] [--servers=3]
 *     [--dedicated-ratio=0.5] [--seed=1]
 *
 * Products alternate between type `server` ("VPS n", with an "Extra IPs" quantity option) and
 * `hostingaccount` ("Shared Hosting n"), all on the sampleserver module. Services get mixed
 * statuses; a --dedicated-ratio share of them get a `dedicatedip`, and some VPS services also
 * `assignedips` ("\n"-separated). IPs come from the documentation ranges (IPv4 192.0.2.0/24,
 * 198.51.100.0/24, 203.0.113.0/24 until used up, then IPv6 2001:db8::/32), are unique across
 * services and servers, and are the same for the same --seed on the same starting database.
 * Rows are written with multi-row INSERTs inside one transaction (100,000 services in seconds).
 */

use WHMCS\Database\Capsule;

require __DIR__ . '/cli.php';

const SEED_BATCH_ROWS = 1000;
/** Cumulative status distribution in percent: mostly Active, as in a live installation. */
const SEED_STATUSES = [['Active', 72], ['Pending', 80], ['Suspended', 88], ['Terminated', 95], ['Cancelled', 100]];
const SEED_FIRST_NAMES = ['Ada', 'Ben', 'Chloe', 'Dev', 'Elif', 'Finn', 'Grace', 'Hugo', 'Iris', 'Jonas', 'Kira', 'Luis'];
const SEED_LAST_NAMES = ['Ahmed', 'Bauer', 'Costa', 'Dubois', 'Evans', 'Fischer', 'Garcia', 'Haddad', 'Ivanova', 'Jensen'];

[$options] = harness_cli_args($argv);
$root = harness_cli_root($options);
$count = static fn (string $name, int $default): int => max(0, (int) ($options[$name] ?? $default));
$clientCount = $count('clients', 10);
$serviceCount = $count('services', 100);
$productCount = max(1, $count('products', 4));
$serverCount = max(1, $count('servers', 3));
$dedicatedRatio = (float) ($options['dedicated-ratio'] ?? 0.5);
$seed = (int) ($options['seed'] ?? 1);

require $root . '/init.php';

$started = microtime(true);
mt_srand($seed);
$pdo = Capsule::connection()->getPdo();
$ips = new SeedAddressPool($seed);
$pdo->beginTransaction();

$nextId = static fn (string $table): int => (int) $pdo->query("SELECT COALESCE(MAX(id), 0) + 1 FROM {$table}")->fetchColumn();

// Product groups, server group and servers.
$vpsGroup = $nextId('tblproductgroups');
$sharedGroup = $vpsGroup + 1;
bulkInsert($pdo, 'tblproductgroups', ['id', 'name', 'slug', 'headline', 'tagline', 'orderfrmtpl', 'disabledgateways', 'order'], [
    [$vpsGroup, 'VPS', 'vps-' . $vpsGroup, '', '', '', '', 1],
    [$sharedGroup, 'Shared Hosting', 'shared-' . $sharedGroup, '', '', '', '', 2],
]);
$serverGroup = $nextId('tblservergroups');
bulkInsert($pdo, 'tblservergroups', ['id', 'name', 'filltype'], [[$serverGroup, 'Sample Servers', 1]]);
$firstServer = $nextId('tblservers');
$servers = [];
$serverLinks = [];
for ($i = 0; $i < $serverCount; $i++) {
    $id = $firstServer + $i;
    $servers[] = [$id, "node{$id}", $ips->next(true), '', "node{$id}.example.test", '', '', '', '', '', '', 200,
        'sampleserver', 'root', encrypt("server-secret-{$id}"), '', 'on', 1, 0];
    $serverLinks[] = [$serverGroup, $id];
}
bulkInsert($pdo, 'tblservers', ['id', 'name', 'ipaddress', 'assignedips', 'hostname', 'noc', 'statusaddress', 'nameserver1',
    'nameserver1ip', 'nameserver2', 'nameserver2ip', 'maxaccounts', 'type', 'username', 'password', 'accesshash', 'secure',
    'active', 'disabled'], $servers);
bulkInsert($pdo, 'tblservergroupsrel', ['groupid', 'serverid'], $serverLinks);

// Products with monthly prices; VPS products get the "Extra IPs" quantity option.
$firstProduct = $nextId('tblproducts');
$products = [];
$productRows = [];
$pricing = [];
for ($i = 0; $i < $productCount; $i++) {
    $id = $firstProduct + $i;
    $isVps = $i % 2 === 0;
    $price = $isVps ? 10 + 5 * $i : 3 + $i;
    $products[] = ['id' => $id, 'vps' => $isVps, 'price' => $price];
    $name = ($isVps ? 'VPS ' : 'Shared Hosting ') . ($i + 1);
    $productRows[] = array_merge([$id, $isVps ? 'server' : 'hostingaccount', $isVps ? $vpsGroup : $sharedGroup, $name,
        'product-' . $id, '', 'recurring', '', 'payment', 'sampleserver', $serverGroup, ''], array_fill(0, 23, ''), [$i, '']);
    $pricing[] = ['product', 1, $id, 0, 0, 0, 0, 0, 0, $price, -1, -1, $price * 10, -1, -1];
}
$productColumns = array_merge(['id', 'type', 'gid', 'name', 'slug', 'description', 'paytype', 'subdomain', 'autosetup', 'servertype', 'servergroup'],
    array_map(static fn (int $n): string => 'configoption' . $n, range(1, 24)), ['order', 'tagline']);
bulkInsert($pdo, 'tblproducts', $productColumns, $productRows);

$configGroup = $nextId('tblproductconfiggroups');
$configOption = $nextId('tblproductconfigoptions');
$configSub = $nextId('tblproductconfigoptionssub');
bulkInsert($pdo, 'tblproductconfiggroups', ['id', 'name', 'description'], [[$configGroup, 'Extra IPs', 'Additional IP addresses']]);
bulkInsert($pdo, 'tblproductconfigoptions', ['id', 'gid', 'optionname', 'optiontype', 'qtyminimum', 'qtymaximum', 'order'],
    [[$configOption, $configGroup, 'extraips|Extra IPs', 4, 0, 16, 1]]);
bulkInsert($pdo, 'tblproductconfigoptionssub', ['id', 'configid', 'optionname', 'sortorder'], [[$configSub, $configOption, 'IP', 0]]);
$pricing[] = ['configoptions', 1, $configSub, 0, 0, 0, 0, 0, 0, 2, -1, -1, 20, -1, -1];
$links = [];
foreach ($products as $product) {
    if ($product['vps']) {
        $links[] = [$configGroup, $product['id']];
    }
}
bulkInsert($pdo, 'tblproductconfiglinks', ['gid', 'pid'], $links);
bulkInsert($pdo, 'tblpricing', ['type', 'currency', 'relid', 'msetupfee', 'qsetupfee', 'ssetupfee', 'asetupfee', 'bsetupfee',
    'tsetupfee', 'monthly', 'quarterly', 'semiannually', 'annually', 'biennially', 'triennially'], $pricing);

// Clients share one password hash ("client"): hashing per client would dominate the run time.
$firstClient = $nextId('tblclients');
$passwordHash = password_hash('client', PASSWORD_DEFAULT);
$clientIds = Capsule::table('tblclients')->pluck('id')->all();
$clientRows = [];
for ($i = 0; $i < $clientCount; $i++) {
    $id = $firstClient + $i;
    $clientIds[] = $id;
    $clientRows[] = [$id, SEED_FIRST_NAMES[mt_rand(0, count(SEED_FIRST_NAMES) - 1)], SEED_LAST_NAMES[mt_rand(0, count(SEED_LAST_NAMES) - 1)],
        '', "seed{$id}@example.test", "{$id} Seed Street", '', 'Exampleton', 'EX', '00000', 'US', '+1.5550100', $passwordHash, 1, '',
        '2020-01-01', '', mt_rand(1, 50) === 1 ? 'Inactive' : 'Active', ''];
}
bulkInsert($pdo, 'tblclients', ['id', 'firstname', 'lastname', 'companyname', 'email', 'address1', 'address2', 'city', 'state',
    'postcode', 'country', 'phonenumber', 'password', 'currency', 'defaultgateway', 'datecreated', 'notes', 'status', 'language'], $clientRows);
if ($clientIds === []) {
    harness_cli_fail('There are no clients to own services: pass --clients=N');
}

// Services, plus the Extra IPs selection of every VPS service.
$firstService = $nextId('tblhosting');
$serviceColumns = ['id', 'userid', 'orderid', 'packageid', 'server', 'regdate', 'domain', 'paymentmethod', 'firstpaymentamount',
    'amount', 'billingcycle', 'nextduedate', 'nextinvoicedate', 'termination_date', 'domainstatus', 'username', 'password', 'notes',
    'subscriptionid', 'suspendreason', 'dedicatedip', 'assignedips', 'ns1', 'ns2'];
$serviceRows = static function () use ($serviceCount, $firstService, $clientIds, $products, $firstServer, $serverCount, $dedicatedRatio, $ips, &$optionRows, $configOption, $configSub): Generator {
    $day = 86400;
    $epoch = gmmktime(0, 0, 0, 1, 1, 2020);
    for ($i = 0; $i < $serviceCount; $i++) {
        $id = $firstService + $i;
        $product = $products[mt_rand(0, count($products) - 1)];
        $status = seedStatus(mt_rand(1, 100));
        $regdate = $epoch + mt_rand(0, 2000) * $day;
        $dedicated = '';
        $assigned = [];
        if (mt_rand() / mt_getrandmax() < $dedicatedRatio) {
            $dedicated = $ips->next(mt_rand(0, 1) === 0);
            if ($product['vps'] && mt_rand(1, 100) <= 30) {
                for ($n = mt_rand(1, 3); $n > 0; $n--) {
                    $assigned[] = $ips->next(mt_rand(0, 1) === 0);
                }
            }
        }
        if ($product['vps']) {
            $optionRows[] = [$id, $configOption, $configSub, count($assigned)];
        }
        $annual = mt_rand(1, 4) === 1;
        $amount = $product['price'] * ($annual ? 10 : 1) + 2 * count($assigned);
        $nextDue = gmdate('Y-m-d', gmmktime(0, 0, 0, 1, 1, 2027) + mt_rand(0, 364) * $day);
        yield [$id, $clientIds[mt_rand(0, count($clientIds) - 1)], $id, $product['id'], $firstServer + mt_rand(0, $serverCount - 1),
            gmdate('Y-m-d', $regdate), "s{$id}.example.test", 'banktransfer', $amount, $amount, $annual ? 'Annually' : 'Monthly',
            $nextDue, $nextDue, $status === 'Terminated' ? gmdate('Y-m-d', $regdate + 400 * $day) : null, $status, "u{$id}",
            encrypt("pw-{$id}"), '', '', $status === 'Suspended' ? 'Overdue on Payment' : '', $dedicated, implode("\n", $assigned),
            'ns1.example.test', 'ns2.example.test'];
    }
};
$optionRows = [];
bulkInsert($pdo, 'tblhosting', $serviceColumns, $serviceRows());
bulkInsert($pdo, 'tblhostingconfigoptions', ['relid', 'configid', 'optionid', 'qty'], $optionRows);

$pdo->commit();
printf("Seeded %d clients, %d services, %d products, %d servers (%d IPs) in %.2f s\n",
    $clientCount, $serviceCount, $productCount, $serverCount, $ips->used(), microtime(true) - $started);

/** Writes $rows (iterable of value lists in $columns order) with multi-row INSERT statements. */
function bulkInsert(PDO $pdo, string $table, array $columns, iterable $rows): void
{
    $columnList = implode(', ', array_map(static fn (string $c): string => "`{$c}`", $columns));
    $rowPlaceholder = '(' . implode(', ', array_fill(0, count($columns), '?')) . ')';
    $flush = static function (array $values, int $rowCount) use ($pdo, $table, $columnList, $rowPlaceholder): void {
        $sql = "INSERT INTO {$table} ({$columnList}) VALUES " . implode(', ', array_fill(0, $rowCount, $rowPlaceholder));
        $pdo->prepare($sql)->execute($values);
    };
    $values = [];
    $pending = 0;
    foreach ($rows as $row) {
        array_push($values, ...$row);
        if (++$pending === SEED_BATCH_ROWS) {
            $flush($values, $pending);
            [$values, $pending] = [[], 0];
        }
    }
    if ($pending > 0) {
        $flush($values, $pending);
    }
}

function seedStatus(int $percent): string
{
    foreach (SEED_STATUSES as [$status, $upTo]) {
        if ($percent <= $upTo) {
            return $status;
        }
    }
    return 'Active';
}

/** Unique documentation-range addresses: a seed-shuffled IPv4 pool, then sequential IPv6. */
final class SeedAddressPool
{
    private array $ipv4 = [];
    private int $ipv6Counter = 0;
    private int $ipv6Site;
    private int $used = 0;

    public function __construct(int $seed)
    {
        foreach (['192.0.2.', '198.51.100.', '203.0.113.'] as $prefix) {
            for ($host = 1; $host <= 254; $host++) {
                $this->ipv4[] = $prefix . $host;
            }
        }
        // shuffle() draws from the generator seeded by mt_srand(), so the order follows --seed.
        shuffle($this->ipv4);
        $this->ipv6Site = 0x100 + $seed % 0xff00;
    }

    /** An IPv4 address while any is left and $preferIpv4, else the next IPv6 address. */
    public function next(bool $preferIpv4): string
    {
        $this->used++;
        if ($preferIpv4 && $this->ipv4 !== []) {
            return array_pop($this->ipv4);
        }
        $n = ++$this->ipv6Counter;
        return inet_ntop(inet_pton(sprintf('2001:db8:%x:%x::%x', $this->ipv6Site, ($n >> 16) & 0xffff, $n & 0xffff)));
    }

    public function used(): int
    {
        return $this->used;
    }
}
