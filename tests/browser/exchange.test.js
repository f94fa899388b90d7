'use strict';
// Issue 6: export JSON from one installation, import it into a fresh one
// through the Import page (preview, then confirm), and see the same subnets.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { withHarness, adminLogin, openAddonFromMenu, runPhp } = require('./support/harness');

async function openTab(page, tab) {
  await page.click(`#ipmanager .nav-tabs a[data-tab="${tab}"]`);
  await page.locator(`#ipmanager .nav-tabs li.active a[data-tab="${tab}"]`).waitFor();
}

/** Each subnet row of the IP Subnets tab as "cidr name". */
async function subnetList(page) {
  await openTab(page, 'subnets');
  return page.locator('#ipmanager-subnets tbody tr[data-subnet]').evaluateAll((rows) => rows.map((row) =>
    `${row.getAttribute('data-subnet')} ${row.querySelector('td').textContent.trim()}`));
}

test('a JSON export imported into a fresh installation through the page shows the same subnets', async (t) => {
  let exported;
  let expected;
  await withHarness(t, { name: 'exchange-export' }, async (h) => {
    // Nested IPv4 (one stored, with a pool) and IPv6, made the way the forms make them.
    runPhp(h.root, `
      require ROOTDIR . '/modules/addons/ipmanager/ipmanager.php';
      WHMCS\\Module\\Addon\\Ipmanager\\Runtime::boot();
      $admin = ['admin_id' => 1];
      $parent = ipmanager_subnet_save($admin, ['name' => 'Frankfurt <edge>', 'cidr' => '79.133.0.0/16'])['id'];
      $rack = ipmanager_subnet_save($admin, ['name' => 'Rack 7', 'cidr' => '79.133.56.0/24', 'parent_id' => $parent,
          'store_free_ips' => 'on', 'reserve_network' => 'on', 'reserve_broadcast' => 'on'])['id'];
      ipmanager_pool_save($admin, ['subnet_id' => $rack, 'name' => 'Web', 'range_start' => '79.133.56.10', 'range_end' => '79.133.56.99']);
      ipmanager_subnet_save($admin, ['name' => 'Frankfurt v6', 'cidr' => '2001:db8::/48']);
    `);
    const { page } = h;
    await adminLogin(page);
    await openAddonFromMenu(page);
    expected = await subnetList(page);
    assert.equal(expected.length, 3);

    await openTab(page, 'export');
    assert.equal((await page.locator('#ipmanager-export-counts [data-count="addresses"]').innerText()).trim(), '256');
    await page.check('#ipmanager-export-form input[name=addresses]');
    await h.shot('export');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#ipmanager-export-json')]);
    assert.match(download.suggestedFilename(), /^ipmanager_export_\d{4}-\d{2}-\d{2}\.json$/);
    exported = path.join(h.tmp, download.suggestedFilename());
    await download.saveAs(exported);
    assert.deepEqual(h.phpErrors(), []);
    assert.deepEqual(h.problems, []);

    await withHarness(t, { name: 'exchange-import' }, async (fresh) => {
      const p = fresh.page;
      await adminLogin(p);
      await openAddonFromMenu(p);
      await openTab(p, 'import');
      await p.setInputFiles('#ipm-import-file', exported);
      await p.click('#ipmanager-import-preview');
      await p.locator('#ipmanager-import-create').waitFor();
      const created = await p.locator('#ipmanager-import-create td').allInnerTexts();
      assert.deepEqual(created.map((c) => c.trim()), ['3', '1', '256', '0'], 'subnets, pools, addresses, configurations');
      assert.equal(await p.locator('#ipmanager-import-problems').count(), 0, 'no problems');
      await fresh.shot('import-preview');

      await p.click('#ipmanager-import-run');
      const flash = p.locator('.ipmanager-flash');
      await flash.waitFor();
      assert.match(await flash.getAttribute('class'), /alert-success/, await flash.innerText());
      assert.match(p.url(), /action=subnets/);
      assert.deepEqual(await subnetList(p), expected, 'the same subnets, names and tree order');
      assert.equal(await p.locator('#ipmanager edge').count(), 0, 'the imported name is shown as text');
      await fresh.shot('imported-subnets');
      assert.deepEqual(fresh.phpErrors(), []);
      assert.deepEqual(fresh.problems, []);
    });
  });
});
