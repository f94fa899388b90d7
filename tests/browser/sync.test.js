'use strict';
// Synchronize and Orphaned (guide §10–11): an admin previews a sync (the
// summary and the skipped and conflicting rows, nothing written), runs it for
// real (the counts; the subnet pages now show the assigned addresses), then
// releases an orphaned address on the Orphaned page after the confirmation
// dialog and sees it gone, free again and cleared from WHMCS.
const test = require('node:test');
const assert = require('node:assert/strict');
const { withHarness, adminLogin, openAddonFromMenu, runPhp } = require('./support/harness');

const STORED = '192.0.2.0/28';
const ON_DEMAND = '198.51.100.0/24';

async function openTab(page, tab) {
  await page.click(`#ipmanager .nav-tabs a[data-tab="${tab}"]`);
  await page.locator(`#ipmanager .nav-tabs li.active a[data-tab="${tab}"]`).waitFor();
}

async function flash(page) {
  const box = page.locator('.ipmanager-flash');
  await box.waitFor();
  return { text: (await box.innerText()).trim(), cls: await box.getAttribute('class') };
}

/**
 * Two products, two subnets (a stored /28 and an on-demand /24, network and
 * broadcast reserved) and the services WHMCS already gives addresses:
 *   s1 Active    192.0.2.5                    stored, free: assigned
 *   s2 Active    198.51.100.20 + .21          on demand: created
 *   s3 Active    203.0.113.9                  inside no subnet: skipped
 *   s4 Active    192.0.2.5                    s1's address: conflict
 *   s5 Suspended 192.0.2.9                    only in a full sync; then orphaned
 */
function fixture(root) {
  const code = `
    use WHMCS\\Database\\Capsule;
    require ROOTDIR . '/modules/addons/ipmanager/ipmanager.php';
    if (($problem = WHMCS\\Module\\Addon\\Ipmanager\\Runtime::boot()) !== null) { throw new RuntimeException($problem); }
    $product = ['type' => 'server', 'gid' => 0, 'description' => '', 'paytype' => 'recurring', 'subdomain' => '',
        'autosetup' => 'payment', 'servertype' => 'sampleserver', 'tagline' => ''];
    $vps = Capsule::table('tblproducts')->insertGetId(['name' => 'Cloud VPS', 'slug' => 'vps'] + $product);
    $web = Capsule::table('tblproducts')->insertGetId(['name' => 'Web Hosting', 'slug' => 'web'] + $product);
    $services = [];
    foreach ([
        [1, $vps, 'Active', '192.0.2.5', ''],
        [1, $vps, 'Active', '198.51.100.20', '198.51.100.21'],
        [2, $web, 'Active', '203.0.113.9', ''],
        [2, $web, 'Active', '192.0.2.5', ''],
        [1, $vps, 'Suspended', '192.0.2.9', ''],
    ] as $n => [$client, $productId, $status, $dedicated, $assigned]) {
        $services[] = Capsule::table('tblhosting')->insertGetId(['userid' => $client, 'packageid' => $productId,
            'regdate' => date('Y-m-d'), 'domain' => 'sync' . ($n + 1) . '.example.test', 'paymentmethod' => 'banktransfer',
            'billingcycle' => 'Monthly', 'domainstatus' => $status, 'username' => 'sync' . ($n + 1), 'password' => '',
            'notes' => '', 'subscriptionid' => '', 'suspendreason' => '', 'dedicatedip' => $dedicated,
            'assignedips' => $assigned, 'ns1' => '', 'ns2' => '']);
    }
    $admin = ['admin_id' => 1];
    $stored = ipmanager_subnet_save($admin, ['name' => 'Stored v4', 'cidr' => ${JSON.stringify(STORED)},
        'reserve_network' => 'on', 'reserve_broadcast' => 'on', 'store_free_ips' => 'on'])['id'];
    $onDemand = ipmanager_subnet_save($admin, ['name' => 'On demand v4', 'cidr' => ${JSON.stringify(ON_DEMAND)},
        'reserve_network' => 'on', 'reserve_broadcast' => 'on'])['id'];
    echo json_encode(['services' => $services, 'stored' => $stored, 'onDemand' => $onDemand]);`;
  return JSON.parse(runPhp(root, code));
}

/** Every table's rows, to tell that a preview wrote nothing. */
function snapshot(root) {
  return runPhp(root, `
    $pdo = WHMCS\\Database\\Capsule::connection()->getPdo();
    $out = [];
    foreach ($pdo->query('SHOW TABLES')->fetchAll(PDO::FETCH_COLUMN) as $table) {
        $rows = array_map('json_encode', $pdo->query("SELECT * FROM \`$table\`")->fetchAll(PDO::FETCH_NUM));
        sort($rows);
        $out[$table] = md5(implode("\\n", $rows));
    }
    echo json_encode($out);`);
}

function query(root, sql) {
  return JSON.parse(runPhp(root, `echo json_encode(WHMCS\\Database\\Capsule::connection()->getPdo()
    ->query(${JSON.stringify(sql)})->fetchAll(PDO::FETCH_NUM));`));
}

/** The sync result table's rows: [service, client, address, outcome, reason]. */
async function resultRows(page) {
  return page.locator('#ipmanager-sync-rows tbody tr').evaluateAll((rows) => rows.map(
    (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()),
  ));
}

/** Clicks a sync button and waits until the page's script has shown the result. */
async function runSync(page, button) {
  await page.click(button);
  const summary = page.locator('#ipmanager-sync-summary');
  await page.locator('#ipmanager-sync-result').waitFor({ state: 'visible' });
  await page.waitForFunction(() => !document.querySelector('#ipmanager-sync-run').disabled);
  assert.equal((await page.locator('#ipmanager-sync-progress .progress-bar').innerText()).trim(), '100%');
  // Bootstrap animates the width: wait until the bar spans the whole track.
  await page.waitForFunction(() => {
    const bar = document.querySelector('#ipmanager-sync-progress .progress-bar');
    return Math.abs(bar.getBoundingClientRect().width - bar.parentElement.getBoundingClientRect().width) < 1;
  });
  return { text: (await summary.innerText()).trim(), cls: await summary.getAttribute('class') };
}

/** The subnet page's rows: [address, status, assignment]. */
async function subnetRows(page, subnetId) {
  await page.goto(`/admin/addonmodules.php?module=ipmanager&action=subnet&id=${subnetId}`);
  return page.locator('#ipmanager-addresses tbody tr').evaluateAll((rows) => rows.map(
    (tr) => [...tr.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent.replace(/\s+/g, ' ').trim()),
  ).filter((cells) => cells.length === 4));
}

test('admin previews and runs a sync, then releases an orphaned address', async (t) => {
  await withHarness(t, { name: 'sync' }, async (h) => {
    const { page } = h;
    const ids = fixture(h.root);
    const [s1, s2, s3, s4, s5] = ids.services;

    await adminLogin(page);
    await openAddonFromMenu(page);
    await openTab(page, 'sync');
    assert.match(await page.locator('#ipmanager').innerText(), /Services with an IP in WHMCS: 4 live \/ 5 all/);
    assert.ok(await page.isChecked('#ipmanager-sync-live-only'), 'live only is ticked by default');

    // --- Preview: the summary and the rows, nothing written ------------------------------
    const before = snapshot(h.root);
    let summary = await runSync(page, '#ipmanager-sync-preview');
    assert.match(summary.cls, /alert-success/);
    assert.equal(summary.text, 'Preview: nothing was written. 4 services processed, 1 synced, 2 created, 0 already correct, 1 skipped, 1 conflicts.');
    const expectedRows = [
      [`#${s3}`, '2', '203.0.113.9', 'skipped', 'no matching subnet'],
      [`#${s4}`, '2', '192.0.2.5', 'conflict', `assigned to service #${s1} in IP Manager`],
    ];
    assert.deepEqual(await resultRows(page), expectedRows);
    await h.shot('preview');
    assert.equal(snapshot(h.root), before, 'the preview wrote nothing');

    // --- The real sync, full (live only unticked) ----------------------------------------
    await page.setChecked('#ipmanager-sync-live-only', false);
    summary = await runSync(page, '#ipmanager-sync-run');
    assert.match(summary.cls, /alert-success/);
    assert.equal(summary.text, 'Sync finished. 5 services processed, 2 synced, 2 created, 0 already correct, 1 skipped, 1 conflicts.');
    assert.deepEqual(await resultRows(page), expectedRows);
    await h.shot('run');
    assert.deepEqual(query(h.root, `SELECT a.ip, x.service_id, x.type, x.source FROM mod_ipmanager_assignments x
      JOIN mod_ipmanager_ip_addresses a ON a.id = x.ip_address_id ORDER BY a.ip_bin`), [
      ['192.0.2.5', s1, 'primary', 'sync'],
      ['192.0.2.9', s5, 'primary', 'sync'],
      ['198.51.100.20', s2, 'primary', 'sync'],
      ['198.51.100.21', s2, 'additional', 'sync'],
    ]);

    // The subnet pages show the assigned addresses.
    const stored = await subnetRows(page, ids.stored);
    assert.deepEqual(stored.find((r) => r[0] === '192.0.2.5'), ['192.0.2.5', 'assigned', '', `#${s1} sync1.example.test Carla Client`]);
    assert.deepEqual(stored.find((r) => r[0] === '192.0.2.9'), ['192.0.2.9', 'assigned', '', `#${s5} sync5.example.test Carla Client`]);
    assert.equal(stored.filter((r) => r[1] === 'assigned').length, 2);
    await h.shot('stored-subnet');
    assert.deepEqual(await subnetRows(page, ids.onDemand), [
      ['198.51.100.20', 'assigned', '', `#${s2} sync2.example.test Carla Client`],
      ['198.51.100.21', 'assigned', '', `#${s2} sync2.example.test Carla Client`],
    ]);
    await h.shot('on-demand-subnet');

    // --- Orphaned: the suspended service's address -----------------------------------------
    await openTab(page, 'orphaned');
    const rows = page.locator('#ipmanager-orphans tbody tr');
    assert.equal(await rows.count(), 1);
    const row = page.locator('#ipmanager-orphans tbody tr[data-address="192.0.2.9"]');
    const cells = (await row.locator('td').allInnerTexts()).map((c) => c.trim());
    assert.deepEqual(cells.slice(0, 5), ['192.0.2.9', `#${s5}`, 'Carla Client #1', 'Cloud VPS', 'Suspended']);
    assert.match(cells[5], /^\d{4}-\d\d-\d\d \d\d:\d\d$/, 'since');
    await h.shot('orphaned');

    // Dismissing the confirmation changes nothing.
    let dialogText = '';
    page.once('dialog', (d) => { dialogText = d.message(); d.dismiss(); });
    await row.locator('button', { hasText: 'Release' }).click();
    assert.equal(dialogText, 'Release this address? It is removed from the service and can be handed to another customer.');
    assert.equal(await rows.count(), 1);
    assert.deepEqual(query(h.root, `SELECT COUNT(*) FROM mod_ipmanager_assignments WHERE service_id = ${s5}`), [[1]]);

    // Accepting it releases the address.
    page.once('dialog', (d) => d.accept());
    await Promise.all([page.waitForURL(/action=orphaned/), row.locator('button', { hasText: 'Release' }).click()]);
    const message = await flash(page);
    assert.match(message.cls, /alert-success/);
    assert.equal(message.text, `192.0.2.9 released from service #${s5}.`);
    assert.equal(await page.locator('#ipmanager-orphans').count(), 0, 'gone from the list');
    assert.equal((await page.locator('#ipmanager .alert-success:not(.ipmanager-flash)').innerText()).trim(), 'No orphaned addresses.');
    await h.shot('released');

    assert.deepEqual(query(h.root, `SELECT dedicatedip, assignedips FROM tblhosting WHERE id = ${s5}`), [['', '']]);
    assert.deepEqual(query(h.root, `SELECT action FROM mod_ipmanager_logs WHERE ip = '192.0.2.9' AND action IN
      ('orphan_server', 'address_released', 'orphan_netbox') ORDER BY id`), [['orphan_server'], ['address_released'], ['orphan_netbox']]);
    const after = await subnetRows(page, ids.stored);
    assert.deepEqual(after.find((r) => r[0] === '192.0.2.9'), ['192.0.2.9', 'free', '', ''], 'free again on the subnet page');

    // A second sync (live only) finds the live services in place.
    await openTab(page, 'sync');
    summary = await runSync(page, '#ipmanager-sync-run');
    assert.equal(summary.text, 'Sync finished. 4 services processed, 0 synced, 0 created, 3 already correct, 1 skipped, 1 conflicts.');

    assert.deepEqual(h.problems, [], 'no page errors, console errors or HTTP errors');
    assert.deepEqual(h.phpErrors(), [], 'no PHP errors in the server log');
    for (const d of h.phpDeprecations()) t.diagnostic(d);
  });
});
