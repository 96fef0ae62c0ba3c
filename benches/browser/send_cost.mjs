// Benchmark: main-thread time crmlog adds to a Send. The same Gmail replica
// is served at mail.google.com (where the content script runs) and at an
// origin the extension does not match; each Send is a synchronous click on
// the Send button, timed on the page's clock, and the difference of the
// medians is crmlog's share (reading the compose, posting one message).
// Budget (README): <= 2 ms. Prints a table; asserts nothing.
//   node benches/browser/send_cost.mjs [sends]
import { serveGmail, launch, configure, startSandbox } from '../../tests/e2e/harness.mjs';

const sends = Number(process.argv[2] ?? 40);
const sandbox = await startSandbox();
const browser = await launch();
try {
  await configure(browser, { url: sandbox.url, token: sandbox.token });
  const body = 'Hello, this is a realistic paragraph of text. '.repeat(40);
  const results = {};
  for (const [name, origin] of [['without crmlog', 'https://mail.example.org'], ['with crmlog', 'https://mail.google.com']]) {
    await serveGmail(browser.context, { origin });
    const page = await browser.context.newPage();
    await page.goto(`${origin}/mail/u/0/#inbox`);
    const samples = [];
    for (let i = 0; i < sends; i++) {
      await page.click('[gh=cm]');
      if (name === 'with crmlog') await page.locator('div[role=dialog] button.crmlog-log-toggle').last().waitFor();
      samples.push(await page.evaluate(([n, text]) => {
        const dialog = [...document.querySelectorAll('div[role=dialog]')].pop();
        const to = dialog.querySelector('div[name=to] input[role=combobox]');
        to.value = `client${n}@client.example`;
        to.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
        dialog.querySelector('input[name=subjectbox]').value = `Bench ${n}`;
        dialog.querySelector('div[aria-label="Message Body"]').textContent = text;
        const send = dialog.querySelector('div[role=button][data-tooltip^="Send"]');
        const t0 = performance.now();
        send.click();
        return performance.now() - t0;
      }, [i, body]));
    }
    samples.sort((a, b) => a - b);
    results[name] = samples;
    await page.close();
  }
  const at = (s, q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  console.log(`Send click, ${sends} sends each (ms, page clock)`);
  console.log('| | p50 | p95 |\n|---|---:|---:|');
  for (const [name, s] of Object.entries(results)) console.log(`| ${name} | ${at(s, 0.5).toFixed(2)} | ${at(s, 0.95).toFixed(2)} |`);
  const added50 = at(results['with crmlog'], 0.5) - at(results['without crmlog'], 0.5);
  const added95 = at(results['with crmlog'], 0.95) - at(results['without crmlog'], 0.95);
  console.log(`| added by crmlog | ${added50.toFixed(2)} | ${added95.toFixed(2)} |`);
} finally {
  await browser.close();
  await sandbox.stop();
}
