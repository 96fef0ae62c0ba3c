// Never-log list end to end (rules N1–N5, O2): the list typed into the
// options page keeps excluded recipients out of every request the extension
// makes to the CRM — checked on the wire through a recording proxy, not only
// in the CRM's database — and an email whose recipients are all excluded is
// not logged, with the reason shown on the sent message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, recordingProxy, serveGmail, launch, configure, openGmail, composeAndSend } from './harness.mjs';

let sandbox;
let proxy;
before(async () => {
  sandbox = await startSandbox();
  proxy = await recordingProxy(sandbox.url);
});
after(async () => {
  await proxy?.close();
  await sandbox?.stop();
});

const EXCLUDED = ['ceo@client.example', 'CEO+board@Client.example', 'spy@rival.example', 'x@eu.rival.example'];

async function badgeSettles(page, state) {
  await page.waitForFunction(
    (s) => document.querySelector('div.adn .crmlog-badge')?.getAttribute('data-state') === s,
    state,
    { timeout: 20_000 },
  );
  return page.locator('div.adn .crmlog-badge');
}

test('never-logged recipients leave no trace in any request; all excluded → not logged, with the reason', async () => {
  const browser = await launch();
  try {
    // N1: one entry a line; `@domain` is a domain; `*.domain` its subdomains.
    await configure(browser, {
      url: proxy.url, token: sandbox.token,
      neverLog: '  ceo@client.example\n@rival.example\n*.rival.example\n',
    });
    await serveGmail(browser.context);
    const page = await openGmail(browser);
    const tag = Date.now();

    // Mixed recipients: only Bob is logged.
    await composeAndSend(page, {
      to: ['bob@client.example', EXCLUDED[0]], cc: [EXCLUDED[1], EXCLUDED[2], EXCLUDED[3]],
      subject: `Board pack ${tag}`, body: 'Figures attached.',
    });
    await badgeSettles(page, 'logged');
    const logged = (await sandbox.emails()).filter((e) => e.properties.hs_email_subject === `Board pack ${tag}`);
    assert.equal(logged.length, 1);
    const headers = JSON.parse(logged[0].properties.hs_email_headers);
    assert.deepEqual([...headers.to, ...headers.cc].map((p) => p.email), ['bob@client.example']);

    // Every recipient excluded: nothing reaches the CRM, the badge says why.
    await composeAndSend(page, { to: [EXCLUDED[0]], cc: [EXCLUDED[2]], subject: `Private ${tag}`, body: 'Only for you.' });
    const badge = await badgeSettles(page, 'not-logged');
    const title = await badge.getAttribute('title');
    assert.match(title, /not logged/);
    assert.match(title, /never-log list/);
    assert.equal((await sandbox.emails()).filter((e) => e.properties.hs_email_subject === `Private ${tag}`).length, 0);

    // N5 on the wire: no request the extension made carries an excluded
    // address or the excluded domain, in any case.
    assert.ok(proxy.requests.length > 0, 'the proxy saw the extension talk to the CRM');
    const wire = proxy.requests.map((r) => `${r.method} ${r.url}\n${r.body}`).join('\n').toLowerCase();
    // Positive control: the same scan finds what was meant to be sent.
    assert.ok(wire.includes('bob@client.example') && wire.includes(`board pack ${tag}`));
    for (const needle of ['ceo@', 'ceo+board@', 'rival.example', 'private ' + tag]) {
      assert.ok(!wire.includes(needle), `a request to the CRM contained ${needle}`);
    }
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});

test('a bad never-log line is named on the options page and nothing is saved in part (N1)', async () => {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await page.fill('#crm-url', sandbox.url);
    await page.fill('#crm-token', sandbox.token);
    await page.fill('#never-log', 'ok@client.example\n*client.example\n');
    await page.click('button[type=submit]');
    await page.waitForSelector('#status[data-state=error]', { timeout: 10_000 });
    assert.match(await page.locator('#status').textContent(), /Line 2\b/);
    const stored = await page.evaluate(() => chrome.storage.local.get(null));
    assert.equal(stored.never_log, undefined, 'the list was not saved in part');
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});
