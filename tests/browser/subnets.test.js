'use strict';
// Issue 3: subnets and pools through the admin forms, usage bars on the lists
// and the dashboard, and a bad CIDR refused at its field.
const test = require('node:test');
const assert = require('node:assert/strict');
const { withHarness, adminLogin, openAddonFromMenu } = require('./support/harness');

// The v4 name carries markup characters: every page must show them as text.
const V4 = { name: 'FRA <edge> & "v4"', cidr: '79.133.56.0/24', gateway: '79.133.56.1', store: true };
const V6 = { name: 'Frankfurt v6', cidr: '2001:db8:100::/48', gateway: '', store: false };

async function openTab(page, tab) {
  await page.click(`#ipmanager .nav-tabs a[data-tab="${tab}"]`);
  await page.locator(`#ipmanager .nav-tabs li.active a[data-tab="${tab}"]`).waitFor();
}

async function flashText(page) {
  const flash = page.locator('.ipmanager-flash');
  await flash.waitFor();
  return { text: (await flash.innerText()).trim(), cls: await flash.getAttribute('class') };
}

async function addSubnet(page, s) {
  await openTab(page, 'subnets');
  await page.click('#ipmanager-add-subnet');
  await page.locator('#ipmanager-subnet-form').waitFor();
  // A new subnet starts with network, broadcast and gateway reserved.
  for (const box of ['reserve_network', 'reserve_broadcast', 'reserve_gateway']) {
    assert.ok(await page.isChecked(`#ipmanager-subnet-form input[name=${box}]`), `${box} ticked by default`);
  }
  assert.equal(await page.isChecked('#ipm-store'), false, 'Store free IPs unticked by default');
  await page.fill('#ipm-name', s.name);
  await page.fill('#ipm-cidr', s.cidr);
  if (s.gateway) await page.fill('#ipm-gateway', s.gateway);
  await page.setChecked('#ipm-store', s.store);
  await page.click('#ipmanager-save');
}

/** Picks the pool form's subnet option whose label mentions the CIDR. */
async function addPool(page, { name, cidr, start = '', end = '' }) {
  await openTab(page, 'pools');
  await page.click('#ipmanager-add-pool');
  await page.locator('#ipmanager-pool-form').waitFor();
  await page.fill('#ipm-pool-name', name);
  const option = page.locator('#ipm-pool-subnet option', { hasText: cidr });
  assert.equal(await option.count(), 1, `one subnet option for ${cidr}`);
  await page.selectOption('#ipm-pool-subnet', await option.getAttribute('value'));
  await page.fill('#ipmanager-pool-form input[name=range_start]', start);
  await page.fill('#ipmanager-pool-form input[name=range_end]', end);
  await page.click('#ipmanager-save-pool');
}

/** Every usage bar in `scope`: its percentage label and aria-valuenow. */
async function usageBars(scope) {
  return scope.locator('.ipmanager-usage .progress-bar').evaluateAll((bars) => bars.map((b) => ({
    text: b.textContent.trim(), now: b.getAttribute('aria-valuenow'), width: b.getBoundingClientRect().width,
  })));
}

function assertBar(bar, what) {
  assert.match(bar.text, /^\d+(\.\d+)?%$/, `${what}: bar label like "0%" (got ${JSON.stringify(bar.text)})`);
  assert.ok(bar.width > 0, `${what}: bar is rendered`);
}

test('subnets and pools are created through the forms; a bad CIDR is refused at its field', async (t) => {
  await withHarness(t, { name: 'subnets' }, async (h) => {
    const { page } = h;
    await adminLogin(page);
    await openAddonFromMenu(page);

    await openTab(page, 'subnets');
    assert.equal(await page.locator('#ipmanager-subnets').count(), 0, 'no subnet table before the first subnet');

    // --- two subnets -------------------------------------------------------
    for (const s of [V4, V6]) {
      await addSubnet(page, s);
      const flash = await flashText(page);
      assert.match(flash.cls, /alert-success/, `${s.cidr} saved: ${flash.text}`);
      // Lands on the subnet's own page.
      assert.match(page.url(), /action=subnet&id=\d+/);
      assert.equal((await page.locator('#ipmanager h2 code').innerText()).trim(), s.cidr);
    }

    await openTab(page, 'subnets');
    const subnetRows = page.locator('#ipmanager-subnets tbody tr');
    assert.equal(await subnetRows.count(), 2);
    for (const s of [V4, V6]) {
      const row = page.locator(`#ipmanager-subnets tbody tr[data-subnet="${s.cidr}"]`);
      assert.equal(await row.count(), 1, `row for ${s.cidr}`);
      assert.match(await row.innerText(), new RegExp(s.name));
      assert.equal(await row.locator('.label', { hasText: 'stored' }).count(), s.store ? 1 : 0, `${s.cidr} stored label`);
      if (s.gateway) assert.match(await row.innerText(), new RegExp(s.gateway.replace(/\./g, '\\.')));
    }

    // --- a pool on each -----------------------------------------------------
    await addPool(page, { name: 'v4 customers', cidr: V4.cidr, start: '79.133.56.10', end: '79.133.56.99' });
    let flash = await flashText(page);
    assert.match(flash.cls, /alert-success/, `v4 pool saved: ${flash.text}`);
    await addPool(page, { name: 'v6 customers', cidr: V6.cidr });
    flash = await flashText(page);
    assert.match(flash.cls, /alert-success/, `v6 pool saved: ${flash.text}`);

    // --- usage bars: subnet list, pool list, dashboard ----------------------
    await openTab(page, 'subnets');
    assert.equal(await subnetRows.count(), 2);
    const subnetBars = await usageBars(page.locator('#ipmanager-subnets'));
    assert.equal(subnetBars.length, 2, 'a usage bar per subnet');
    subnetBars.forEach((b, i) => assertBar(b, `subnet row ${i + 1}`));
    for (const s of [V4, V6]) {
      const pools = await page.locator(`#ipmanager-subnets tbody tr[data-subnet="${s.cidr}"] td:nth-child(4)`).innerText();
      assert.equal(pools.trim(), '1', `${s.cidr} has 1 pool`);
    }
    assert.equal(await page.locator('#ipmanager edge').count(), 0, 'subnet name not interpreted as HTML');
    await h.shot('subnet-list');

    await openTab(page, 'pools');
    assert.equal(await page.locator('#ipmanager-pools tbody tr').count(), 2);
    for (const [pool, cidr] of [['v4 customers', V4.cidr], ['v6 customers', V6.cidr]]) {
      const row = page.locator(`#ipmanager-pools tbody tr[data-pool="${pool}"]`);
      assert.equal(await row.count(), 1, `pool row ${pool}`);
      assert.match(await row.locator('td:nth-child(2)').innerText(), new RegExp(cidr.replace(/[.]/g, '\\.')));
    }
    assert.match(await page.locator('#ipmanager-pools tr[data-pool="v4 customers"] td:nth-child(3)').innerText(),
      /79\.133\.56\.10\s*[-–]\s*79\.133\.56\.99/);
    const poolBars = await usageBars(page.locator('#ipmanager-pools'));
    assert.equal(poolBars.length, 2, 'a usage bar per pool');
    poolBars.forEach((b, i) => assertBar(b, `pool row ${i + 1}`));
    assert.equal(await page.locator('#ipmanager edge').count(), 0, 'subnet name not interpreted as HTML');
    await h.shot('pool-list');

    await openTab(page, 'dashboard');
    const count = async (key) => (await page.locator(`[data-count="${key}"] .ipmanager-count`).innerText()).trim();
    assert.equal(await count('subnets'), '2');
    assert.equal(await count('pools'), '2');
    assert.equal(await count('assigned_ips'), '0');
    // Only the stored /24 counts: 256 addresses less network, broadcast and gateway.
    assert.equal(await count('free_ips'), '253', 'free IPs of the stored /24');
    assert.equal(await page.locator('#ipmanager-dashboard-usage tr').count(), 2);
    const dashBars = await usageBars(page.locator('#ipmanager-dashboard-usage'));
    assert.equal(dashBars.length, 2, 'a usage bar per subnet on the dashboard');
    dashBars.forEach((b, i) => assertBar(b, `dashboard row ${i + 1}`));
    await h.shot('dashboard');
    assert.match(await page.locator('#ipmanager-dashboard-usage').innerText(), /FRA <edge> & "v4"/);
    assert.equal(await page.locator('#ipmanager edge').count(), 0, 'subnet name not interpreted as HTML');

    // --- a bad CIDR (host bits set) ----------------------------------------
    await addSubnet(page, { name: 'Bad one', cidr: '79.133.57.7/24', gateway: '', store: true });
    const form = page.locator('#ipmanager-subnet-form');
    await form.waitFor();
    const cidrGroup = form.locator('.form-group', { has: page.locator('#ipm-cidr') });
    const fieldError = cidrGroup.locator('.ipmanager-field-error[data-field="cidr"]');
    await fieldError.waitFor();
    assert.ok((await fieldError.innerText()).trim().length > 0, 'CIDR error has text');
    assert.match(await cidrGroup.getAttribute('class'), /has-error/);
    assert.equal(await form.locator('.ipmanager-field-error').count(), 1, 'only the CIDR field is in error');
    assert.equal(await page.inputValue('#ipm-cidr'), '79.133.57.7/24', 'typed CIDR kept');
    assert.equal(await page.inputValue('#ipm-name'), 'Bad one', 'typed name kept');
    assert.ok(await page.isChecked('#ipm-store'), 'Store free IPs kept');
    // The error sits right under the CIDR input (same column, below it).
    const inputBox = await page.locator('#ipm-cidr').boundingBox();
    const errorBox = await fieldError.boundingBox();
    assert.ok(errorBox.y >= inputBox.y + inputBox.height - 1 && errorBox.y < inputBox.y + inputBox.height + 40,
      'error directly below the CIDR input');
    assert.ok(Math.abs(errorBox.x - inputBox.x) < 2, 'error aligned with the CIDR input');
    assert.equal(await page.locator('#ipm-parent option', { hasText: 'FRA <edge> & "v4" (79.133.56.0/24)' }).count(), 1,
      'parent choices show the name as text');
    await h.shot('bad-cidr-form');
    t.diagnostic(`CIDR error: ${(await fieldError.innerText()).trim()}`);

    await openTab(page, 'subnets');
    assert.equal(await subnetRows.count(), 2, 'the bad subnet was not created');
    await openTab(page, 'dashboard');
    assert.equal(await count('subnets'), '2');

    assert.deepEqual(h.problems, [], 'no page errors, console errors or HTTP errors');
    assert.deepEqual(h.phpErrors(), [], 'no PHP errors in the server log');
    for (const d of h.phpDeprecations()) t.diagnostic(d);
  });
});
