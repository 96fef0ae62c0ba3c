// The README's screenshots, on both replicas against the sandbox CRM: the
// Log and Track toggles with the never-log warning in a compose, the
// status badge of a sent message, the replies of a logged conversation
// with their verdicts and "Log this email" (Gmail), and the sent list
// (Outlook). Writes docs/screenshots/*.png.
//
//   bash scripts/build.sh && node scripts/screenshots.mjs
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, startSandbox, launch, configure, serveGmail, openGmail, openCompose, composeAndSend,
  serveOutlook, openOutlook, openOutlookCompose, outlookComposeAndSend,
} from '../tests/e2e/harness.mjs';

const out = join(ROOT, 'docs/screenshots');
mkdirSync(out, { recursive: true });
const sandbox = await startSandbox();
const browser = await launch();
const shot = async (page, name) => {
  await page.screenshot({ path: join(out, name) });
  console.log(`docs/screenshots/${name}`);
};
const warned = (page) => page.waitForFunction(
  () => [...document.querySelectorAll('button.crmlog-log-toggle')].some((t) => t.getAttribute('data-crmlog-recipients') === 'some'),
  null, { timeout: 10_000 });
try {
  await configure(browser, { url: sandbox.url, token: sandbox.token, neverLog: 'ceo@client.example\n' });

  await serveGmail(browser.context);
  const gmail = await openGmail(browser);
  await composeAndSend(gmail, { to: ['Bob Jones <bob@client.example>'], subject: 'Proposal for Client Inc.', body: 'Hi Bob, here is our proposal.' });
  await gmail.waitForFunction(() => document.querySelector('div.adn .crmlog-badge')?.getAttribute('data-state') === 'logged', null, { timeout: 20_000 });
  await shot(gmail, 'gmail-status.png');
  // Two replies arrive: Bob's may be logged, his colleague's may not (R5).
  const thread = await gmail.evaluate(() => location.hash.split('/')[1]);
  await gmail.evaluate((t) => {
    window.__replicaReceive(t, { address: 'bob@client.example', name: 'Bob Jones' }, 'Thanks, we accept the proposal.');
    window.__replicaReceive(t, { address: 'carol@client.example', name: 'Carol Lee' }, 'Adding myself to this thread.');
  }, thread);
  await gmail.waitForFunction(() => document.querySelectorAll('div.adn .crmlog-badge').length === 3, null, { timeout: 20_000 });
  await gmail.waitForFunction(() => [...document.querySelectorAll('div.adn .crmlog-badge')].every((b) => b.textContent !== 'Checking…'), null, { timeout: 20_000 });
  await shot(gmail, 'gmail-replies.png');
  const { dialog } = await openCompose(gmail);
  for (const a of ['bob@client.example', 'ceo@client.example']) {
    await dialog.locator('div[name=to] input[role=combobox]').fill(a);
    await dialog.locator('div[name=to] input[role=combobox]').press('Enter');
  }
  await dialog.locator('input[name=subjectbox]').fill('Next steps');
  await warned(gmail);
  await shot(gmail, 'gmail-compose.png');

  await serveOutlook(browser.context);
  const outlook = await openOutlook(browser);
  await outlookComposeAndSend(outlook, { to: ['bob@client.example'], subject: 'Proposal for Client Inc.', body: 'Hi Bob, here is our proposal.' });
  await outlook.waitForFunction(() => document.querySelector('[aria-label="Reading Pane"] .crmlog-badge')?.getAttribute('data-state') === 'logged', null, { timeout: 20_000 });
  await shot(outlook, 'outlook-status.png');
  await outlook.click('[role=treeitem][data-folder=sentitems]');
  await outlook.waitForFunction(() => document.querySelector('div[role=option][data-convid] .crmlog-badge[data-state=logged]'), null, { timeout: 20_000 });
  await shot(outlook, 'outlook-sent-list.png');
  const { compose } = await openOutlookCompose(outlook);
  await compose.locator('div[contenteditable=true][aria-label=To]').click();
  await outlook.keyboard.type('bob@client.example,ceo@client.example,');
  await compose.locator('input[aria-label="Add a subject"]').fill('Next steps');
  await warned(outlook);
  await shot(outlook, 'outlook-compose.png');
  if (browser.problems.length) throw new Error(browser.problems.join('\n'));
} finally {
  await browser.close();
  await sandbox.stop();
}
