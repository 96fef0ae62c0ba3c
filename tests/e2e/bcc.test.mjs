// Logging through the BCC address (spec/tracking.md carrier 4, rules B, N5)
// on the Gmail replica: with a BCC address set in the options and Log on,
// the compose carries `local+<id>@domain` in Bcc (the id of the body
// marker), the extension makes no logging request, and the email shows as
// logged once the CRM's BCC inbox has logged the copy it received. A
// never-logged recipient keeps the plus-address out (the toggle says why)
// and the email is logged through the API without them; Log off, none.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ROOT, startSandbox, recordingProxy, onReplica, openCompose, openOutlookCompose, fillAndSendOutlook,
} from './harness.mjs';

const BCC = '777@bcc.crm.example';
const PLUS = /^777\+(crml-[a-z2-7]{26})@bcc\.crm\.example$/;

let dir;
let sandbox;
let proxy;
before(async () => {
  // The CRM's account: Anna may log by BCC (B1, B2), and its BCC address.
  dir = mkdtempSync(join(tmpdir(), 'crmlog-bcc-'));
  const account = join(dir, 'account.json');
  writeFileSync(account, JSON.stringify({
    users: [{ id: 'u1', email: 'anna@acme.example', email_access: true }],
    bcc_address: BCC,
  }));
  execFileSync(join(ROOT, 'target/release/crmlog'), ['sandbox', 'seed', '--db', join(dir, 'crm.db'), account]);
  sandbox = await startSandbox({ dir });
  proxy = await recordingProxy(sandbox.url);
});
after(async () => {
  await proxy?.close();
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The Bcc chips of a compose, as addresses. */
const bccChips = (dialog) => dialog.locator('div[name=bcc] [data-hovercard-id]')
  .evaluateAll((chips) => chips.map((c) => c.getAttribute('data-hovercard-id')));

/** Adds recipients to a field like a user (typed, then Enter). */
async function addRecipients(dialog, kind, list) {
  for (const address of list) {
    await dialog.locator(`div[name=${kind}] input[role=combobox]`).fill(address);
    await dialog.locator(`div[name=${kind}] input[role=combobox]`).press('Enter');
  }
}

/** Waits until the worker has checked the compose's recipients as they are
 * now (the last check saw `address`). */
async function checked(page, address) {
  await page.waitForFunction((a) => {
    const root = [...document.querySelectorAll('div[role=dialog]')].pop();
    const toggle = root?.querySelector('button.crmlog-log-toggle');
    const chips = [...root.querySelectorAll('[data-hovercard-id]')].map((c) => c.getAttribute('data-hovercard-id'));
    return chips.includes(a) && toggle?.title && !root.hasAttribute('data-crmlog-check')
      && (root.getAttribute('data-crmlog-bcc-checked') ?? '').includes(a);
  }, address, { timeout: 10_000 });
}

/** Writes subject and body and sends; returns the message as the replica's
 * mail server got it, and its tracking id (the body marker). */
async function send(page, dialog, subject) {
  await dialog.locator('input[name=subjectbox]').fill(subject);
  await dialog.locator('div[aria-label="Message Body"]').click();
  await page.keyboard.type('Figures attached.');
  await dialog.locator('div[role=button][data-tooltip^="Send"]').click();
  await page.waitForFunction(() => location.hash.startsWith('#sent/'));
  return page.evaluate((s) => {
    const m = window.replicaSent.find((x) => x.subject === s);
    const html = m.body.map((n) => n.outerHTML ?? n.textContent).join('');
    const id = m.body.map((n) => n.getAttribute?.('data-crmlog-id')).find(Boolean) ?? null;
    return { to: m.to.map((p) => p.address), bcc: m.bcc.map((p) => p.address), html, id };
  }, subject);
}

async function badgeSettles(page, state) {
  await page.waitForFunction(
    (s) => document.querySelector('div.adn .crmlog-badge')?.getAttribute('data-state') === s,
    state,
    { timeout: 30_000 },
  );
  return page.locator('div.adn .crmlog-badge');
}

/** The BCC inbox receiving the copy the mail system delivers to it. */
async function deliverToBccInbox(sent, subject, plus) {
  const raw = [
    'From: Anna K <anna@acme.example>',
    `To: ${sent.to.join(', ')}`,
    `Bcc: ${plus}`,
    `Subject: ${subject}`,
    'Date: Tue, 24 Nov 2026 10:00:00 +0000',
    `Message-ID: <${Date.now()}@mail.acme.example>`,
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    sent.html,
    '',
  ].join('\r\n');
  const res = await fetch(`${sandbox.url}/crmlog/v1/inbox/bcc`, {
    method: 'POST', headers: { authorization: `Bearer ${sandbox.token}` }, body: raw,
  });
  const answer = await res.json();
  assert.equal(res.status, 201, JSON.stringify(answer));
  assert.equal(answer.logged, true, JSON.stringify(answer));
  return answer.email_id;
}

test('logging through the BCC address: the plus-address with the marker\'s id, no logging request, then Logged', () => onReplica('gmail', { url: proxy.url, token: sandbox.token, neverLog: 'ceo@client.example\n', bcc: BCC }, async (browser, page) => {
    const tag = Date.now();

    // Log on (the default) and a BCC address: the compose carries the
    // plus-address at once, and the toggle says so.
    const { dialog, toggle } = await openCompose(page);
    await dialog.locator('div[name=bcc] [data-hovercard-id^="777+crml-"]').waitFor({ timeout: 10_000 });
    await addRecipients(dialog, 'to', ['bob@client.example']);
    const [plus] = await bccChips(dialog);
    assert.match(plus, PLUS);
    await checked(page, 'bob@client.example');
    assert.match(await toggle.getAttribute('title'), /Logged through your BCC address/);
    assert.equal(await dialog.getAttribute('data-crmlog-tracking-id'), plus.match(PLUS)[1]);

    const before = proxy.requests.length;
    const subject = `Offer by BCC ${tag}`;
    const sent = await send(page, dialog, subject);
    // The sent message's Bcc holds exactly one plus-address, with the id of
    // its body marker.
    assert.deepEqual(sent.bcc, [`777+${sent.id}@bcc.crm.example`]);
    assert.match(sent.bcc[0], PLUS);
    await badgeSettles(page, 'sent-to-bcc');

    // The mail system delivers the copy to the CRM's BCC inbox, which logs
    // it with the tracking id; the worker's search finds it.
    const emailId = await deliverToBccInbox(sent, subject, sent.bcc[0]);
    await badgeSettles(page, 'logged');
    const logged = (await sandbox.emails()).filter((e) => e.properties.hs_email_subject === subject);
    assert.deepEqual(logged.map((e) => e.id), [emailId], 'one email, the BCC inbox\'s');
    assert.equal(logged[0].properties.crmlog_tracking_id, sent.id);
    assert.equal(logged[0].properties.crmlog_source, 'bcc');

    // No logging request: after Send the extension only searched by id.
    const after = proxy.requests.slice(before);
    assert.ok(after.some((r) => r.url.endsWith('/emails/search')), 'the worker looked for the email');
    for (const r of after) {
      assert.ok(r.method === 'POST' && r.url.endsWith('/emails/search'), `${r.method} ${r.url}`);
      assert.ok(!r.body.includes('bob@client.example'), 'the search carries no address');
    }
    assert.deepEqual(browser.problems, []);
}));

test('a never-logged recipient keeps the plus-address out, the toggle says why, and the API logs without them; Log off: none', () => onReplica('gmail', { url: proxy.url, token: sandbox.token, neverLog: 'ceo@client.example\n', bcc: BCC }, async (browser, page) => {
    const tag = Date.now();

    const { dialog, toggle } = await openCompose(page);
    await dialog.locator('div[name=bcc] [data-hovercard-id^="777+crml-"]').waitFor({ timeout: 10_000 });
    await addRecipients(dialog, 'to', ['bob@client.example', 'ceo@client.example']);
    // N5: the chip goes, and the toggle says why in whole sentences.
    await page.waitForFunction(() => {
      const root = [...document.querySelectorAll('div[role=dialog]')].pop();
      return !root.querySelector('div[name=bcc] [data-hovercard-id]')
        && root.querySelector('button.crmlog-log-toggle').title.includes('ceo@client.example');
    }, null, { timeout: 10_000 });
    const title = await toggle.getAttribute('title');
    assert.match(title, /will not be logged through your BCC address/);
    assert.match(title, /ceo@client\.example is on your never-log list/);
    const before = proxy.requests.length;
    const subject = `Board pack ${tag}`;
    const sent = await send(page, dialog, subject);
    assert.deepEqual(sent.bcc, []);
    assert.ok(sent.id, 'Log was on: the body has its marker');
    // Logged through the API instead, without the never-logged recipient.
    await badgeSettles(page, 'logged');
    const wire = proxy.requests.slice(before).map((r) => `${r.url}\n${r.body}`).join('\n');
    assert.ok(wire.includes('bob@client.example') && !wire.includes('ceo@'), 'N5 on the wire');
    assert.ok(!wire.includes('bcc.crm.example'), 'the BCC address is in no request');

    // Log off: no plus-address, and the one that was there goes.
    const second = await openCompose(page);
    await second.dialog.locator('div[name=bcc] [data-hovercard-id^="777+crml-"]').waitFor({ timeout: 10_000 });
    await second.toggle.click();
    assert.equal(await second.toggle.getAttribute('aria-pressed'), 'false');
    await page.waitForFunction(() => ![...document.querySelectorAll('div[role=dialog] div[name=bcc] [data-hovercard-id]')].length);
    await addRecipients(second.dialog, 'to', ['bob@client.example']);
    const off = await send(page, second.dialog, `Not logged ${tag}`);
    assert.deepEqual(off.bcc, []);
    assert.equal(off.id, null, 'Log off: no marker');
    assert.deepEqual(browser.problems, []);
}));

test('Outlook replica: the hidden Bcc field is shown and carries the plus-address, and no logging request is made', () => onReplica('outlook', { url: proxy.url, token: sandbox.token, bcc: BCC }, async (browser, page) => {
    const { compose, toggle } = await openOutlookCompose(page);
    // crmlog opened the Bcc field (it starts hidden) and typed into it.
    const bccChip = compose.locator('div[contenteditable=true][aria-label=Bcc] [contenteditable=false]');
    await bccChip.waitFor({ timeout: 10_000 });
    assert.match((await bccChip.textContent()).trim(), /^777\+crml-[a-z2-7]{26}@bcc\.crm\.example/);
    const subject = `Outlook by BCC ${Date.now()}`;
    // The user's typing goes where the user put it (To), not into Bcc.
    await compose.locator('div[contenteditable=true][aria-label=To]').click();
    await page.keyboard.type('bob@client.example,');
    await page.waitForFunction(() => (document.querySelector('[data-crmlog-bcc-checked]')
      ?.getAttribute('data-crmlog-bcc-checked') ?? '').includes('bob@client.example'), null, { timeout: 10_000 });
    assert.match(await toggle.getAttribute('title'), /Logged through your BCC address/);
    const before = proxy.requests.length;
    await fillAndSendOutlook(page, compose, toggle, { subject, body: 'Figures attached.' });
    await page.waitForFunction(() => location.pathname.startsWith('/mail/sentitems/id/'));
    const sent = await page.evaluate((s) => {
      const m = JSON.parse(localStorage.getItem('replica-outlook-sent')).find((x) => x.subject === s);
      return { to: m.to.map((p) => p.address), bcc: m.bcc.map((p) => p.address), id: JSON.stringify(m.body).match(/crml-[a-z2-7]{26}/)?.[0] };
    }, subject);
    assert.deepEqual(sent.to, ['bob@client.example']);
    assert.deepEqual(sent.bcc, [`777+${sent.id}@bcc.crm.example`]);
    // Give the worker time to act (a logging job would follow its first
    // search at once), then: only searches by id went out, nothing logged.
    for (let i = 0; i < 50 && proxy.requests.length === before; i++) await page.waitForTimeout(100);
    await page.waitForTimeout(2000);
    assert.equal((await sandbox.emails()).filter((e) => e.properties.hs_email_subject === subject).length, 0);
    const after = proxy.requests.slice(before);
    assert.ok(after.length > 0, 'the worker looked for the email');
    for (const r of after) assert.ok(r.method === 'POST' && r.url.endsWith('/emails/search'), `${r.method} ${r.url}`);
    assert.deepEqual(browser.problems, []);
}));
