// Each UI language once, end to end: Chromium started in that language
// (chrome.i18n follows the browser's), the Log toggle, the never-log warning
// and the status badge in the user's words from extension/_locales — and a
// screenshot per language, kept under target/test-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startSandbox, serveGmail, launch, configure, openGmail, openCompose, composeAndSend } from './harness.mjs';

const LANGS = ['en', 'de', 'nl', 'pl', 'nb', 'fr', 'es'];
const ARTIFACTS = join(ROOT, 'target/test-artifacts');

let sandbox;
before(async () => {
  sandbox = await startSandbox();
  mkdirSync(ARTIFACTS, { recursive: true });
});
after(async () => {
  await sandbox?.stop();
});

/** A message of `lang`'s messages.json with its placeholders filled. */
function message(lang, key, ...args) {
  const m = JSON.parse(readFileSync(join(ROOT, `extension/_locales/${lang}/messages.json`), 'utf8'))[key];
  assert.ok(m, `${lang} lacks ${key}`);
  return m.message.replace(/\$([A-Z_]+)\$/g, (_, name) => {
    const content = m.placeholders[name.toLowerCase()].content; // "$1"
    return args[Number(content.slice(1)) - 1];
  });
}

for (const lang of LANGS) {
  test(`${lang}: toggle, never-log warning and status in the user's language`, async () => {
    const browser = await launch({ lang });
    try {
      await configure(browser, { url: sandbox.url, token: sandbox.token, neverLog: 'ceo@client.example\n' });
      await serveGmail(browser.context);
      const page = await openGmail(browser);
      await composeAndSend(page, { to: ['bob@client.example'], subject: `Hello ${lang} ${Date.now()}`, body: 'Hi.' });
      const badge = page.locator('div.adn .crmlog-badge[data-state=logged]');
      await badge.waitFor({ timeout: 20_000 });
      assert.equal(await badge.textContent(), message(lang, 'statusLogged'));

      const { dialog, toggle } = await openCompose(page);
      assert.equal(await toggle.textContent(), message(lang, 'logToggle'));
      assert.equal(await dialog.locator('button.crmlog-track-toggle').textContent(), message(lang, 'trackToggle'));
      for (const a of ['bob@client.example', 'ceo@client.example']) {
        await dialog.locator('div[name=to] input[role=combobox]').fill(a);
        await dialog.locator('div[name=to] input[role=combobox]').press('Enter');
      }
      await page.waitForFunction(() =>
        document.querySelector('div[role=dialog] button.crmlog-log-toggle')?.getAttribute('data-crmlog-recipients') === 'some');
      assert.equal(await toggle.getAttribute('title'), [
        message(lang, 'logToggleSomeExcludedTitle'),
        message(lang, 'reasonFor_never_log_address', 'ceo@client.example'),
      ].join('\n'));
      await page.screenshot({ path: join(ARTIFACTS, `lang-${lang}.png`) });
      assert.deepEqual(browser.problems, []);
    } finally {
      await browser.close();
    }
  });
}
