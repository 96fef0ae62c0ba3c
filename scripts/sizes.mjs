// Prints the size budget table: raw and gzip bytes of what ships.
// Budget (README): the whole content-script payload <= 36 KB gzip.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const rows = [
  ['service-worker wasm', ['dist/chrome/pkg/worker/crmlog_bg.wasm']],
  ['service-worker glue', ['dist/chrome/pkg/worker/crmlog.js']],
  ['content script, Gmail tab (wasm2js module + loader + css)', ['dist/chrome/pkg/content/crmlog.mjs', 'dist/chrome/content.js', 'dist/chrome/content.css']],
  ['content script, Outlook tab (wasm2js module + loader + css)', ['dist/chrome/pkg/content-outlook/crmlog.mjs', 'dist/chrome/content.js', 'dist/chrome/content.css']],
  ['content flavour as real wasm (reference)', ['pkg/content-wasm/crmlog_bg.wasm']],
];
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
const BUDGET = 36 * 1024; // content-script payload, gzip
console.log('| what | raw | gzip | budget |\n|---|---:|---:|---|');
for (const [what, files] of rows) {
  // Each file is fetched and compressed on its own, so gzip sizes add up.
  const data = files.map((f) => readFileSync(f));
  const raw = data.reduce((n, d) => n + d.length, 0);
  const gz = data.reduce((n, d) => n + gzipSync(d, { level: 9 }).length, 0);
  const budget = what.startsWith('content script') ? (gz <= BUDGET ? 'within 36 KB' : 'OVER 36 KB') : '';
  console.log(`| ${what} | ${kb(raw)} | ${kb(gz)} | ${budget} |`);
}
