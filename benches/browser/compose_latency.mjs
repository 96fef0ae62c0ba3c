// Benchmark: time from a compose window appearing to crmlog's Log toggle
// being in it, measured on the page's own clock in headless Chromium, on
// the Gmail replica (New Message dialog) and the Outlook replica (New mail
// in the reading pane). Budget (README): p95 <= 16 ms. Prints a table;
// asserts nothing.
//   node benches/browser/compose_latency.mjs [runs]
import { serveGmail, serveOutlook, launch, openGmail, openOutlook } from '../../tests/e2e/harness.mjs';

const runs = Number(process.argv[2] ?? 60);

// Each site: how to open a compose, and how to read the two times and
// remove it again in the page.
const SITES = {
  Gmail: {
    serve: serveGmail,
    open: openGmail,
    compose: (page) => page.click('[gh=cm]'),
    toggle: 'div[role=dialog] button.crmlog-log-toggle',
    measure: () => {
      const dialog = [...document.querySelectorAll('div[role=dialog]')].pop();
      const t = dialog.querySelector('button.crmlog-log-toggle');
      const ms = Number(t.getAttribute('data-crmlog-injected-at')) - Number(dialog.getAttribute('data-opened-at'));
      dialog.closest('.nH.Hd').remove();
      return ms;
    },
  },
  Outlook: {
    serve: serveOutlook,
    open: openOutlook,
    compose: (page) => page.click('#new-mail'),
    toggle: '[data-opened-at] button.crmlog-log-toggle',
    measure: () => {
      const compose = document.querySelector('[data-opened-at]');
      const t = compose.querySelector('button.crmlog-log-toggle');
      const ms = Number(t.getAttribute('data-crmlog-injected-at')) - Number(compose.getAttribute('data-opened-at'));
      compose.remove();
      return ms;
    },
  },
};

const rows = [];
for (const [name, site] of Object.entries(SITES)) {
  const browser = await launch();
  try {
    await site.serve(browser.context);
    const page = await site.open(browser);
    const samples = [];
    for (let i = 0; i < runs; i++) {
      await site.compose(page);
      await page.locator(site.toggle).last().waitFor();
      samples.push(await page.evaluate(site.measure));
    }
    samples.sort((a, b) => a - b);
    const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
    rows.push(`| ${name} | ${runs} | ${at(0.5).toFixed(2)} | ${at(0.95).toFixed(2)} | ${samples.at(-1).toFixed(2)} |`);
  } finally {
    await browser.close();
  }
}
console.log('compose -> Log toggle (ms, page clock)');
console.log('| site | composes | p50 | p95 | max |\n|---|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
