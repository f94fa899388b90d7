'use strict';
/**
 * One throwaway WHMCS-compatible harness per test: a fresh root in a temp dir
 * with the addon installed, its own MariaDB database, the addon activated, a
 * PHP built-in server on a free port, and a headless Chromium (Debian's, via
 * playwright-core). Everything is torn down in reverse order when the test
 * ends, whether it passed, failed or its setup broke half-way.
 *
 * Env: DB_HOST/DB_PORT/DB_USER/DB_PASS (127.0.0.1/3306/root/''),
 *      IPMANAGER_SO (target/release/libipmanager.so),
 *      CHROMIUM (/usr/bin/chromium), KEEP_HARNESS=1 keeps root and database.
 */
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const REPO = path.resolve(__dirname, '..', '..', '..');
const SCREENSHOTS = path.join(REPO, 'tests', 'browser', 'screenshots');
const DB = {
  host: process.env.DB_HOST || '127.0.0.1',
  port: process.env.DB_PORT || '3306',
  user: process.env.DB_USER || 'root',
  pass: process.env.DB_PASS || '',
};
const SO = path.resolve(REPO, process.env.IPMANAGER_SO || 'target/release/libipmanager.so');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic'];

/** Servers still running, killed synchronously if the runner exits early. */
const liveServers = new Set();
process.on('exit', () => { for (const child of liveServers) { try { child.kill('SIGKILL'); } catch { /* gone */ } } });

function run(cmd, args, opts = {}) {
  try {
    return execFileSync(cmd, args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${e.status}):\n${e.stdout || ''}${e.stderr || ''}`);
  }
}

function dbArgs() {
  return [`--db-host=${DB.host}`, `--db-port=${DB.port}`, `--db-user=${DB.user}`, `--db-pass=${DB.pass}`];
}

/** DROP DATABASE through PHP's PDO (php8.2-mysql is a harness requirement anyway). */
function dropDatabase(name) {
  const code = '[$h,$p,$u,$w,$n]=array_slice($argv,1);'
    + '$pdo=new PDO("mysql:host=$h;port=$p",$u,$w,[PDO::ATTR_ERRMODE=>PDO::ERRMODE_EXCEPTION]);'
    + '$pdo->exec("DROP DATABASE IF EXISTS `$n`");';
  run('php', ['-r', code, '--', DB.host, DB.port, DB.user, DB.pass, name]);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `php -S` and waits until it serves a probe file with a random token
 * placed in this root, so the answer is known to come from our own process
 * (not some other server that grabbed the port first).
 */
async function startServer(root, logFile) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const token = crypto.randomBytes(12).toString('hex');
    const probe = `harness-probe-${token}.txt`;
    fs.writeFileSync(path.join(root, probe), token);
    const log = fs.openSync(logFile, 'a');
    const child = spawn('php', ['-d', `extension=${SO}`, '-S', `127.0.0.1:${port}`, '-t', root], { cwd: root, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    liveServers.add(child);
    let exited = false;
    child.once('exit', () => { exited = true; liveServers.delete(child); });
    const deadline = Date.now() + 10000;
    while (!exited && Date.now() < deadline) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/${probe}`);
        if ((await res.text()) === token) {
          fs.rmSync(path.join(root, probe));
          return { child, port, baseUrl: `http://127.0.0.1:${port}` };
        }
      } catch { /* not listening yet */ }
      await sleep(50);
    }
    await stopServer(child);
    fs.rmSync(path.join(root, probe), { force: true });
    if (!exited) throw new Error(`php -S on port ${port} did not answer within 10 s; see ${logFile}`);
    // exited: most likely the port was taken between freePort() and bind; try another one.
  }
  throw new Error(`php -S would not start; see ${logFile}`);
}

function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); }, 2000);
    child.once('exit', () => { clearTimeout(timer); liveServers.delete(child); resolve(); });
    child.kill('SIGTERM');
  });
}

function slug(s) {
  return s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
}

/**
 * Sets up everything for test context `t` and registers the teardown with
 * t.after(). Returns { root, dbName, baseUrl, browser, page, problems, shot(name) }.
 * `problems` collects page errors, console errors and HTTP >= 400 responses.
 */
async function startHarness(t, { name = t.name } = {}) {
  // `name` prefixes the screenshot files (default: the test's name).
  if (!fs.existsSync(SO)) {
    throw new Error(`${SO} is missing: cargo build --release --features fault-injection (or set IPMANAGER_SO)`);
  }
  const cleanups = [];
  let tornDown = false;
  const teardown = async () => {
    if (tornDown) return;
    tornDown = true;
    const errors = [];
    for (const fn of cleanups.reverse()) {
      try { await fn(); } catch (e) { errors.push(e); }
    }
    if (errors.length) throw new AggregateError(errors, 'harness teardown failed');
  };
  t.after(teardown);

  const keep = process.env.KEEP_HARNESS === '1';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ipm-browser-'));
  cleanups.push(() => { if (!keep) fs.rmSync(tmp, { recursive: true, force: true }); });
  const root = path.join(tmp, 'root');
  const dbName = `ipm_browser_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;

  run('sh', ['tests/harness/bin/new-root.sh', root]);
  run('bash', ['scripts/install-addon.sh', root]);
  cleanups.push(() => { if (!keep) dropDatabase(dbName); });
  run('php', ['tests/harness/bin/configure.php', `--root=${root}`, `--db-name=${dbName}`, ...dbArgs(),
    '--create-db', '--fresh']);
  const activated = run('php', ['-d', `extension=${SO}`, 'tests/harness/bin/addon.php', `--root=${root}`,
    'activate', 'ipmanager']);
  if (!/activate success/.test(activated)) throw new Error(`addon activation: ${activated}`);

  const serverLog = path.join(tmp, 'php-server.log');
  const server = await startServer(root, serverLog);
  cleanups.push(() => stopServer(server.child));

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
  });
  cleanups.push(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: server.baseUrl });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();

  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const where = m.location().url || '';
    if (/\/favicon\.ico$/.test(where)) return; // the harness has no favicon; browsers always ask
    problems.push(`console error: ${m.text()}${where ? ` (${where})` : ''}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`); });

  const serverLogLines = () => (fs.existsSync(serverLog) ? fs.readFileSync(serverLog, 'utf8').split('\n') : []);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const prefix = slug(path.basename(name));
  const h = {
    root, dbName, tmp, serverLog, baseUrl: server.baseUrl, browser, context, page, problems,
    /** Full-page screenshot to tests/browser/screenshots/<prefix>-<label>.png; returns the path. */
    async shot(label) {
      const file = path.join(SCREENSHOTS, `${prefix}-${slug(label)}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    /** PHP warnings/notices/fatals the built-in server logged (request lines and deprecations left out). */
    phpErrors() {
      return serverLogLines().filter((l) => /PHP (Fatal|Warning|Notice|Parse)|Uncaught/i.test(l));
    },
    /** PHP deprecation notices the server logged, unique (reported, not failed on). */
    phpDeprecations() {
      return [...new Set(serverLogLines().filter((l) => /PHP Deprecated/.test(l))
        .map((l) => l.replace(/^\[[^\]]*\]\s*/, '')))];
    },
  };
  // On failure, keep a screenshot of where the page was and print the server's PHP errors.
  cleanups.push(async () => {
    if (t.passed === false || h.failed) {
      try { await h.shot('FAILED'); } catch { /* browser may be gone */ }
      const errs = [...h.phpErrors(), ...h.phpDeprecations()];
      if (errs.length) t.diagnostic(`PHP errors:\n${errs.join('\n')}`);
    }
  });
  return h;
}

/**
 * Runs `body(h)` with a fresh harness; on an exception it takes a FAILED
 * screenshot before teardown and rethrows.
 */
async function withHarness(t, options, body) {
  if (typeof options === 'function') [options, body] = [{}, options];
  const h = await startHarness(t, options);
  try {
    await body(h);
  } catch (e) {
    h.failed = true;
    throw e;
  }
}

/** Logs into /admin/ with the harness's full administrator. */
async function adminLogin(page, username = 'admin', password = 'admin') {
  await page.goto('/admin/login.php');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.locator('#admin-navbar #menu-addons').waitFor();
}

/** Navbar: Addons ▸ <name>, by clicking. */
async function openAddonFromMenu(page, name = 'IP Manager') {
  await page.click('#menu-addons > a.dropdown-toggle');
  const link = page.locator('#menu-addons .dropdown-menu a', { hasText: name });
  await link.waitFor({ state: 'visible' });
  await link.click();
  await page.locator('#ipmanager').waitFor();
}

/**
 * Runs PHP code inside harness root `root` after its init.php (as a cron
 * script or WHMCS itself would), with the extension loaded; returns stdout.
 * PHP errors go to stderr and fail the call.
 */
function runPhp(root, code) {
  const file = path.join(root, `harness-run-${crypto.randomBytes(6).toString('hex')}.php`);
  fs.writeFileSync(file, `<?php\nchdir(${JSON.stringify(root)});\nrequire ${JSON.stringify(path.join(root, 'init.php'))};\n${code}\n`);
  try {
    const result = require('node:child_process').spawnSync('php', ['-d', `extension=${SO}`, '-d', 'display_errors=stderr',
      '-d', `error_reporting=${32767 & ~8192}`, file], { cwd: root, encoding: 'utf8' });
    if (result.status !== 0 || result.stderr.trim() !== '') {
      throw new Error(`PHP exited with ${result.status}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
    }
    return result.stdout;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** Logs into the client area (login.php) as `email` in `page`'s context. */
async function clientLogin(page, email, password) {
  await page.goto('/login.php');
  await page.fill('#inputEmail', email);
  await page.fill('#inputPassword', password);
  await Promise.all([page.waitForURL((url) => !url.pathname.endsWith('/login.php')), page.click('#login')]);
}

module.exports = { startHarness, withHarness, adminLogin, openAddonFromMenu, runPhp, clientLogin, REPO, SCREENSHOTS };
