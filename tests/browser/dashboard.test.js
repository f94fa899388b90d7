'use strict';
// Issue 2: Addons → IP Manager opens the Dashboard with its four counts.
const test = require('node:test');
const assert = require('node:assert/strict');
const { withHarness, adminLogin, openAddonFromMenu } = require('./support/harness');

test('admin opens IP Manager from the Addons menu and sees the dashboard counts', async (t) => {
  await withHarness(t, { name: 'dashboard' }, async (h) => {
    const { page } = h;
    await adminLogin(page);
    await openAddonFromMenu(page, 'IP Manager');

    assert.match(page.url(), /\/admin\/addonmodules\.php\?module=ipmanager$/);
    assert.equal(await page.locator('#ipmanager-problem').count(), 0, 'no problem box');
    await assert.doesNotReject(page.locator('#ipmanager-dashboard').waitFor());
    assert.equal(await page.locator('#ipmanager .nav-tabs li.active a').innerText(), 'Dashboard');

    const expected = {
      subnets: 'IP Subnets', pools: 'IP Pools', assigned_ips: 'Assigned IPs', free_ips: 'Free IPs',
    };
    const panels = page.locator('#ipmanager-dashboard [data-count]');
    assert.equal(await panels.count(), 4, 'four count panels');
    for (const [key, label] of Object.entries(expected)) {
      const panel = page.locator(`#ipmanager-dashboard [data-count="${key}"]`);
      assert.equal((await panel.locator('.ipmanager-count').innerText()).trim(), '0', `${key} count`);
      assert.equal((await panel.locator('.text-muted').innerText()).trim(), label, `${key} label`);
      assert.ok(await panel.isVisible(), `${key} panel visible`);
    }
    // A fresh install has no subnets, so no usage table yet.
    assert.equal(await page.locator('#ipmanager-dashboard-usage').count(), 0);

    await h.shot('counts');
    assert.deepEqual(h.problems, [], 'no page errors, console errors or HTTP errors');
    assert.deepEqual(h.phpErrors(), [], 'no PHP errors in the server log');
    for (const d of h.phpDeprecations()) t.diagnostic(d);
  });
});
