// Accessibility of what crmlog puts into the mail page: axe-core over the
// toggles (in their normal, warning and disabled states) and the status
// badge, and keyboard operation — reach each control with Tab, switch it
// with Space/Enter, read its state from aria-pressed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  ROOT, startSandbox, serveGmail, launch, configure, openGmail, openCompose, composeAndSend, withoutLoopbackPixel,
} from './harness.mjs';

let sandbox;
before(async () => {
  sandbox = await startSandbox();
});
after(async () => {
  await sandbox?.stop();
});

/** axe-core's violations within the elements matching `selectors`. */
async function axeViolations(page, selectors) {
  await page.addScriptTag({ path: join(ROOT, 'node_modules/axe-core/axe.min.js') });
  return page.evaluate(async (include) => {
    const result = await window.axe.run({ include: include.map((s) => [s]) }, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  }, selectors);
}

test('toggles and badges are labelled, keyboard operable, and pass axe-core', async () => {
  const browser = await launch();
  try {
    await configure(browser, { url: sandbox.url, token: sandbox.token, neverLog: 'rival.example\n' });
    await serveGmail(browser.context);
    const page = await openGmail(browser);

    // A sent, logged email: its badge.
    await composeAndSend(page, { to: ['bob@client.example'], subject: `A11y ${Date.now()}`, body: 'Hello.' });
    await page.waitForFunction(() => document.querySelector('div.adn .crmlog-badge')?.getAttribute('data-state') === 'logged', null, { timeout: 20_000 });

    // A compose whose only recipient is excluded: the warning state.
    const { dialog, toggle } = await openCompose(page);
    await dialog.locator('div[name=to] input[role=combobox]').fill('spy@rival.example');
    await dialog.locator('div[name=to] input[role=combobox]').press('Enter');
    await page.waitForFunction(() => document.querySelector('div[role=dialog] button.crmlog-log-toggle')?.getAttribute('data-crmlog-recipients') === 'none');

    // Keyboard: focus the Log toggle and switch it with Space and Enter;
    // Tab moves on to the Track toggle.
    await toggle.focus();
    const before = await toggle.getAttribute('aria-pressed');
    await page.keyboard.press('Space');
    assert.notEqual(await toggle.getAttribute('aria-pressed'), before, 'Space switches Log');
    await page.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-pressed'), before, 'Enter switches it back');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'crmlog-toggle crmlog-track-toggle');
    await page.keyboard.press('Space');
    assert.equal(await dialog.locator('button.crmlog-track-toggle').getAttribute('aria-pressed'), 'true', 'Space switches Track');

    // The badge says its state with a tooltip; Logged, it is a link to the
    // contact's timeline, reachable by keyboard with the same tooltip.
    const badge = page.locator('div.adn .crmlog-badge');
    assert.equal(await badge.getAttribute('role'), 'status');
    assert.ok((await badge.getAttribute('title')).length > 0);
    const link = badge.locator('a[href]');
    assert.equal(await link.textContent(), 'Logged');
    assert.equal(await link.getAttribute('title'), await badge.getAttribute('title'));
    await link.focus();
    assert.equal(await page.evaluate(() => document.activeElement?.closest('.crmlog-badge') !== null), true);
    // "Log this email" is a button with its name and a tooltip.
    const logThis = page.locator('div.adn button.crmlog-log-this');
    assert.equal(await logThis.textContent(), 'Log this email');
    assert.ok((await logThis.getAttribute('title')).length > 0);

    const violations = await axeViolations(page, ['.crmlog-toggle', '.crmlog-badge', '.crmlog-log-this']);
    assert.deepEqual(violations, []);
    // Control: the same check flags a toggle without a name.
    await page.evaluate(() => {
      const b = document.createElement('button');
      b.className = 'crmlog-toggle a11y-control';
      document.body.append(b);
    });
    const control = await page.evaluate(async () =>
      (await window.axe.run({ include: [['.a11y-control']] })).violations.map((v) => v.id));
    assert.ok(control.includes('button-name'), `axe found ${control}`);
    assert.deepEqual(withoutLoopbackPixel(browser.problems, sandbox.url), []);
  } finally {
    await browser.close();
  }
});
