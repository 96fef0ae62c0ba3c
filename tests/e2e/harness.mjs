// Shared by the end-to-end tests and the demo: the sandbox CRM, Chromium
// with the unpacked extension, the Gmail replica served *as*
// https://mail.google.com (so the shipped manifest is what runs), and the
// steps of composing and sending.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const EXTENSION_DIR = join(ROOT, 'dist/chrome');
const CRMLOG = join(ROOT, 'target/release/crmlog');
const GMAIL = join(ROOT, 'tests/fixtures/sites/gmail');

function spawnSandbox(dbDir, port, token) {
  const child = spawn(CRMLOG, ['sandbox', '--db', join(dbDir, 'crm.db'), '--port', String(port), '--token', token], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = new Promise((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the sandbox did not start within 10 s')), 10_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolveUrl(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the sandbox exited with ${code}`)); });
  });
  return { child, url };
}

/** Starts `crmlog sandbox` on a free loopback port with a fresh database. */
export async function startSandbox({ dir } = {}) {
  if (!existsSync(CRMLOG)) throw new Error(`${CRMLOG} is missing: run scripts/build.sh`);
  const dbDir = dir ?? mkdtempSync(join(tmpdir(), 'crmlog-sandbox-'));
  const token = `test-${randomBytes(12).toString('hex')}`;
  let { child, url } = spawnSandbox(dbDir, 0, token);
  url = await url;
  const port = new URL(url).port;
  const api = async (path, { method = 'GET', body } = {}) => {
    const res = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  return {
    url, token, api, dbDir,
    /** Every email in the CRM, oldest first. */
    async emails() {
      const all = [];
      let after = 0;
      for (;;) {
        const page = await api(`/crm/objects/2026-03/emails?limit=100&after=${after}`);
        if (page.status !== 200) throw new Error(`listing emails: ${page.status}`);
        all.push(...page.body.results);
        if (!page.body.paging) return all;
        after = page.body.paging.next.after;
      }
    },
    /** Stops the server, keeping the database, as if the CRM went down. */
    async down() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    },
    /** Starts it again on the same port and database. */
    async up() {
      const next = spawnSandbox(dbDir, port, token);
      child = next.child;
      await next.url;
    },
    async stop() {
      await this.down();
      if (!dir) rmSync(dbDir, { recursive: true, force: true });
    },
  };
}

/** Where the replica's CSP sends reports: Gmail's own report path, so the
 * reports stay on the page's origin (a public origin may not post to
 * loopback) and are caught by the same interception that serves the page. */
export const CSP_REPORT_URI = 'https://mail.google.com/mail/cspreport';

/** A CSP modelled on a large web mail site's: nonce + 'strict-dynamic',
 * neither 'unsafe-eval' nor 'wasm-unsafe-eval', Trusted Types enforced, and
 * reports sent to `reportUri`. */
export function strictCsp(nonce, reportUri) {
  return [
    `script-src 'nonce-${nonce}' 'strict-dynamic' 'report-sample' 'unsafe-inline' https: http:`,
    "object-src 'none'",
    "base-uri 'self'",
    "require-trusted-types-for 'script'",
    `report-uri ${reportUri}`,
  ].join('; ');
}

/** Serves a replica's folder `dir` as `origin`: pages (`isPage(path)`) are
 * its mail.html with a fresh nonce and `csp` (a function of the nonce) when
 * given; `/_/replica/<name>.js|.css` its script and style; a POST to
 * `reportUri`'s path is a CSP report, kept in `reports`. */
async function serveReplica(context, { dir, name, origin, reportUri, isPage, csp, reports, rawQuery = false }) {
  const files = {
    [`/_/replica/${name}.js`]: ['application/javascript', readFileSync(join(dir, `${name}.js`))],
    [`/_/replica/${name}.css`]: ['text/css', readFileSync(join(dir, `${name}.css`))],
  };
  const reportPath = new URL(reportUri).pathname;
  await context.route(`${origin}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === reportPath) {
      reports.push({ type: route.request().headers()['content-type'], body: route.request().postData() });
      return route.fulfill({ status: 204, body: '' });
    }
    if (rawQuery && url.searchParams.get('view') === 'att') {
      // Gmail's "Download message": the replica page builds the original
      // message from what it shows (window.__replicaRaw in gmail.js).
      let raw = null;
      try {
        raw = await route.request().frame().evaluate((q) => window.__replicaRaw?.(q) ?? null, url.search);
      } catch {
        raw = null;
      }
      if (raw === null) return route.fulfill({ status: 404, body: '' });
      return route.fulfill({ status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: raw });
    }
    if (isPage(url.pathname)) {
      const nonce = randomBytes(16).toString('base64');
      const html = readFileSync(join(dir, 'mail.html'), 'utf8').replaceAll('{{NONCE}}', nonce);
      const headers = { 'content-type': 'text/html; charset=utf-8' };
      if (csp) headers['content-security-policy'] = csp(nonce);
      return route.fulfill({ status: 200, headers, body: html });
    }
    const file = files[url.pathname];
    if (file) return route.fulfill({ status: 200, headers: { 'content-type': file[0] }, body: file[1] });
    return route.fulfill({ status: 404, body: '' });
  });
}

/** Serves the Gmail replica as https://mail.google.com (or `origin`, where
 * the extension does not run, for baselines), with `csp` (a function of the
 * nonce) when given. */
export async function serveGmail(context, { csp, reports = [], origin = 'https://mail.google.com' } = {}) {
  await serveReplica(context, {
    dir: GMAIL, name: 'gmail', origin, reportUri: CSP_REPORT_URI, csp, reports, rawQuery: true,
    isPage: (path) => path.startsWith('/mail/'),
  });
}

/** Watches `page` for CSP violations it sees itself; returns their list. */
export async function watchCspViolations(page) {
  const violations = [];
  await page.exposeFunction('__cspViolation', (v) => violations.push(v));
  await page.evaluate(() => document.addEventListener('securitypolicyviolation',
    (e) => window.__cspViolation(`${e.violatedDirective} ${e.sourceFile}`)));
  return violations;
}

/** Under a strict CSP: asserts that neither the page nor the report
 * endpoint saw a violation, then proves the channel works — a WebAssembly
 * compile in the page itself is refused and reported — so the silence
 * means something. The control's console errors are taken out of
 * `browser.problems`. */
export async function assertCspSilentThenControl(page, browser, violations, reports) {
  await page.waitForTimeout(500);
  assert.deepEqual(violations, []);
  assert.deepEqual(reports, []);
  await page.evaluate(() => WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).catch(() => {}));
  for (let i = 0; i < 50 && (reports.length === 0 || violations.length === 0); i++) await page.waitForTimeout(100);
  assert.ok(reports.length > 0, 'the CSP report channel did not deliver the control violation');
  assert.ok(violations.length > 0, 'the page saw the control violation');
  browser.problems.splice(0, browser.problems.length,
    ...browser.problems.filter((p) => !p.includes('WebAssembly') && !p.includes('wasm-unsafe-eval')));
}

/** Chromium (Debian's, never a downloaded one) with the unpacked extension. */
export async function launch({ headless = true, profile: kept, lang } = {}) {
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) throw new Error('dist/chrome is missing: run scripts/build.sh');
  // A given profile is kept (to restart the browser on it); a fresh one is
  // removed on close.
  const profile = kept ?? mkdtempSync(join(tmpdir(), 'crmlog-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic',
      `--disable-extensions-except=${EXTENSION_DIR}`, `--load-extension=${EXTENSION_DIR}`,
      // The browser's UI language, which chrome.i18n follows.
      ...(lang ? [`--lang=${lang}`] : []),
    ],
    ...(lang ? { locale: lang, env: { ...process.env, LANGUAGE: lang, LANG: `${lang.replace('-', '_')}.UTF-8` } } : {}),
  });
  const problems = [];
  const watch = (source) => (msg) => {
    if (msg.type() === 'error') problems.push(`${source} console error: ${msg.text()} (${msg.location().url})`);
  };
  context.on('console', watch('page'));
  context.on('weberror', (e) => problems.push(`page error: ${e.error().message}`));
  const watchWorker = (sw) => sw.on('console', watch('service worker'));
  context.on('serviceworker', watchWorker);
  context.serviceWorkers().forEach(watchWorker);
  const sw = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const extensionId = new URL(sw.url()).host;
  return {
    context, extensionId, problems,
    async close() {
      await context.close();
      if (!kept) rmSync(profile, { recursive: true, force: true });
    },
    /** Stops the extension's service worker, as the browser does when idle. */
    async stopServiceWorker() {
      const page = context.pages()[0] ?? (await context.newPage());
      const cdp = await context.newCDPSession(page);
      await cdp.send('ServiceWorker.enable');
      await cdp.send('ServiceWorker.stopAllWorkers');
      await cdp.detach();
    },
  };
}

/** Fills in the options page like a user: CRM address and token, and
 * optionally the never-log list, the user's other addresses (one a line)
 * and the CRM's BCC address (logging through it instead of the API). */
export async function configure(browser, { url, token, neverLog, aliases, bcc }) {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await page.fill('#crm-url', url);
  await page.fill('#crm-token', token);
  if (neverLog !== undefined) await page.fill('#never-log', neverLog);
  if (aliases !== undefined) await page.fill('#aliases', aliases);
  if (bcc !== undefined) await page.fill('#bcc-address', bcc);
  await page.click('button[type=submit]');
  await page.waitForSelector('#status[data-state=saved]', { timeout: 10_000 });
  await page.close();
}

/** A loopback HTTP proxy in front of `target` that keeps every request it
 * forwards ({method, url, headers, body}): what the extension sent the CRM,
 * byte for byte, for tests that must prove something was never sent. */
export async function recordingProxy(target) {
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: body.toString('utf8') });
      try {
        const headers = { ...req.headers };
        delete headers.host;
        delete headers.connection;
        const upstream = await fetch(target + req.url, {
          method: req.method, headers, body: ['GET', 'HEAD'].includes(req.method) ? undefined : body,
        });
        const out = Buffer.from(await upstream.arrayBuffer());
        const back = {};
        upstream.headers.forEach((v, k) => { if (!['content-encoding', 'content-length', 'connection', 'transfer-encoding'].includes(k)) back[k] = v; });
        res.writeHead(upstream.status, back).end(out);
      } catch (e) {
        res.writeHead(502, { 'content-type': 'text/plain' }).end(String(e));
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

/** Opens Gmail's inbox (the replica). */
export async function openGmail(browser) {
  const page = await browser.context.newPage();
  await page.goto('https://mail.google.com/mail/u/0/#inbox');
  return page;
}

/** Runs `fn(browser, page)` in a fresh browser whose extension is set up
 * with `settings` (as `configure` takes them), on the `site` replica
 * ('gmail' or 'outlook') served as the real origin; closes the browser
 * after, whatever happened. */
export async function onReplica(site, settings, fn) {
  const browser = await launch();
  try {
    await configure(browser, settings);
    if (site === 'outlook') {
      await serveOutlook(browser.context);
      return await fn(browser, await openOutlook(browser));
    }
    await serveGmail(browser.context);
    return await fn(browser, await openGmail(browser));
  } finally {
    await browser.close();
  }
}

/** Opens a compose window and waits for crmlog's Log toggle in it. */
export async function openCompose(page) {
  const before = await page.locator('div[role=dialog]').count();
  await page.click('[gh=cm]');
  const dialog = page.locator('div[role=dialog]').nth(before);
  const toggle = dialog.locator('button.crmlog-log-toggle');
  await toggle.waitFor({ timeout: 10_000 });
  return { dialog, toggle };
}

/** Writes and sends an email; `log` sets the toggle first; `via` is
 * 'click' or 'shortcut'. */
export async function composeAndSend(page, { to, cc = [], subject, body, log = true, via = 'click' }) {
  const { dialog, toggle } = await openCompose(page);
  if ((await toggle.getAttribute('aria-pressed')) !== String(log)) await toggle.click();
  for (const [kind, list] of [['to', to], ['cc', cc]]) {
    for (const address of list) {
      await dialog.locator(`div[name=${kind}] input[role=combobox]`).fill(address);
      await dialog.locator(`div[name=${kind}] input[role=combobox]`).press('Enter');
    }
  }
  await dialog.locator('input[name=subjectbox]').fill(subject);
  await dialog.locator('div[aria-label="Message Body"]').click();
  await page.keyboard.type(body);
  if (via === 'shortcut') await page.keyboard.press('Control+Enter');
  else await dialog.locator('div[role=button][data-tooltip^="Send"]').click();
  await page.waitForFunction(() => location.hash.startsWith('#sent/'));
}

// ---- Outlook on the web ---------------------------------------------------

const OUTLOOK = join(ROOT, 'tests/fixtures/sites/outlook');

/** Where the Outlook replica's CSP sends reports: a path of the page's own
 * origin (a public origin may not post to loopback), caught by the same
 * interception that serves the page. */
export const OUTLOOK_CSP_REPORT_URI = 'https://outlook.office.com/_/csp-report';

/** Serves the Outlook replica as https://outlook.office.com (or `origin`):
 * every /mail/… path (inbox, items, Sent Items, the pop-out's deeplink) is
 * the replica page, with `csp` (a function of the nonce) when given. */
export async function serveOutlook(context, { csp, reports = [], origin = 'https://outlook.office.com' } = {}) {
  await serveReplica(context, {
    dir: OUTLOOK, name: 'outlook', origin, reportUri: OUTLOOK_CSP_REPORT_URI, csp, reports,
    isPage: (path) => path === '/mail' || path.startsWith('/mail/'),
  });
}

/** Opens Outlook's inbox (the replica). */
export async function openOutlook(browser) {
  const page = await browser.context.newPage();
  await page.goto('https://outlook.office.com/mail/');
  return page;
}

/** The compose in `scope` (a page or locator) holding crmlog's Log toggle,
 * once the toggle is in. */
async function outlookToggleIn(scope) {
  const compose = scope.locator('div:has(> [id^=docking_InitVisiblePart])').last();
  const toggle = compose.locator('button.crmlog-log-toggle');
  await toggle.waitFor({ timeout: 10_000 });
  return { compose, toggle };
}

/** Opens "New mail" in the reading pane and waits for the Log toggle. */
export async function openOutlookCompose(page) {
  await page.getByRole('button', { name: 'New mail' }).click();
  return outlookToggleIn(page.getByRole('main', { name: 'Reading Pane' }));
}

/** Opens the inbox message with `subject` and replies inline; waits for
 * the Log toggle in the reply. */
export async function openOutlookReply(page, subject) {
  await page.getByRole('treeitem', { name: 'Inbox' }).click();
  await page.locator('div[role=option][data-convid]', { hasText: subject }).click();
  await page.getByRole('menuitem', { name: 'Reply' }).click();
  return outlookToggleIn(page.getByRole('main', { name: 'Reading Pane' }));
}

/** Pops the compose `compose` out into its own window; returns the new
 * page and its compose once the Log toggle is in. */
export async function popOutOutlookCompose(page, compose) {
  const [popup] = await Promise.all([
    page.context().waitForEvent('page'),
    compose.getByRole('button', { name: 'Pop out' }).click(),
  ]);
  await popup.waitForLoadState('domcontentloaded');
  return { popup, ...(await outlookToggleIn(popup.locator('[data-app-section=Form_Content]'))) };
}

/** Fills an open Outlook compose like a user (recipients end with a comma,
 * which turns them into chips), sets Log, and sends by click or shortcut. */
export async function fillAndSendOutlook(page, compose, toggle, { to = [], cc = [], subject, body, log = true, via = 'click' }) {
  if ((await toggle.getAttribute('aria-pressed')) !== String(log)) await toggle.click();
  for (const [kind, list] of [['To', to], ['Cc', cc]]) {
    if (list.length === 0) continue;
    if (kind === 'Cc') await compose.locator('.fui-Input button', { hasText: /^Cc$/ }).click();
    const field = compose.locator(`div[contenteditable=true][aria-label=${kind}]`);
    await field.click();
    for (const address of list) await page.keyboard.type(`${address},`);
  }
  if (subject !== undefined) await compose.locator('input[aria-label="Add a subject"]').fill(subject);
  await compose.locator('div[contenteditable=true][aria-multiline=true]').click();
  await page.keyboard.type(body);
  // A pop-out window closes itself on Send, possibly while Playwright is
  // still finishing the click: that is the Send succeeding, not an error.
  const closedBySend = (e) => { if (!page.isClosed()) throw e; };
  if (via === 'shortcut') await page.keyboard.press('Control+Enter').catch(closedBySend);
  else await compose.locator('button[name=Send]').click({ noWaitAfter: true }).catch(closedBySend);
}

/** Writes and sends a new email in Outlook; waits for the sent message. */
export async function outlookComposeAndSend(page, options) {
  const { compose, toggle } = await openOutlookCompose(page);
  await fillAndSendOutlook(page, compose, toggle, options);
  await page.waitForFunction(() => location.pathname.startsWith('/mail/sentitems/id/'));
}

/** Opens the Gmail replica's received message and replies inline; waits
 * for crmlog's Log toggle in the reply. */
export async function openGmailReply(page) {
  await page.goto('https://mail.google.com/mail/u/0/#inbox');
  await page.locator('tr.zA[role=row]').first().click();
  await page.locator('div.adn [aria-label="Reply"]').click();
  const reply = page.locator('div.ip.adB div.M9');
  const toggle = reply.locator('button.crmlog-log-toggle');
  await toggle.waitFor({ timeout: 10_000 });
  return { reply, toggle };
}

/** `problems` without the page's reports of the loopback sandbox's pixel
 * being refused: Chromium's Local Network Access denies a public origin
 * (the web mail) the loopback address space and says so on the page's
 * console. That is the browser, not crmlog, and it means the sender's own
 * views of a tracked email never count as opens with the sandbox. */
export function withoutLoopbackPixel(problems, sandboxUrl) {
  const pixel = new RegExp(`${sandboxUrl.replaceAll('.', '\\.')}/o/crml-[a-z2-7]{26}\\.gif`);
  return problems.filter((p) => !pixel.test(p));
}
