'use strict';
// Issue 4: an admin builds a subnet, a pool and a configuration through the
// pages; provisioning a service of the configured product hands it an address
// that the Assignments page and the client area show; the client unassigns it
// after the confirmation page, and the address is free again.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { withHarness, adminLogin, openAddonFromMenu, runPhp, clientLogin, SCREENSHOTS } = require('./support/harness');

const SUBNET = { name: 'Customers v4', cidr: '203.0.113.0/28', gateway: '203.0.113.1' };
const POOL = { name: 'VPS pool', start: '203.0.113.4', end: '203.0.113.9' };
const FIRST_IP = '203.0.113.4';
const PRODUCT = 'Cloud VPS S';
const OTHER_PRODUCT = 'Web Hosting';
const DOMAIN = 'vps.client.test';

async function openTab(page, tab) {
  await page.click(`#ipmanager .nav-tabs a[data-tab="${tab}"]`);
  await page.locator(`#ipmanager .nav-tabs li.active a[data-tab="${tab}"]`).waitFor();
}

async function flash(page) {
  const box = page.locator('.ipmanager-flash');
  await box.waitFor();
  return { text: (await box.innerText()).trim(), cls: await box.getAttribute('class') };
}

/** The WHMCS side the admin pages do not create: products, a server and the client's Pending order. */
function whmcsFixture(root) {
  const code = `
    use WHMCS\\Database\\Capsule;
    $group = Capsule::table('tblproductgroups')->insertGetId(['name' => 'VPS', 'slug' => 'vps', 'headline' => '', 'tagline' => '',
        'orderfrmtpl' => '', 'disabledgateways' => '']);
    $server = Capsule::table('tblservers')->insertGetId(['name' => 'node-a', 'ipaddress' => '198.51.100.10', 'assignedips' => '',
        'hostname' => 'node-a.example.test', 'type' => 'sampleserver', 'username' => 'root', 'password' => '', 'accesshash' => '',
        'secure' => 'on', 'port' => 8443]);
    $product = ['type' => 'server', 'gid' => $group, 'description' => '', 'paytype' => 'recurring', 'subdomain' => '',
        'autosetup' => 'payment', 'servertype' => 'sampleserver', 'tagline' => ''];
    $other = Capsule::table('tblproducts')->insertGetId(['name' => ${JSON.stringify(OTHER_PRODUCT)}, 'slug' => 'web'] + $product);
    $vps = Capsule::table('tblproducts')->insertGetId(['name' => ${JSON.stringify(PRODUCT)}, 'slug' => 'vps-s'] + $product);
    $service = Capsule::table('tblhosting')->insertGetId(['userid' => 1, 'packageid' => $vps, 'server' => $server,
        'regdate' => date('Y-m-d'), 'domain' => ${JSON.stringify(DOMAIN)}, 'paymentmethod' => 'banktransfer',
        'billingcycle' => 'Monthly', 'domainstatus' => 'Pending', 'username' => 'vps1', 'password' => '', 'notes' => '',
        'subscriptionid' => '', 'suspendreason' => '', 'dedicatedip' => '', 'assignedips' => '', 'ns1' => '', 'ns2' => '']);
    echo json_encode(['product' => $vps, 'other' => $other, 'service' => $service]);`;
  return JSON.parse(runPhp(root, code));
}

function hosting(root, serviceId) {
  return JSON.parse(runPhp(root, `echo json_encode(WHMCS\\Database\\Capsule::table('tblhosting')->where('id', ${serviceId})
    ->first(['domainstatus', 'dedicatedip', 'assignedips']));`));
}

function assignmentCount(root, serviceId) {
  return Number(runPhp(root, `echo WHMCS\\Database\\Capsule::table('mod_ipmanager_assignments')->where('service_id', ${serviceId})->count();`));
}

/** Page, console and HTTP errors of a page, collected into `problems`. */
function watch(page, problems, who) {
  page.on('pageerror', (e) => problems.push(`${who} page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/\/favicon\.ico$/.test(m.location().url || '')) problems.push(`${who} console error: ${m.text()}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${who} HTTP ${r.status()} ${r.url()}`); });
}

/** The admin subnet page's row for `ip`: its status label. */
async function addressStatus(page, subnetId, ip) {
  await page.goto(`/admin/addonmodules.php?module=ipmanager&action=subnet&id=${subnetId}&q=${encodeURIComponent(ip)}`);
  const row = page.locator('#ipmanager-addresses tbody tr', { has: page.locator('code', { hasText: ip }) });
  assert.equal(await row.count(), 1, `one row for ${ip} on the subnet page`);
  return (await row.locator('td:nth-child(2)').innerText()).trim();
}

test('admin configures a product, provisioning assigns an IP, the client sees and unassigns it', async (t) => {
  await withHarness(t, { name: 'provisioning' }, async (h) => {
    const { page } = h;
    const ids = whmcsFixture(h.root);

    // --- subnet and pool, through the pages ----------------------------------------
    await adminLogin(page);
    await openAddonFromMenu(page);
    await openTab(page, 'subnets');
    await page.click('#ipmanager-add-subnet');
    await page.locator('#ipmanager-subnet-form').waitFor();
    await page.fill('#ipm-name', SUBNET.name);
    await page.fill('#ipm-cidr', SUBNET.cidr);
    await page.fill('#ipm-gateway', SUBNET.gateway);
    await page.setChecked('#ipm-store', true);
    await page.click('#ipmanager-save');
    let message = await flash(page);
    assert.match(message.cls, /alert-success/, `subnet saved: ${message.text}`);
    const subnetId = Number(new URL(page.url()).searchParams.get('id'));
    assert.ok(subnetId > 0, `on the new subnet's page (${page.url()})`);

    await openTab(page, 'pools');
    await page.click('#ipmanager-add-pool');
    await page.locator('#ipmanager-pool-form').waitFor();
    await page.fill('#ipm-pool-name', POOL.name);
    const subnetOption = page.locator('#ipm-pool-subnet option', { hasText: SUBNET.cidr });
    await page.selectOption('#ipm-pool-subnet', await subnetOption.getAttribute('value'));
    await page.fill('#ipmanager-pool-form input[name=range_start]', POOL.start);
    await page.fill('#ipmanager-pool-form input[name=range_end]', POOL.end);
    await page.click('#ipmanager-save-pool');
    message = await flash(page);
    assert.match(message.cls, /alert-success/, `pool saved: ${message.text}`);

    // --- Configurations → Add Configuration ------------------------------------------
    await openTab(page, 'configurations');
    await page.click('#ipmanager-add-configuration');
    const form = page.locator('#ipmanager-configuration-form');
    await form.waitFor();
    await page.fill('#ipm-conf-name', 'VPS addresses');
    const productBoxes = page.locator('#ipm-conf-products input[type=checkbox]');
    assert.equal(await productBoxes.count(), 2, 'both products offered');
    await page.locator('#ipm-conf-products label', { hasText: PRODUCT }).locator('input').check();
    const poolOption = page.locator('#ipm-conf-pool option', { hasText: POOL.name });
    assert.equal(await poolOption.count(), 1, 'the pool is offered');
    await page.selectOption('#ipm-conf-pool', await poolOption.getAttribute('value'));
    await page.click('#ipmanager-save-configuration');
    message = await flash(page);
    assert.match(message.cls, /alert-success/, `configuration created: ${message.text}`);
    assert.match(page.url(), /action=configuration&id=\d+/, 'lands on the configuration\'s edit page');
    assert.match(await page.locator('#ipmanager h2').innerText(), /VPS addresses/);
    // The edit page shows the selection as saved: the product ticked, the pool chosen, one relation.
    assert.ok(await page.locator('#ipmanager-selection-form #ipm-conf-products label', { hasText: PRODUCT }).locator('input').isChecked());
    assert.equal(await page.locator('#ipmanager-selection-form #ipm-conf-products label', { hasText: OTHER_PRODUCT }).locator('input').isChecked(), false);
    assert.equal(await page.locator('#ipmanager-selection-form #ipm-conf-pool').inputValue(), await poolOption.getAttribute('value'));
    const relations = page.locator('#ipmanager-relations tbody tr[data-relation]');
    assert.equal(await relations.count(), 1, 'one product relation');
    assert.match(await relations.first().innerText(), new RegExp(`${PRODUCT}[\\s\\S]*${POOL.name}`));
    await h.shot('configuration-edit');
    await openTab(page, 'configurations');
    const listed = page.locator('#ipmanager-configurations tbody tr', { hasText: 'VPS addresses' });
    assert.equal(await listed.count(), 1);
    assert.equal((await listed.locator('td:nth-child(2)').innerText()).trim(), '1', 'one product');

    // --- provisioning: the module's Create, as the admin's button or the cron runs it ---
    const created = JSON.parse(runPhp(h.root, `echo json_encode(Harness\\Provisioning::moduleAction(${ids.service}, 'Create'));`));
    assert.deepEqual(created, { result: 'success' });
    assert.deepEqual(hosting(h.root, ids.service), { domainstatus: 'Active', dedicatedip: FIRST_IP, assignedips: '' },
      'the lowest free pool address (network, gateway and broadcast reserved) is written to WHMCS');

    // --- Assignments, filtered by the service id --------------------------------------
    await openTab(page, 'assignments');
    await page.fill('#ipmanager-assignment-filters input[name=service_id]', String(ids.service));
    await Promise.all([page.waitForURL(/service_id=/), page.click('#ipmanager-assignment-filters button')]);
    const rows = page.locator('#ipmanager-assignments tbody tr[data-service]');
    assert.equal(await rows.count(), 1, 'the filter leaves the one service');
    const row = page.locator(`#ipmanager-assignments tbody tr[data-service="${ids.service}"]`);
    assert.deepEqual(await row.locator('.ipmanager-assigned code').allInnerTexts(), [FIRST_IP]);
    assert.match(await row.innerText(), new RegExp(PRODUCT));
    assert.equal((await row.locator('td:nth-child(6)').innerText()).trim(), FIRST_IP, 'WHMCS dedicated IP column');
    await h.shot('assignments');
    assert.equal(await addressStatus(page, subnetId, FIRST_IP), 'assigned');

    // --- the client, in a context of their own ----------------------------------------
    const clientContext = await h.browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: h.baseUrl });
    clientContext.setDefaultTimeout(10000);
    const client = await clientContext.newPage();
    const clientProblems = [];
    watch(client, clientProblems, 'client');
    await clientLogin(client, 'client@example.test', 'client');
    // The sidebar leads to the page.
    const sidebarLink = client.locator('a[menuItemName="ipmanager-addresses"]');
    assert.equal(await sidebarLink.count(), 1, 'sidebar link for a client holding an address');
    await Promise.all([client.waitForURL(/m=ipmanager/), sidebarLink.click()]);
    const card = client.locator(`#ipmanager-client [data-service="${ids.service}"]`);
    await card.waitFor();
    assert.match(await card.locator('.card-header').innerText(), new RegExp(`${PRODUCT}\\s+${DOMAIN.replace(/\./g, '\\.')}`));
    assert.deepEqual(await card.locator('tbody td code').allInnerTexts(), [FIRST_IP]);
    assert.match(await card.locator('tbody tr').first().innerText(), new RegExp(`IPv4[\\s\\S]*${SUBNET.cidr.replace(/[./]/g, '\\$&')}[\\s\\S]*${POOL.name}`));
    await client.screenshot({ path: path.join(SCREENSHOTS, 'provisioning-client-area.png'), fullPage: true });

    // Unassign: the confirmation page first, nothing changes until it is confirmed.
    await Promise.all([client.waitForURL(/action=unassign/), card.locator('a.ipmanager-unassign').click()]);
    const confirmBox = client.locator('#ipmanager-client-unassign');
    await confirmBox.waitFor();
    assert.match(await confirmBox.innerText(), new RegExp(FIRST_IP.replace(/\./g, '\\.')));
    assert.equal(assignmentCount(h.root, ids.service), 1, 'showing the confirmation changes nothing');
    await client.screenshot({ path: path.join(SCREENSHOTS, 'provisioning-client-confirm.png'), fullPage: true });
    await Promise.all([client.waitForLoadState('load'), client.click('#ipmanager-confirm-unassign')]);
    const success = client.locator('#ipmanager-client-success');
    await success.waitFor();
    assert.equal((await success.innerText()).trim(), `${FIRST_IP} unassigned from service #${ids.service}.`);
    assert.equal(await client.locator('#ipmanager-client-error').count(), 0);
    assert.equal(await client.locator('#ipmanager-client code', { hasText: FIRST_IP }).count(), 0, 'the address is gone from the page');
    await client.screenshot({ path: path.join(SCREENSHOTS, 'provisioning-client-after-unassign.png'), fullPage: true });
    await client.reload();
    assert.equal(await client.locator('#ipmanager-client code', { hasText: FIRST_IP }).count(), 0, 'and stays gone');
    assert.equal(await client.locator('a[menuItemName="ipmanager-addresses"]').count(), 0, 'no sidebar link once nothing is held');

    await clientContext.close();

    // --- back in the admin: WHMCS and IP Manager agree that it is free -----------------
    assert.equal(assignmentCount(h.root, ids.service), 0);
    assert.deepEqual(hosting(h.root, ids.service), { domainstatus: 'Active', dedicatedip: '', assignedips: '' });
    assert.equal(await addressStatus(page, subnetId, FIRST_IP), 'free', 'free again on the subnet page');
    await page.goto(`/admin/addonmodules.php?module=ipmanager&action=assignments&service_id=${ids.service}`);
    const after = page.locator(`#ipmanager-assignments tbody tr[data-service="${ids.service}"]`);
    assert.equal(await after.count(), 1, 'the service is still listed');
    assert.equal(await after.locator('.ipmanager-assigned').count(), 0, 'without an address');
    const log = JSON.parse(runPhp(h.root, `echo json_encode(WHMCS\\Database\\Capsule::table('mod_ipmanager_logs')
      ->where('action', 'address_released')->get(['actor_type', 'actor_id', 'ip', 'service_id'])->all());`));
    assert.deepEqual(log, [{ actor_type: 'client', actor_id: 1, ip: FIRST_IP, service_id: ids.service }]);

    assert.deepEqual(h.problems, [], 'no admin page errors, console errors or HTTP errors');
    assert.deepEqual(clientProblems, [], 'no client page errors, console errors or HTTP errors');
    assert.deepEqual(h.phpErrors(), [], 'no PHP errors in the server log');
    for (const d of h.phpDeprecations()) t.diagnostic(d);
  });
});
