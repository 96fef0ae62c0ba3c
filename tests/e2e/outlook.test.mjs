// End to end on the Outlook on the web replica: the built extension
// (dist/chrome) in Debian's Chromium, the sandbox CRM on loopback, and the
// page served as https://outlook.office.com — once without a CSP and once
// with a strict one, where no CSP violation may be reported. Console
// errors from the page, the content script or the service worker fail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startSandbox, strictCsp, launch, configure, serveOutlook, OUTLOOK_CSP_REPORT_URI, openOutlook,
  openOutlookCompose, openOutlookReply, popOutOutlookCompose, fillAndSendOutlook, outlookComposeAndSend,
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

/** The badge of the message open in the reading pane, once in `state`. */
async function waitForBadge(page, state) {
  await page.waitForFunction(
    (s) => {
      const body = document.querySelector('[aria-label="Reading Pane"] [role=document][aria-label="Message body"]');
      const item = body?.closest('div:has([role=heading][aria-level="3"] button)');
      return item?.querySelector('.crmlog-badge')?.getAttribute('data-state') === s;
    },
    state,
    { timeout: 20_000 },
  );
  return page.locator('[aria-label="Reading Pane"] .crmlog-badge');
}

/** Polls the sandbox until `n` emails arrived after index `from`. */
async function emailsAfter(from, n) {
  for (let i = 0; i < 100; i++) {
    const emails = (await sandbox.emails()).slice(from);
    if (emails.length >= n) return emails;
    await new Promise((r) => setTimeout(r, 200));
  }
  return (await sandbox.emails()).slice(from);
}

for (const mode of ['no CSP', 'strict CSP']) {
  test(`Outlook replica, ${mode}: new message with Log on logs exactly once, Log off logs nothing`, async () => {
    const browser = await launch();
    try {
      await configure(browser, { url: sandbox.url, token: sandbox.token });
      const csp = mode === 'strict CSP' ? (nonce) => strictCsp(nonce, OUTLOOK_CSP_REPORT_URI) : undefined;
      const reports = [];
      await serveOutlook(browser.context, { csp, reports });
      const page = await openOutlook(browser);
      const violations = await watchCspViolations(page);
      const tag = `${mode} ${Date.now()}`;
      const start = (await sandbox.emails()).length;

      // The toggle is there, on by default, a real button beside Send.
      const { compose, toggle } = await openOutlookCompose(page);
      assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
      assert.equal(await toggle.evaluate((t) => t.tagName), 'BUTTON');
      assert.equal(await toggle.evaluate((t) => t.previousElementSibling.getAttribute('data-testid')), 'ComposeSendButton');
      await compose.getByRole('button', { name: 'Discard' }).click();

      // Log on, sent by click.
      await outlookComposeAndSend(page, {
        to: ['Bob@Client.example'], cc: ['carl@client.example'], subject: `Offer (${tag})`,
        body: 'Hello Bob, here is the offer.',
      });
      const badge = await waitForBadge(page, 'logged');
      assert.equal(await badge.textContent(), 'Logged');
      let emails = await emailsAfter(start, 1);
      assert.equal(emails.length, 1, 'exactly one email logged');
      assert.equal(emails[0].properties.hs_email_subject, `Offer (${tag})`);
      assert.match(emails[0].properties.crmlog_tracking_id, /^crml-[a-z2-7]{26}$/);
      const headers = recipientsOf(emails[0]);
      assert.deepEqual(headers.to.map((p) => p.email), ['bob@client.example']);
      assert.deepEqual(headers.cc.map((p) => p.email), ['carl@client.example']);
      assert.equal(headers.from.email, 'anna@acme.example');
      assert.match(emails[0].properties.hs_email_text, /Hello Bob, here is the offer\./);
      assert.match(emails[0].properties.hs_email_html, /data-crmlog-id="crml-/);
      // The sent list shows it.
      assert.equal(await page.locator('[role=listbox][aria-label^="Message list"] div[role=option][data-convid]').count(), 1);

      // Log off: nothing is logged, no badge. Then Log on again, sent by
      // the keyboard shortcut, proves the outbox ran after the Log-off Send.
      await outlookComposeAndSend(page, { to: ['dora@client.example'], subject: `Private (${tag})`, body: 'Not for the CRM.', log: false });
      assert.equal(await page.locator('[aria-label="Reading Pane"] .crmlog-badge').count(), 0, 'no badge without Log');
      await outlookComposeAndSend(page, { to: ['erin@client.example'], subject: `Follow-up (${tag})`, body: 'Next steps.', via: 'shortcut' });
      await waitForBadge(page, 'logged');
      emails = await emailsAfter(start, 2);
      assert.deepEqual(emails.map((e) => e.properties.hs_email_subject), [`Offer (${tag})`, `Follow-up (${tag})`]);
      assert.ok(!JSON.stringify(emails).includes('dora@client.example'), 'the Log-off email left no trace');

      if (mode === 'strict CSP') await assertCspSilentThenControl(page, browser, violations, reports);
      assert.deepEqual(browser.problems, [], 'no console errors from the page, content script or service worker');
    } finally {
      await browser.close();
    }
  });
}

test('Outlook replica: inline reply and pop-out compose each get the toggle and log once', async () => {
  const browser = await launch();
  try {
    await configure(browser, { url: sandbox.url, token: sandbox.token });
    await serveOutlook(browser.context);
    const page = await openOutlook(browser);
    const start = (await sandbox.emails()).length;

    // Inline reply in the reading pane: To is prefilled, no subject field.
    const reply = await openOutlookReply(page, 'Project kickoff');
    assert.equal(await reply.toggle.getAttribute('aria-pressed'), 'true');
    await fillAndSendOutlook(page, reply.compose, reply.toggle, { body: 'Monday works.' });
    await page.waitForFunction(() => location.pathname.startsWith('/mail/sentitems/id/'));
    const badge = await waitForBadge(page, 'logged');
    assert.equal(await badge.textContent(), 'Logged');
    let emails = await emailsAfter(start, 1);
    assert.equal(emails.length, 1);
    // The logged subject is the conversation's (docs/sites.md).
    assert.equal(emails[0].properties.hs_email_subject, 'Project kickoff');
    assert.deepEqual(recipientsOf(emails[0]).to.map((p) => p.email), ['bob@client.example']);

    // Pop-out: a new window with its own compose and toggle.
    const subject = `Popped out ${Date.now()}`;
    const { compose } = await openOutlookCompose(page);
    const inlineId = await compose.locator('[data-crmlog-id]').getAttribute('data-crmlog-id');
    const { popup, compose: popped, toggle } = await popOutOutlookCompose(page, compose);
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    // The draft's marker came along: the pop-out keeps its tracking id.
    assert.equal(await popped.locator('[data-crmlog-id]').count(), 1);
    assert.equal(await popped.locator('[data-crmlog-id]').getAttribute('data-crmlog-id'), inlineId);
    const closed = popup.waitForEvent('close');
    await fillAndSendOutlook(popup, popped, toggle, { to: ['gina@client.example'], subject, body: 'From the pop-out.' });
    await closed;
    emails = await emailsAfter(start, 2);
    assert.equal(emails.length, 2, 'the pop-out logged exactly one more email');
    assert.equal(emails[1].properties.hs_email_subject, subject);
    assert.deepEqual(recipientsOf(emails[1]).to.map((p) => p.email), ['gina@client.example']);
    // The main window's Sent Items shows it, with its badge.
    await page.getByRole('treeitem', { name: 'Sent Items' }).click();
    await page.locator('div[role=option][data-convid]', { hasText: subject }).click();
    await waitForBadge(page, 'logged');
    assert.deepEqual(browser.problems, [], 'no console errors from the page, content script or service worker');
  } finally {
    await browser.close();
  }
});
