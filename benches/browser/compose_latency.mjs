// Benchmark: time from a compose window appearing to crmlog's Log toggle
// being in it, measured on the page's own clock in headless Chromium on the
// Gmail replica. Budget (README): p95 <= 16 ms. Prints a table; asserts nothing.
//   node benches/browser/compose_latency.mjs [runs]
import { serveGmail, launch, openGmail } from '../../tests/e2e/harness.mjs';

const runs = Number(process.argv[2] ?? 60);
const browser = await launch();
try {
  await serveGmail(browser.context);
  const page = await openGmail(browser);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    await page.click('[gh=cm]');
    const toggle = page.locator('div[role=dialog] button.crmlog-log-toggle').last();
    await toggle.waitFor();
    samples.push(await page.evaluate(() => {
      const dialog = [...document.querySelectorAll('div[role=dialog]')].pop();
      const t = dialog.querySelector('button.crmlog-log-toggle');
      const ms = Number(t.getAttribute('data-crmlog-injected-at')) - Number(dialog.getAttribute('data-opened-at'));
      dialog.closest('.nH.Hd').remove();
      return ms;
    }));
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  console.log(`compose -> Log toggle, ${runs} composes (ms, page clock)`);
  console.log('| p50 | p95 | max |\n|---:|---:|---:|');
  console.log(`| ${at(0.5).toFixed(2)} | ${at(0.95).toFixed(2)} | ${samples.at(-1).toFixed(2)} |`);
} finally {
  await browser.close();
}
