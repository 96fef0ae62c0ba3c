// The compose window's live behaviour on the Gmail replica: the never-log
// check while recipients are added (O2, O4: the chip is marked, the Log
// toggle names who will not be logged and why, and says "won't be logged"
// when nobody is left), the Track toggle (O7, spec/tracking.md carrier 3:
// the pixel is in the sent message, and the sandbox counts its fetches), and
// the Log/Track defaults from the settings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startSandbox, serveGmail, launch, configure, openGmail, openCompose, withoutLoopbackPixel,
} from './harness.mjs';

let sandbox;
before(async () => {
  sandbox = await startSandbox();
});
after(async () => {
  await sandbox?.stop();
});

async function addRecipient(dialog, kind, address) {
  const input = dialog.locator(`div[name=${kind}] input[role=combobox]`);
  await input.fill(address);
  await input.press('Enter');
}

test('the never-log check marks excluded recipients while composing and says why', async () => {
  const browser = await launch();
  try {
    await configure(browser, {
      url: sandbox.url, token: sandbox.token,
      neverLog: 'ceo@client.example\n*.rival.example\n', aliases: 'anna.k@acme.example\n',
    });
    await serveGmail(browser.context);
    const page = await openGmail(browser);
    const { dialog, toggle } = await openCompose(page);

    await addRecipient(dialog, 'to', 'bob@client.example');
    await addRecipient(dialog, 'to', 'CEO@client.example');
    const ceoChip = dialog.locator('[data-hovercard-id="CEO@client.example"]');
    await page.waitForFunction(() =>
      document.querySelector('[data-hovercard-id="CEO@client.example"]')?.getAttribute('data-crmlog-excluded') === 'never_log_address');
    assert.equal(await dialog.locator('[data-hovercard-id="bob@client.example"]').getAttribute('data-crmlog-excluded'), null);
    assert.equal(await toggle.getAttribute('data-crmlog-recipients'), 'some');
    assert.match(await toggle.getAttribute('title'), /except for these recipients:\nceo@client\.example is on your never-log list/);
    assert.equal(await toggle.textContent(), 'Log');

    // Bob leaves (his chip is removed): only excluded recipients remain,
    // one of them internal (O4) — the toggle says it won't be logged.
    await dialog.locator('[data-hovercard-id="bob@client.example"]').evaluate((c) => c.remove());
    await addRecipient(dialog, 'cc', 'anna.k@acme.example');
    await page.waitForFunction(() =>
      document.querySelector('button.crmlog-log-toggle')?.getAttribute('data-crmlog-recipients') === 'none');
    assert.equal(await toggle.textContent(), "Won't be logged");
    const title = await toggle.getAttribute('title');
    assert.match(title, /^This email will not be logged: every recipient is excluded\./);
    assert.match(title, /anna\.k@acme\.example belongs to a user of your account/);
    assert.equal(await ceoChip.getAttribute('data-crmlog-excluded'), 'never_log_address');
    assert.equal(await dialog.locator('[data-hovercard-id="anna.k@acme.example"]').getAttribute('data-crmlog-excluded'), 'internal_recipient');

    // A loggable recipient again: the warning turns back into "some".
    await addRecipient(dialog, 'cc', 'x@eu.rival.example');
    await addRecipient(dialog, 'cc', 'dora@client.example');
    await page.waitForFunction(() =>
      document.querySelector('button.crmlog-log-toggle')?.getAttribute('data-crmlog-recipients') === 'some');
    assert.equal(await dialog.locator('[data-hovercard-id="x@eu.rival.example"]').getAttribute('data-crmlog-excluded'), 'never_log_domain');
    assert.equal(await toggle.textContent(), 'Log');
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});

test('Track puts the pixel into the sent email; Log and Track follow the defaults', async () => {
  const browser = await launch();
  try {
    await configure(browser, { url: sandbox.url, token: sandbox.token });
    await serveGmail(browser.context);
    const page = await openGmail(browser);

    // Defaults: Log on, Track off. Track on by hand, Log off: the pixel is
    // written, no marker, nothing logged (O7: Track is independent of Log).
    let { dialog, toggle } = await openCompose(page);
    const track = dialog.locator('button.crmlog-track-toggle');
    assert.equal(await track.getAttribute('aria-pressed'), 'false');
    assert.equal(await track.getAttribute('aria-disabled'), 'false', 'the sandbox serves the pixel');
    await track.click();
    await toggle.click();
    const pixel = dialog.locator('div[aria-label="Message Body"] img[data-crmlog-pixel]');
    const src = await pixel.getAttribute('src');
    assert.match(src, new RegExp(`^${sandbox.url}/o/crml-[a-z2-7]{26}\\.gif$`));
    assert.equal(await pixel.getAttribute('width'), '1');
    assert.equal(await pixel.getAttribute('alt'), '');
    assert.equal(await dialog.locator('[data-crmlog-id]').count(), 0, 'no body marker with Log off');
    await track.click();
    assert.equal(await pixel.count(), 0, 'Track off removes the pixel');
    await track.click();
    await page.locator('div[role=dialog]').evaluate((d) => d.closest('.nH.Hd')?.remove());

    // Log and Track both on: one id in both carriers, and the logged email
    // carries the pixel.
    ({ dialog, toggle } = await openCompose(page));
    await dialog.locator('button.crmlog-track-toggle').click();
    const subject = `Tracked ${Date.now()}`;
    const html = await (async () => {
      await composeAndSendIn(page, dialog, { to: ['bob@client.example'], subject, body: 'Tracked hello.' });
      await page.waitForFunction(() => document.querySelector('div.adn .crmlog-badge')?.getAttribute('data-state') === 'logged', null, { timeout: 20_000 });
      const logged = (await sandbox.emails()).filter((e) => e.properties.hs_email_subject === subject);
      assert.equal(logged.length, 1);
      return logged[0].properties.hs_email_html;
    })();
    const id = html.match(/data-crmlog-id="(crml-[a-z2-7]{26})"/)[1];
    assert.ok(html.includes(`${sandbox.url}/o/${id}.gif`), 'the pixel carries the same id as the marker');
    // A recipient's mail client fetching the pixel is counted.
    for (let i = 0; i < 2; i++) await fetch(`${sandbox.url}/o/${id}.gif`);
    const opens = await sandbox.api(`/crmlog/v1/opens?tracking_id=${id}`);
    assert.ok(opens.body.opens >= 2, JSON.stringify(opens.body));

    // Defaults from the settings: Log off, Track on, for the next compose.
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await options.evaluate(() => chrome.storage.local.set({ default_log: false, default_track: true }));
    await options.close();
    ({ dialog, toggle } = await openCompose(page));
    await page.waitForFunction(() => {
      const ts = document.querySelectorAll('button.crmlog-log-toggle');
      return ts[ts.length - 1]?.getAttribute('aria-pressed') === 'false';
    });
    assert.equal(await dialog.locator('button.crmlog-track-toggle').getAttribute('aria-pressed'), 'true');
    assert.equal(await dialog.locator('img[data-crmlog-pixel]').count(), 1);
    assert.deepEqual(withoutLoopbackPixel(browser.problems, sandbox.url), []);
  } finally {
    await browser.close();
  }
});

/** Fills an open compose and sends it by clicking Send. */
async function composeAndSendIn(page, dialog, { to, subject, body }) {
  for (const address of to) await addRecipient(dialog, 'to', address);
  await dialog.locator('input[name=subjectbox]').fill(subject);
  await dialog.locator('div[aria-label="Message Body"]').click();
  await page.keyboard.type(body);
  await dialog.locator('div[role=button][data-tooltip^="Send"]').click();
  await page.waitForFunction(() => location.hash.startsWith('#sent/'));
}
