// The extension's outbox survives its service worker being stopped and the
// browser being restarted: what was queued is sent once the CRM answers,
// exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, serveGmail, launch, configure, openGmail, composeAndSend } from './harness.mjs';

const subjects = (emails) => emails.map((e) => e.properties.hs_email_subject);

test('queued emails survive a stopped service worker and a browser restart', async () => {
  const sandbox = await startSandbox();
  const profile = mkdtempSync(join(tmpdir(), 'crmlog-profile-kept-'));
  try {
    let browser = await launch({ profile });
    await configure(browser, { url: sandbox.url, token: sandbox.token });
    await serveGmail(browser.context);
    let page = await openGmail(browser);
    const tag = Date.now();
    await sandbox.down();
    await composeAndSend(page, { to: ['gina@client.example'], subject: `Before the stop ${tag}`, body: 'One.' });
    await page.locator('div.adn .crmlog-badge[data-state=queued]').waitFor({ timeout: 20_000 });
    // The browser stops the idle worker; the queue is in IndexedDB.
    await browser.stopServiceWorker();
    await composeAndSend(page, { to: ['hank@client.example'], subject: `After the stop ${tag}`, body: 'Two.' });
    await page.locator('div.adn .crmlog-badge[data-state=queued]').waitFor({ timeout: 20_000 });
    // The whole browser goes away with both emails queued.
    await browser.close();
    assert.deepEqual(subjects(await (async () => { await sandbox.up(); return sandbox.emails(); })()), []);

    // Restarted on the same profile, the worker sends what was queued.
    browser = await launch({ profile });
    const deadline = Date.now() + 60_000;
    let logged = [];
    while (Date.now() < deadline) {
      logged = subjects(await sandbox.emails()).filter((s) => s.endsWith(String(tag)));
      if (logged.length >= 2) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.deepEqual(logged.sort(), [`After the stop ${tag}`, `Before the stop ${tag}`]);
    // Nothing more arrives later (no second copy from a retry).
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(subjects(await sandbox.emails()).filter((s) => s.endsWith(String(tag))).length, 2);
    assert.deepEqual(browser.problems.filter((p) => !p.includes('ERR_CONNECTION_REFUSED')), []);
    await browser.close();
  } finally {
    await sandbox.stop();
    rmSync(profile, { recursive: true, force: true });
  }
});
