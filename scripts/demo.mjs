// The demo: the sandbox CRM on loopback, Chromium with crmlog on the Gmail
// replica (served as https://mail.google.com), one email composed and sent
// with Log on, the contact's timeline printed from the CRM, and a
// screenshot with the Log toggle and the "Logged" status.
//
//   node scripts/demo.mjs [--headed | --headless]
// Headed by default when a display is available; headed, the browser stays
// open for you to compose and send more, and the demo ends when you close it.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, startSandbox, serveGmail, launch, configure, openGmail, composeAndSend, openCompose,
} from '../tests/e2e/harness.mjs';

const headed = process.argv.includes('--headed') || (!!process.env.DISPLAY && !process.argv.includes('--headless'));
const out = join(ROOT, 'demo-out');
rmSync(join(out, 'sandbox'), { recursive: true, force: true });
mkdirSync(join(out, 'sandbox'), { recursive: true });

const sandbox = await startSandbox({ dir: join(out, 'sandbox') });
console.log(`Sandbox CRM: ${sandbox.url}  (database ${join(out, 'sandbox/crm.db')})`);
const browser = await launch({ headless: !headed });
try {
  await configure(browser, { url: sandbox.url, token: sandbox.token });
  await serveGmail(browser.context);
  const page = await openGmail(browser);
  const subject = 'Proposal for Client Inc.';
  await composeAndSend(page, {
    to: ['Bob Jones <bob@client.example>'],
    subject,
    body: 'Hi Bob, as promised, here is our proposal. Best, Anna',
  });
  const badge = page.locator('div.adn .crmlog-badge[data-state=logged]');
  await badge.waitFor({ timeout: 20_000 });
  console.log(`Sent "${subject}" with Log on; the sent message shows: ${await badge.textContent()}`);

  const timeline = await sandbox.api('/crmlog/v1/timeline?email=bob%40client.example');
  const c = timeline.body.contact.properties;
  console.log(`\nTimeline of ${c.firstname ?? ''} ${c.lastname ?? ''} <${c.email}> in the CRM:`);
  for (const e of timeline.body.emails) {
    const p = e.properties;
    console.log(`  ${p.hs_timestamp}  ${p.hs_email_direction}  "${p.hs_email_subject}"  (email ${e.id}, tracking id ${p.crmlog_tracking_id})`);
  }

  // A fresh compose beside the sent message: the toggle and the status in
  // one picture.
  await openCompose(page);
  const shot = join(out, 'crmlog-demo.png');
  await page.screenshot({ path: shot });
  console.log(`\nScreenshot: ${shot}`);
  if (headed) {
    console.log(`The browser stays open: compose and send more (the sandbox page is ${sandbox.url}/). Close the browser to end.`);
    await new Promise((r) => browser.context.on('close', r));
  }
  if (browser.problems.length) {
    console.error('Problems seen:\n' + browser.problems.join('\n'));
    process.exitCode = 1;
  }
} finally {
  await browser.close().catch(() => {});
  await sandbox.stop();
}
