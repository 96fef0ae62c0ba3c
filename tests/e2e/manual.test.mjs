// "Log this email" in the service worker (rules M): a raw message handed
// to the worker — as the mail page's button will hand it — is decided with
// the options' never-log list and aliases, queued in the outbox and logged
// once: a received message to the sender's timeline as INCOMING_EMAIL, a
// second request for the same Message-ID answering with the first item, a
// never-logged sender refused with its reason, and never-logged recipients
// absent from the CRM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, launch, configure } from './harness.mjs';

let sandbox;
before(async () => {
  sandbox = await startSandbox();
});
after(async () => {
  await sandbox?.stop();
});

const received = (id) => [
  'From: Bob Jones <bob@client.example>',
  'To: Anna K <anna@acme.example>, ceo@client.example',
  `Subject: Re: Offer ${id}`,
  'Date: Mon, 23 Nov 2026 10:00:00 +0000',
  `Message-ID: <${id}@client.example>`,
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Thanks, we accept.',
  '',
].join('\r\n');

test('a message logged by hand is decided, queued and logged once; refusals say why', async () => {
  const browser = await launch();
  try {
    await configure(browser, {
      url: sandbox.url, token: sandbox.token, neverLog: 'ceo@client.example\nrival.example\n',
    });
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
    const ask = (message) => page.evaluate((m) => chrome.runtime.sendMessage(m), message);
    const tag = String(Date.now());

    const first = await ask({ kind: 'log_raw', raw: received(tag), user: 'anna@acme.example' });
    assert.match(first.tracking_id, /^crml-[a-z2-7]{26}$/, JSON.stringify(first));
    let status = first;
    for (let i = 0; i < 100 && status.state !== 'logged'; i++) {
      await page.waitForTimeout(100);
      status = await ask({ kind: 'status', tracking_id: first.tracking_id });
    }
    assert.equal(status.state, 'logged', JSON.stringify(status));

    // Asked again: the same item, nothing new in the CRM.
    const again = await ask({ kind: 'log_raw', raw: received(tag), user: 'anna@acme.example' });
    assert.equal(again.tracking_id, first.tracking_id);
    const emails = (await sandbox.emails()).filter((e) => e.properties.hs_email_subject === `Re: Offer ${tag}`);
    assert.equal(emails.length, 1);
    assert.equal(emails[0].properties.hs_email_direction, 'INCOMING_EMAIL');
    assert.ok(!JSON.stringify(emails[0]).includes('ceo@client.example'), 'N5: the never-logged recipient is not in the CRM');
    const timeline = await sandbox.api('/crmlog/v1/timeline?email=bob%40client.example');
    assert.ok(timeline.body.emails.some((e) => e.properties.hs_email_subject === `Re: Offer ${tag}`));

    // A sender on the never-log list: refused, with the reason, nothing sent.
    const refused = await ask({
      kind: 'log_raw', user: 'anna@acme.example',
      raw: received(`${tag}-r`).replace('bob@client.example', 'spy@rival.example'),
    });
    assert.equal(refused.state, 'refused');
    assert.deepEqual(refused.reasons, ['never_log_domain']);
    assert.equal((await sandbox.emails()).filter((e) => e.properties.hs_email_subject === `Re: Offer ${tag}-r`).length, 0);
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});
