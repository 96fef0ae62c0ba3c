// End to end on the Gmail replica's inline reply: the Log toggle appears in
// the reply (a div.M9 in the message, no dialog), and a Send with Log on
// logs the reply once, with the thread's subject and the prefilled
// recipient; so does the stand-alone compose window. Console errors from
// the extension fail the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, serveGmail, launch, configure, openGmail, openGmailReply } from './harness.mjs';

let sandbox;
before(async () => {
  sandbox = await startSandbox();
});
after(async () => {
  await sandbox?.stop();
});

test('Gmail replica: an inline reply gets the Log toggle and logs once', async () => {
  const browser = await launch();
  try {
    await configure(browser, { url: sandbox.url, token: sandbox.token });
    await serveGmail(browser.context);
    const page = await openGmail(browser);
    const start = (await sandbox.emails()).length;
    const { reply, toggle } = await openGmailReply(page);
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    await reply.locator('div[aria-label="Message Body"]').click();
    await page.keyboard.type('Monday works.');
    await reply.locator('div[role=button][data-tooltip^="Send"]').click();
    await page.waitForFunction(() => location.hash.startsWith('#sent/'));
    await page.waitForFunction(
      () => document.querySelector('div.adn .crmlog-badge')?.getAttribute('data-state') === 'logged',
      null,
      { timeout: 20_000 },
    );
    const emails = (await sandbox.emails()).slice(start);
    assert.equal(emails.length, 1, 'exactly one email logged');
    assert.equal(emails[0].properties.hs_email_subject, 'Re: Project kickoff');
    const headers = JSON.parse(emails[0].properties.hs_email_headers);
    assert.deepEqual(headers.to.map((p) => p.email), ['bob@client.example']);
    assert.match(emails[0].properties.hs_email_text, /Monday works\./);
    assert.deepEqual(browser.problems, [], 'no console errors from the page, content script or service worker');
  } finally {
    await browser.close();
  }
});

test('Gmail replica: the stand-alone compose window (Shift+Compose) gets the Log toggle and logs once', async () => {
  const browser = await launch();
  try {
    await configure(browser, { url: sandbox.url, token: sandbox.token });
    await serveGmail(browser.context);
    const page = await openGmail(browser);
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      page.click('[gh=cm]', { modifiers: ['Shift'] }),
    ]);
    const compose = popup.locator('body.xE div.M9');
    const toggle = compose.locator('button.crmlog-log-toggle');
    await toggle.waitFor({ timeout: 10_000 });
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    assert.ok(await compose.locator('[data-crmlog-id]').count() > 0, 'the body carries the marker');
    const subject = `From the stand-alone window ${Date.now()}`;
    await compose.locator('div[name=to] input[role=combobox]').fill('gina@client.example');
    await compose.locator('div[name=to] input[role=combobox]').press('Enter');
    await compose.locator('input[name=subjectbox]').fill(subject);
    await compose.locator('div[aria-label="Message Body"]').click();
    await popup.keyboard.type('Sent from a window of its own.');
    const closed = popup.waitForEvent('close');
    await compose.locator('div[role=button][data-tooltip^="Send"]').click({ noWaitAfter: true }).catch((e) => {
      if (!popup.isClosed()) throw e;
    });
    await closed;
    let emails = [];
    for (let i = 0; i < 100 && emails.length === 0; i++) {
      await page.waitForTimeout(100);
      emails = (await sandbox.emails()).filter((e) => e.properties.hs_email_subject === subject);
    }
    assert.equal(emails.length, 1, 'logged exactly once');
    const headers = JSON.parse(emails[0].properties.hs_email_headers);
    assert.deepEqual(headers.to.map((p) => p.email), ['gina@client.example']);
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});
