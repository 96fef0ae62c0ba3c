// End to end on the Gmail replica's message views (issue 6, "Log this
// email" and replies):
// - "Log this email" on a received message logs it to the sender's
//   timeline as INCOMING_EMAIL, read from Gmail's original message; on a
//   message sent with Log off it logs it as EMAIL; asking twice logs once;
// - on Outlook, which offers no message source, "Log this email" logs what
//   the reading pane shows, and its title says so, a received message and
//   one sent with Log off; replies quoting a logged email get verdicts;
// - the sent list shows each logged email's status on its row, and a
//   Logged badge links to the contact's timeline in the CRM (both sites);
// - in a thread crmlog logged, a reply from the contact is shown as
//   loggable and a reply from a colleague (not a contact) as not logged,
//   with the reason and its hint; with "log replies from the browser" on,
//   the loggable reply is logged exactly once, however often it is shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startSandbox, onReplica, composeAndSend, outlookComposeAndSend,
} from './harness.mjs';

let sandbox;
before(async () => {
  sandbox = await startSandbox();
});
after(async () => {
  await sandbox?.stop();
});

const bySubject = async (subject) => (await sandbox.emails()).filter((e) => e.properties.hs_email_subject === subject);

/** The badge state of the message whose sender is `address` in the open thread. */
const badgeOf = (page, address) => page.evaluate((a) => {
  const message = [...document.querySelectorAll('div.adn')].find((m) => m.querySelector(`h3.iw span.gD[email="${a}"]`));
  const badge = message?.querySelector('.crmlog-badge');
  return badge ? { state: badge.getAttribute('data-state'), title: badge.getAttribute('title') } : null;
}, address);

async function waitForBadgeOf(page, address, state) {
  let badge = null;
  for (let i = 0; i < 200; i++) {
    badge = await badgeOf(page, address);
    if (badge?.state === state) return badge;
    await page.waitForTimeout(100);
  }
  assert.fail(`the badge of ${address}'s message: ${JSON.stringify(badge)}, expected ${state}`);
}

async function reopen(page) {
  const hash = await page.evaluate(() => location.hash);
  await page.evaluate(() => { location.hash = '#inbox'; });
  await page.waitForSelector('tr.zA');
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.waitForSelector('div.adn button.crmlog-log-this');
}

test('Gmail replica: "Log this email" on a received and on a sent message logs each once', () => onReplica('gmail', { url: sandbox.url, token: sandbox.token }, async (browser, page) => {

    // A received message: Bob's "Project kickoff" in the inbox.
    await page.click('tr.zA');
    const button = page.locator('div.adn button.crmlog-log-this');
    await button.waitFor({ timeout: 10_000 });
    assert.equal(await bySubject('Project kickoff').then((l) => l.length), 0);
    await button.click();
    await waitForBadgeOf(page, 'bob@client.example', 'logged');
    let logged = await bySubject('Project kickoff');
    assert.equal(logged.length, 1);
    assert.equal(logged[0].properties.hs_email_direction, 'INCOMING_EMAIL');
    const timeline = await sandbox.api('/crmlog/v1/timeline?email=bob%40client.example');
    assert.ok(timeline.body.emails.some((e) => e.properties.hs_email_subject === 'Project kickoff'));
    // Asked again (the page shown anew): the same item, nothing new.
    await reopen(page);
    await page.locator('div.adn button.crmlog-log-this').click();
    await waitForBadgeOf(page, 'bob@client.example', 'logged');
    assert.equal((await bySubject('Project kickoff')).length, 1);

    // A message sent with Log off, logged by hand afterwards: EMAIL, to
    // its recipient's timeline.
    const subject = `Sent without Log ${Date.now()}`;
    await composeAndSend(page, { to: ['dana@client.example'], subject, body: 'Notes from today.', log: false });
    await page.locator('div.adn button.crmlog-log-this').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(300);
    assert.equal((await bySubject(subject)).length, 0, 'Log off: nothing logged at Send');
    await page.locator('div.adn button.crmlog-log-this').click();
    await waitForBadgeOf(page, 'anna@acme.example', 'logged');
    logged = await bySubject(subject);
    assert.equal(logged.length, 1);
    assert.equal(logged[0].properties.hs_email_direction, 'EMAIL');
    const headers = JSON.parse(logged[0].properties.hs_email_headers);
    assert.deepEqual(headers.to.map((p) => p.email), ['dana@client.example']);
    assert.deepEqual(browser.problems, []);
}));

test('Gmail replica: replies in a logged thread show whether rules R log them; "log replies from the browser" logs once', () => onReplica('gmail', { url: sandbox.url, token: sandbox.token }, async (browser, page) => {
    const subject = `Offer ${Date.now()}`;
    await composeAndSend(page, { to: ['bob@client.example'], subject, body: 'Our offer.', log: true });
    await waitForBadgeOf(page, 'anna@acme.example', 'logged');
    const threadId = await page.evaluate(() => location.hash.split('/')[1]);

    // Two replies arrive: Bob (a contact since our email was logged) and
    // his colleague Carol (no contact: R5).
    await page.evaluate((t) => {
      window.__replicaReceive(t, { address: 'bob@client.example', name: 'Bob Jones' }, 'We accept.');
      window.__replicaReceive(t, { address: 'carol@client.example', name: 'Carol Lee' }, 'Adding myself.');
    }, threadId);
    const bob = await waitForBadgeOf(page, 'bob@client.example', 'loggable');
    assert.match(bob.title, /connected inbox/);
    const carol = await waitForBadgeOf(page, 'carol@client.example', 'not-logged');
    assert.match(carol.title, /not a contact/);
    assert.match(carol.title, /merge the two contacts/);
    assert.equal((await bySubject(`Re: ${subject}`)).length, 0, 'by default the CRM logs replies itself');

    // "Log replies from the browser" on (options page): Bob's reply is
    // logged, once, however often the thread is shown; Carol's is not.
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await options.check('#log-replies');
    await options.click('button[type=submit]');
    await options.waitForSelector('#status[data-state=saved]', { timeout: 10_000 });
    await options.close();
    await reopen(page);
    await waitForBadgeOf(page, 'bob@client.example', 'logged');
    await waitForBadgeOf(page, 'carol@client.example', 'not-logged');
    await reopen(page);
    await waitForBadgeOf(page, 'bob@client.example', 'logged');
    const replies = await bySubject(`Re: ${subject}`);
    assert.equal(replies.length, 1, 'the loggable reply is logged exactly once');
    assert.equal(replies[0].properties.hs_email_direction, 'INCOMING_EMAIL');
    assert.match(replies[0].properties.hs_email_text, /We accept\./);
    assert.deepEqual(browser.problems, []);
}));

test('Outlook replica: "Log this email" logs what the reading pane shows', () => onReplica('outlook', { url: sandbox.url, token: sandbox.token }, async (browser, page) => {
    await page.click('div[role=option][data-convid]');
    const button = page.locator('[aria-label="Reading Pane"] button.crmlog-log-this');
    await button.waitFor({ timeout: 10_000 });
    assert.match(await button.getAttribute('title'), /reading pane/);
    const before = (await bySubject('Project kickoff')).length;
    await button.click();
    await page.waitForFunction(
      () => document.querySelector('[aria-label="Reading Pane"] .crmlog-badge')?.getAttribute('data-state') === 'logged',
      null,
      { timeout: 20_000 },
    );
    const logged = (await bySubject('Project kickoff')).slice(before);
    assert.equal(logged.length, 1);
    assert.equal(logged[0].properties.hs_email_direction, 'INCOMING_EMAIL');
    assert.match(logged[0].properties.hs_email_text, /shall we start on Monday\?/);
    const headers = JSON.parse(logged[0].properties.hs_email_headers);
    assert.equal(headers.from.email, 'bob@client.example');
    assert.deepEqual(browser.problems, []);
}));

/** The link of the Logged badge inside `scope`, once it is there. */
async function loggedLink(page, scope) {
  await page.waitForFunction(
    (sel) => document.querySelector(`${sel} .crmlog-badge[data-state=logged] a[href]`),
    scope,
    { timeout: 20_000 },
  );
  return page.evaluate((sel) => document.querySelector(`${sel} .crmlog-badge a`).getAttribute('href'), scope);
}

async function assertTimelineLink(href, address) {
  assert.ok(href.startsWith(`${sandbox.url}/#contact-`), href);
  // The sandbox's page has that contact's section, with its timeline.
  const id = href.split('#contact-')[1];
  const html = await (await fetch(`${sandbox.url}/`)).text();
  const section = html.split(`<section id="contact-${id}">`)[1]?.split('</section>')[0] ?? '';
  assert.ok(section.includes(address), `the linked section is ${address}'s`);
}

test('Gmail replica: the sent list shows the status of each logged email, linked to the timeline', () => onReplica('gmail', { url: sandbox.url, token: sandbox.token }, async (browser, page) => {
    const subject = `Listed ${Date.now()}`;
    await composeAndSend(page, { to: ['erin@client.example'], subject, body: 'Hello Erin.', log: true });
    await assertTimelineLink(await loggedLink(page, 'div.adn'), 'erin@client.example');
    // The conversation is known to the worker once the sent message has
    // been shown (spec/tracking.md, "After send"); then the list is opened.
    const thread = await page.evaluate(() => document.querySelector('h2.hP').getAttribute('data-legacy-thread-id'));
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    for (let i = 0; i < 200; i++) {
      const known = await options.evaluate((t) => chrome.runtime.sendMessage({ kind: 'row_status', thread: t }), thread);
      if (known.state === 'logged') break;
      await options.waitForTimeout(100);
    }
    await options.close();
    await page.evaluate(() => { location.hash = '#sent'; });
    const row = `tr.zA:has(span[data-legacy-thread-id]:text-is("${subject}"))`;
    await page.locator(row).waitFor({ timeout: 10_000 });
    const id = await page.evaluate(() => location.hash);
    assert.equal(id, '#sent');
    // Only the logged conversation's row has a badge.
    await page.waitForFunction((s) => [...document.querySelectorAll('tr.zA')].some(
      (r) => r.textContent.includes(s) && r.querySelector('.crmlog-badge[data-state=logged]')), subject, { timeout: 20_000 });
    const badges = await page.evaluate(() => [...document.querySelectorAll('tr.zA')].map((r) => !!r.querySelector('.crmlog-badge')));
    assert.equal(badges.filter(Boolean).length, 1, JSON.stringify(badges));
    assert.deepEqual(browser.problems, []);
}));

test('Outlook replica: Sent Items shows the status of each logged email, linked to the timeline', () => onReplica('outlook', { url: sandbox.url, token: sandbox.token }, async (browser, page) => {
    const subject = `Listed on Outlook ${Date.now()}`;
    await outlookComposeAndSend(page, { to: ['frank@client.example'], subject, body: 'Hello Frank.' });
    await assertTimelineLink(await loggedLink(page, '[aria-label="Reading Pane"]'), 'frank@client.example');
    await page.click('[role=treeitem][data-folder=sentitems]');
    await page.waitForFunction((s) => [...document.querySelectorAll('div[role=option][data-convid]')].some(
      (r) => r.textContent.includes(s) && r.querySelector('.crmlog-badge[data-state=logged]')), subject, { timeout: 20_000 });
    assert.deepEqual(browser.problems, []);
}));

test('Outlook replica: replies show their verdicts; a message sent with Log off is logged by hand', () => onReplica('outlook', { url: sandbox.url, token: sandbox.token }, async (browser, page) => {
    const pane = '[aria-label="Reading Pane"]';
    const subject = `Outlook offer ${Date.now()}`;
    await outlookComposeAndSend(page, { to: ['bob@client.example'], subject, body: 'Our offer.' });
    await loggedLink(page, pane);
    const id = await page.evaluate(() => decodeURIComponent(location.pathname.split('/id/')[1]));

    // Replies quoting our email arrive: Bob (a contact since our email was
    // logged) and his colleague Carol (R5). The pane shows no threading
    // headers; the quoted marker is the tracking id carried (R11).
    await page.evaluate((i) => {
      window.__replicaReceive(encodeURIComponent(i), { address: 'bob@client.example', name: 'Bob Jones' }, 'We accept.');
      window.__replicaReceive(encodeURIComponent(i), { address: 'carol@client.example', name: 'Carol Lee' }, 'Adding myself.');
    }, id);
    const verdict = (name) => page.evaluate(([sel, n]) => {
      const item = [...document.querySelectorAll(`${sel} .messageItem`)].find((m) => m.querySelector('.fromLine').textContent.includes(n));
      const b = item?.querySelector('.crmlog-badge');
      return b ? { state: b.getAttribute('data-state'), title: b.getAttribute('title') } : null;
    }, [pane, name]);
    let bob = null;
    let carol = null;
    for (let i = 0; i < 200 && !(bob?.state === 'loggable' && carol?.state === 'not-logged'); i++) {
      await page.waitForTimeout(100);
      bob = await verdict('Bob Jones');
      carol = await verdict('Carol Lee');
    }
    assert.equal(bob?.state, 'loggable', JSON.stringify(bob));
    assert.equal(carol?.state, 'not-logged', JSON.stringify(carol));
    assert.match(carol.title, /not a contact/);
    // Only our email has the status of a logged email; the replies quoting
    // it are judged, not taken for it.
    assert.equal(await page.locator(`${pane} .crmlog-badge[data-state=logged]`).count(), 1);

    // A message sent with Log off, logged by hand from what the pane shows.
    const off = `Outlook without Log ${Date.now()}`;
    await outlookComposeAndSend(page, { to: ['dana@client.example'], subject: off, body: 'Notes.', log: false });
    await page.locator(`${pane} button.crmlog-log-this`).first().click();
    await page.waitForFunction((sel) => document.querySelector(`${sel} .crmlog-badge`)?.getAttribute('data-state') === 'logged', pane, { timeout: 20_000 });
    const logged = await bySubject(off);
    assert.equal(logged.length, 1);
    assert.equal(logged[0].properties.hs_email_direction, 'EMAIL');
    assert.deepEqual(JSON.parse(logged[0].properties.hs_email_headers).to.map((p) => p.email), ['dana@client.example']);
    assert.deepEqual(browser.problems, []);
}));
