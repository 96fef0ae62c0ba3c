// End to end on the Gmail replica: the built extension (dist/chrome) in
// Debian's Chromium, the sandbox CRM on loopback, and the page served as
// https://mail.google.com — once without a CSP and once with a strict one,
// where no CSP violation may be reported.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startSandbox, CSP_REPORT_URI, strictCsp, serveGmail, launch, configure, openGmail,
  composeAndSend, openCompose,
  watchCspViolations, assertCspSilentThenControl,
} from './harness.mjs';

let sandbox;
before(async () => {
  sandbox = await startSandbox();
});
after(async () => {
  await sandbox?.stop();
});

const recipientsOf = (email) => JSON.parse(email.properties.hs_email_headers);

async function waitForBadge(page, state) {
  const badge = page.locator('div.adn .crmlog-badge');
  await badge.waitFor({ timeout: 10_000 });
  await page.waitForFunction(
    (s) => document.querySelector('div.adn .crmlog-badge')?.getAttribute('data-state') === s,
    state,
    { timeout: 20_000 },
  );
  return badge;
}

for (const mode of ['no CSP', 'strict CSP']) {
  test(`Gmail replica, ${mode}: Log on logs exactly once, Log off logs nothing`, async () => {
    const browser = await launch();
    try {
      await configure(browser, { url: sandbox.url, token: sandbox.token });
      const csp = mode === 'strict CSP' ? (nonce) => strictCsp(nonce, CSP_REPORT_URI) : undefined;
      const reports = [];
      await serveGmail(browser.context, { csp, reports });
      const page = await openGmail(browser);
      const violations = await watchCspViolations(page);
      const tag = `${mode} ${Date.now()}`;
      const before = (await sandbox.emails()).length;

      // The toggle is there and on by default, keyboard-operable.
      const { dialog, toggle } = await openCompose(page);
      assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
      assert.equal(await toggle.evaluate((t) => t.tagName), 'BUTTON');
      await dialog.locator('.aYF').click(); // nothing else happens
      await page.locator('div[role=dialog]').evaluate((d) => d.closest('.nH.Hd').remove());

      // Log on, sent by click.
      await composeAndSend(page, {
        to: ['Bob@Client.example'], cc: ['carl@client.example'], subject: `Offer (${tag})`,
        body: 'Hello Bob, here is the offer.',
      });
      const badge = await waitForBadge(page, 'logged');
      assert.equal(await badge.textContent(), 'Logged');
      let emails = (await sandbox.emails()).slice(before);
      assert.equal(emails.length, 1, 'exactly one email logged');
      assert.equal(emails[0].properties.hs_email_subject, `Offer (${tag})`);
      assert.match(emails[0].properties.crmlog_tracking_id, /^crml-[a-z2-7]{26}$/);
      const headers = recipientsOf(emails[0]);
      assert.deepEqual(headers.to.map((p) => p.email), ['bob@client.example']);
      assert.deepEqual(headers.cc.map((p) => p.email), ['carl@client.example']);
      assert.equal(headers.from.email, 'anna@acme.example');
      // The worker derives the plain text from the HTML body.
      assert.match(emails[0].properties.hs_email_text, /Hello Bob, here is the offer\./);
      assert.match(emails[0].properties.hs_email_html, /data-crmlog-id="crml-/);
      const timeline = await sandbox.api('/crmlog/v1/timeline?email=bob%40client.example');
      assert.ok(timeline.body.emails.some((e) => e.properties.hs_email_subject === `Offer (${tag})`));

      // Log off: nothing is logged. Then a third email with Log on, sent by
      // the keyboard shortcut, proves the outbox ran after the second Send.
      await composeAndSend(page, { to: ['dora@client.example'], subject: `Private (${tag})`, body: 'Not for the CRM.', log: false });
      assert.equal(await page.locator('div.adn .crmlog-badge').count(), 0, 'no badge without Log');
      await composeAndSend(page, { to: ['erin@client.example'], subject: `Follow-up (${tag})`, body: 'Next steps.', via: 'shortcut' });
      await waitForBadge(page, 'logged');
      emails = (await sandbox.emails()).slice(before);
      assert.deepEqual(emails.map((e) => e.properties.hs_email_subject), [`Offer (${tag})`, `Follow-up (${tag})`]);
      assert.ok(!JSON.stringify(emails).includes('dora@client.example'), 'the Log-off email left no trace');

      if (mode === 'strict CSP') await assertCspSilentThenControl(page, browser, violations, reports);
      assert.deepEqual(browser.problems, [], 'no console errors from the page, content script or service worker');
    } finally {
      await browser.close();
    }
  });
}

test('Gmail replica: a Send while the CRM is down is Queued, then Logged once it is back, exactly once', async () => {
  const browser = await launch();
  try {
    await configure(browser, { url: sandbox.url, token: sandbox.token });
    await serveGmail(browser.context);
    const page = await openGmail(browser);
    const subject = `While the CRM was down ${Date.now()}`;
    await sandbox.down();
    await composeAndSend(page, { to: ['fred@client.example'], subject, body: 'Queued first.' });
    // The email itself was sent; the status says it waits.
    const badge = await waitForBadge(page, 'queued');
    await page.waitForFunction(
      () => /./.test(document.querySelector('div.adn .crmlog-badge')?.getAttribute('title') ?? ''),
    );
    await sandbox.up();
    await waitForBadge(page, 'logged');
    assert.equal(await badge.textContent(), 'Logged');
    const matching = (await sandbox.emails()).filter((e) => e.properties.hs_email_subject === subject);
    assert.equal(matching.length, 1, 'logged exactly once after the CRM came back');
    assert.deepEqual(browser.problems.filter((p) => !p.includes('ERR_CONNECTION_REFUSED')), []);
  } finally {
    await browser.close();
  }
});
