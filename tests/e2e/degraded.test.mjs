// Self-check on a real page: when the Gmail replica's markup stops matching
// crmlog's selectors (a compose without a Send button), the affected feature
// switches itself off, nothing else breaks, and the popup says which
// feature on which site is degraded, with the page's structure censored —
// tags kept, no text and no attribute value of the mail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, serveGmail, launch, configure, openGmail } from './harness.mjs';

let sandbox;
before(async () => {
  sandbox = await startSandbox();
});
after(async () => {
  await sandbox?.stop();
});

test('a selector that stops matching switches its feature off and the popup shows it, censored', async () => {
  const browser = await launch();
  try {
    await configure(browser, { url: sandbox.url, token: sandbox.token });
    await serveGmail(browser.context);
    const page = await openGmail(browser);
    // A compose as Gmail might change it: a dialog with a form, but its Send
    // button is gone. Private text sits in it, to prove none leaves.
    await page.evaluate(() => {
      const d = document.createElement('div');
      d.setAttribute('role', 'dialog');
      d.className = 'changed-compose';
      d.innerHTML = '<form><input name="subjectbox" value="Secret merger"><div aria-label="Message Body" contenteditable="true">Confidential body</div></form>';
      document.body.append(d);
    });

    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    await popup.waitForFunction(() => document.querySelectorAll('#degraded li').length > 0, null, { timeout: 15_000 });
    const item = popup.locator('#degraded li', { hasText: 'The Log toggle is switched off on Gmail' });
    assert.equal(await item.count(), 1, await popup.locator('#degraded').textContent());
    const snippet = await item.locator('textarea').inputValue();
    assert.equal(snippet, '<div role class><form><input name value><div aria-label contenteditable></div></form></div>');
    for (const secret of ['Secret', 'merger', 'Confidential', 'changed-compose', 'subjectbox']) {
      assert.ok(!snippet.includes(secret), `the report contains ${secret}`);
    }

    // The page goes on: the feature stays off for this page (it would fail
    // on every compose), and Gmail's own compose and Send work untouched.
    await page.bringToFront();
    await page.evaluate(() => document.querySelector('.changed-compose').remove());
    await page.click('[gh=cm]');
    const dialog = page.locator('div[role=dialog]').last();
    await dialog.locator('input[name=subjectbox]').fill('Sent without crmlog');
    await dialog.locator('div[name=to] input[role=combobox]').fill('bob@client.example');
    await dialog.locator('div[name=to] input[role=combobox]').press('Enter');
    assert.equal(await dialog.locator('button.crmlog-log-toggle').count(), 0, 'the switched-off feature stays off');
    await dialog.locator('div[role=button][data-tooltip^="Send"]').click();
    await page.waitForFunction(() => location.hash.startsWith('#sent/'));
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
  }
});
