// The popup and the options page end to end (Chromium, the real extension,
// the sandbox CRM, the Gmail replica): outbox counts after real sends, an
// email the CRM refused retried and then logged, a degraded feature shown
// with its snippet, the connection test, the never-log list's import,
// export and pull, and the defaults stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT, startSandbox, serveGmail, launch, configure, openGmail, composeAndSend } from './harness.mjs';

let sandbox;
before(async () => { sandbox = await startSandbox(); });
after(async () => { await sandbox?.stop(); });

// Failed requests are what some of these tests are about; Chromium reports
// each on the console.
const NETWORK_NOISE = /Failed to load resource|ERR_CONNECTION_REFUSED/;
const realProblems = (browser) => browser.problems.filter((p) => !NETWORK_NOISE.test(p));

/** axe-core's violations on the whole page. The extension's CSP allows
 * no inline script tag, so axe is evaluated through the debugger. */
async function axeViolations(page) {
  await page.evaluate(readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

async function openPopup(browser) {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  return page;
}

async function openOptions(browser) {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
  // Filled from storage once the wasm has run.
  await page.waitForSelector('#settings[data-ready]');
  return page;
}

async function badge(page, state) {
  await page.waitForFunction(
    (s) => document.querySelector('div.adn .crmlog-badge')?.getAttribute('data-state') === s,
    state,
    { timeout: 20_000 },
  );
}

/** A loopback port nothing listens on. */
async function closedPort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

test('popup: counts after real sends; a refused email retried and logged; recent emails', async () => {
  // Its own CRM: this test stops and starts it.
  const sandbox = await startSandbox();
  const browser = await launch();
  try {
    await serveGmail(browser.context);
    const tag = Date.now();
    const logged = `Logged ${tag}`;
    const refused = `Refused ${tag}`;
    const queued = `Queued ${tag}`;

    await configure(browser, { url: sandbox.url, token: sandbox.token });
    const page = await openGmail(browser);
    const firstSent = Date.now();
    await composeAndSend(page, { to: ['ann@client.example'], cc: ['carl@client.example'], subject: logged, body: 'One.' });
    await badge(page, 'logged');

    // A CRM address with a wrong path: the token is right, the CRM answers
    // 404 to every call, and the outbox parks the email with that error.
    await configure(browser, { url: `${sandbox.url}/wrong-path`, token: sandbox.token });
    await composeAndSend(page, { to: ['bea@client.example'], subject: refused, body: 'Two.' });
    await badge(page, 'not-logged');

    // The CRM goes down: the next email waits in the outbox.
    await sandbox.down();
    await configure(browser, { url: sandbox.url, token: sandbox.token });
    await composeAndSend(page, { to: ['cid@client.example'], subject: queued, body: 'Three.' });
    await badge(page, 'queued');

    const popup = await openPopup(browser);
    await popup.waitForFunction(() => document.querySelector('#count-queued').textContent === '1');
    assert.equal(await popup.textContent('#count-parked'), '1');
    // Sent today: the logged email, unless the day turned since it was sent.
    const midnight = await popup.evaluate(() => new Date(new Date().setHours(0, 0, 0, 0)).getTime());
    if (firstSent >= midnight) assert.equal(await popup.textContent('#count-sent-today'), '1');

    const parked = popup.locator('#parked li');
    assert.equal(await parked.count(), 1);
    assert.equal(await parked.locator('.subject').textContent(), refused);
    assert.match(await parked.locator('.recipient').textContent(), /bea@client\.example/);
    assert.match(await parked.locator('.error').textContent(), /404/);
    const recent = popup.locator('#recent li');
    assert.equal(await recent.count(), 1);
    assert.equal(await recent.locator('.subject').textContent(), logged);
    assert.match(await recent.locator('.recipient').textContent(), /To ann@client\.example/);
    assert.ok(await popup.locator('#recent-none').isHidden());
    assert.ok(await popup.locator('#degraded-section').isHidden());

    assert.deepEqual(await axeViolations(popup), []);

    // The CRM is back and the address fixed: Retry, by keyboard, logs it.
    await sandbox.up();
    const retry = popup.getByRole('button', { name: `Retry logging “${refused}”` });
    await retry.focus();
    await popup.keyboard.press('Enter');
    await popup.waitForFunction(() => document.querySelector('#count-parked').textContent === '0', null, { timeout: 30_000 });
    assert.ok(await popup.locator('#parked-section').isHidden());
    await popup.waitForFunction(() => document.querySelector('#count-queued').textContent === '0', null, { timeout: 60_000 });
    const subjects = (await sandbox.emails()).map((e) => e.properties.hs_email_subject).filter((s) => s.endsWith(String(tag)));
    assert.deepEqual(subjects.sort(), [logged, queued, refused].sort());
    const now = await popup.evaluate(() => new Date(new Date().setHours(0, 0, 0, 0)).toISOString());
    const today = (await sandbox.emails()).filter((e) => e.properties.hs_email_subject.endsWith(String(tag)) && e.properties.hs_timestamp >= now).length;
    await popup.waitForFunction((n) => document.querySelector('#count-sent-today').textContent === n, String(today));
    // Newest first: the queued email was sent last.
    await popup.waitForFunction(() => document.querySelectorAll('#recent li').length === 3);
    const order = await popup.locator('#recent li .subject').allTextContents();
    assert.deepEqual(order, [queued, refused, logged]);
    assert.deepEqual(realProblems(browser), []);
  } finally {
    await browser.close();
    await sandbox.stop();
  }
});

test('popup: a degraded feature is shown with its snippet, the last report per feature', async () => {
  const browser = await launch();
  try {
    const popup = await openPopup(browser);
    await popup.waitForFunction(() => document.querySelector('#count-queued').textContent === '0');
    assert.ok(await popup.locator('#degraded-section').isHidden());
    // As a content script reports it (any extension page may send it too).
    const send = (m) => popup.evaluate((msg) => chrome.runtime.sendMessage(msg), m);
    assert.equal(await send({ kind: 'degraded', site: 'gmail', feature: 'log_toggle', snippet: '<div role=""><span></span></div>' }), true);
    // The markup as the content script sends it: the worker keeps only its
    // censored shape (no text, no attribute values).
    assert.equal(await send({ kind: 'degraded', site: 'gmail', feature: 'log_toggle', snippet: '<div role="dialog" title="bob@client.example">Offer <b>for Bob</b></div>' }), true);
    assert.equal(await send({ kind: 'degraded', site: 'outlook', feature: 'status_badge', snippet: '<ul><li></li></ul>' }), true);
    const refused = await send({ kind: 'degraded', site: 'yahoo', feature: 'log_toggle', snippet: '' });
    assert.match(refused.error, /not a degraded-feature report/);

    await popup.waitForFunction(() => document.querySelectorAll('#degraded li').length === 2);
    const items = popup.locator('#degraded li');
    assert.match(await items.nth(0).locator('p').textContent(), /The log status on messages is switched off on Outlook on the web/);
    assert.match(await items.nth(1).locator('p').textContent(), /The Log toggle is switched off on Gmail/);
    assert.deepEqual(await axeViolations(popup), []);
    const area = popup.getByLabel('Page structure for a bug report (without the text of your mail)').nth(1);
    assert.equal(await area.inputValue(), '<div role title><b></b></div>');
    assert.equal(await area.getAttribute('readonly'), '');
    assert.deepEqual(realProblems(browser), []);
  } finally {
    await browser.close();
  }
});

test('options: test connection, never-log import/export/pull, defaults and BCC address stored', async () => {
  const browser = await launch();
  try {
    const page = await openOptions(browser);
    assert.deepEqual(await axeViolations(page), []);
    // Defaults before anything is saved.
    assert.equal(await page.isChecked('#default-log'), true);
    assert.equal(await page.isChecked('#default-track'), false);
    assert.equal(await page.isChecked('#log-replies'), false);

    await page.fill('#crm-url', sandbox.url);
    await page.fill('#crm-token', sandbox.token);
    await page.click('#test-connection');
    await page.waitForSelector('#connection-status[data-state=ok]');
    assert.match(await page.textContent('#connection-status'), /the CRM accepted the access token/);

    await page.fill('#crm-token', 'wrong-token');
    await page.click('#test-connection');
    await page.waitForSelector('#connection-status[data-state=error]');
    assert.match(await page.textContent('#connection-status'), /refused the access token \(HTTP 401\)/);

    await page.fill('#crm-url', `http://127.0.0.1:${await closedPort()}`);
    await page.click('#test-connection');
    await page.waitForSelector('#connection-status[data-state=error]');
    assert.match(await page.textContent('#connection-status'), /could not be reached/);
    await page.fill('#crm-url', sandbox.url);
    await page.fill('#crm-token', sandbox.token);

    // Pull the team's shared list from the sandbox: merged, without
    // duplicates, into what is typed.
    const put = await fetch(`${sandbox.url}/crmlog/v1/never-log`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'text/plain' },
      body: 'shared.example\nCEO@client.example\n',
    });
    assert.equal(put.status, 200);
    await page.fill('#never-log', 'ceo@client.example\n');
    await page.click('#never-log-pull');
    await page.waitForSelector('#list-status[data-state=ok]');
    assert.match(await page.textContent('#list-status'), /New entries added: 1\b/);
    assert.equal(await page.inputValue('#never-log'), 'ceo@client.example\nshared.example\n');
    await page.click('#never-log-pull');
    await page.waitForFunction(() => /already has every entry/.test(document.querySelector('#list-status').textContent));

    // Import: a file with a bad line is refused whole, naming the line.
    await page.setInputFiles('#never-log-import', { name: 'bad.txt', mimeType: 'text/plain', buffer: Buffer.from('ok.example\n*bad.example\n') });
    await page.waitForSelector('#list-status[data-state=error]');
    assert.match(await page.textContent('#list-status'), /Line 2 of the file/);
    assert.equal(await page.inputValue('#never-log'), 'ceo@client.example\nshared.example\n');
    await page.setInputFiles('#never-log-import', { name: 'list.txt', mimeType: 'text/plain', buffer: Buffer.from('# ours\nimport.example\r\nshared.example\n') });
    await page.waitForSelector('#list-status[data-state=ok]');
    assert.equal(await page.inputValue('#never-log'), 'ceo@client.example\nshared.example\nimport.example\n');

    // Export: what the editor holds, as a text file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#never-log-export')]);
    assert.equal(download.suggestedFilename(), 'crmlog-never-log.txt');
    assert.equal(readFileSync(await download.path(), 'utf8'), 'ceo@client.example\nshared.example\nimport.example\n');

    // Defaults and the BCC address and the open-tracking address: a bad value saves nothing.
    await page.uncheck('#default-log');
    await page.check('#default-track');
    await page.check('#log-replies');
    await page.fill('#bcc-address', 'not an address');
    await page.click('button[type=submit]');
    await page.waitForSelector('#status[data-state=error]');
    assert.match(await page.textContent('#status'), /BCC address is not an email address/);
    assert.deepEqual(await page.evaluate(() => chrome.storage.local.get(null)), {});
    await page.fill('#bcc-address', ' 4242@BCC.sandbox.example ');
    await page.fill('#pixel-base', 'http://t.acme.example');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => /open-tracking address must start with https/.test(document.querySelector('#status').textContent));
    assert.deepEqual(await page.evaluate(() => chrome.storage.local.get(null)), {});
    await page.fill('#pixel-base', 'https://t.acme.example/px/');
    await page.click('button[type=submit]');
    await page.waitForSelector('#status[data-state=saved]');
    const stored = await page.evaluate(() => chrome.storage.local.get(null));
    assert.equal(stored.bcc_address, '4242@bcc.sandbox.example');
    assert.equal(stored.default_log, false);
    assert.equal(stored.default_track, true);
    assert.equal(stored.log_replies, true);
    assert.equal(stored.pixel_base, 'https://t.acme.example/px');
    assert.equal(stored.never_log, 'ceo@client.example\nshared.example\nimport.example\n');

    // Shown again as saved.
    await page.reload();
    await page.waitForSelector('#settings[data-ready]');
    assert.equal(await page.inputValue('#bcc-address'), '4242@bcc.sandbox.example');
    assert.equal(await page.isChecked('#default-log'), false);
    assert.equal(await page.isChecked('#default-track'), true);
    assert.equal(await page.isChecked('#log-replies'), true);
    assert.deepEqual(realProblems(browser), []);
  } finally {
    await browser.close();
  }
});
