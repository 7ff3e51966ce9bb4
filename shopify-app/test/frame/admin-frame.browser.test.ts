// The console as an App Bridge app, in a real browser (Debian's Chromium driven by Playwright) inside the
// sandbox's Admin shell: what the Admin around the frame shows for it. The title bar says the page's title
// and its primary action works; the nav menu lists every page and navigates (with the loading bar); an
// action's outcome is a toast in the Admin; editing the rule form raises the Admin's save bar (Discard
// resets the form, leaving asks first, Save saves); the Amazon settings are a modal covering the whole
// Admin. Screenshots go to shopify-app/artifacts/frame/ (gitignored).
import type { FrameLocator, Page } from '@playwright/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHOP, startPlatformsWorld, type PlatformsWorld } from '../platforms/support/harness';
import { LOAD_TIMEOUT_MS, titleBarButton, toasts, type Ready } from '../support/admin-shell';
import { browserSuite } from '../support/browser-suite';
import { hasChromium, newMerchantPage } from '../support/chromium';

let w: PlatformsWorld;
const suite = browserSuite({ viteCache: 'admin-frame', artifacts: 'frame', shop: SHOP, env: { PRICING_MONITOR: 'off' }, start: async () => (w = await startPlatformsWorld()) });
let page: Page;
const failures: string[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  page = await newMerchantPage(suite.browser, failures, { viewport: { width: 1280, height: 900 } });
});

const shot = (name: string) => suite.shot(page, name);
const open = (appPath: string, ready: Ready): Promise<FrameLocator> => suite.open(page, appPath, ready, failures);

/** Whether the Admin's loading bar shows at some point from now on (it is on only while a page loads). */
async function watchLoadingBar(): Promise<() => Promise<boolean>> {
  await page.evaluate(() => {
    const bar = document.getElementById('loading')!;
    const seen = { on: false };
    (window as unknown as { loadingSeen: typeof seen }).loadingSeen = seen;
    new MutationObserver(() => {
      if (!bar.hidden) seen.on = true;
    }).observe(bar, { attributes: true });
  });
  return () => page.evaluate(() => (window as unknown as { loadingSeen: { on: boolean } }).loadingSeen.on);
}

describe.skipIf(!hasChromium)('the console in the Admin, as Shopify Admin shows an App Bridge app', () => {
  it('the title bar says the page and holds its actions; the nav menu lists every page and navigates with the loading bar', async () => {
    const app = await open('/app/pricing/rules', (a) => a.getByLabel('Name').waitFor({ timeout: LOAD_TIMEOUT_MS }));
    await expect.poll(() => page.locator('#title').textContent(), { timeout: 30_000 }).toBe('Rules');
    // No header of the app's own in the frame: the Admin's title bar is the only one.
    expect(await app.locator('.Polaris-Page-Header').count()).toBe(0);
    await expect.poll(() => page.locator('#app-nav a').allTextContents(), { timeout: 30_000 }).toEqual(['Listings', 'Suggestions', 'Price changes', 'Rules', 'Costs', 'Audit log', 'Integrations']);
    // No pricing tabs in the frame either.
    expect(await app.getByRole('tab', { name: 'Price changes' }).count()).toBe(0);

    // The primary action: "Create rule" readies the form's name field.
    await titleBarButton(page, 'Create rule').click();
    await expect.poll(() => app.locator('#rule-name').evaluate((el) => el === document.activeElement), { timeout: 10_000 }).toBe(true);
    await shot('rules-title-bar.png');

    // The nav: each entry loads its page (the loading bar shows meanwhile) and the title follows.
    const loadingShown = await watchLoadingBar();
    await page.locator('#app-nav a', { hasText: 'Price changes' }).click();
    await expect.poll(() => page.locator('#title').textContent(), { timeout: 60_000 }).toBe('Price changes');
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/\/app\/pricing\/changes$/);
    expect(await loadingShown()).toBe(true);
    await expect.poll(() => titleBarButton(page, 'Export CSV').count()).toBe(1);
    // Suggestions: its primary action's outcome is a toast in the Admin.
    await page.locator('#app-nav a', { hasText: 'Suggestions' }).click();
    await expect.poll(() => page.locator('#title').textContent(), { timeout: 60_000 }).toBe('Suggestions');
    await titleBarButton(page, 'Generate suggestions').click();
    await expect.poll(() => toasts(page), { timeout: 30_000 }).toContainEqual(expect.stringMatching(/^(No products to evaluate yet|No new suggestions from \d+ products?|\d+ new suggestions? from)/));
    await shot('suggestions-toast.png');
    await page.locator('#app-nav a', { hasText: 'Costs' }).click();
    await expect.poll(() => page.locator('#title').textContent(), { timeout: 60_000 }).toBe('Costs');
    await expect.poll(() => page.locator('#title-actions button').allTextContents()).toEqual(['Export costs', 'Import costs']);
    expect(failures).toEqual([]);
  }, 300_000);

  it('editing the rule form raises the save bar: Discard resets the form, leaving asks first, Save saves with a toast', async () => {
    const app = await open('/app/pricing/rules', (a) => a.getByLabel('Name').waitFor({ timeout: LOAD_TIMEOUT_MS }));
    const saveBar = page.locator('#save-bar');
    expect(await saveBar.isVisible()).toBe(false);

    await app.getByLabel('Name').fill('Discarded rule');
    await expect.poll(() => saveBar.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.locator('#top-bar').isVisible()).toBe(false);
    await shot('rules-save-bar.png');
    await page.locator('#save-bar-discard').click();
    await expect.poll(() => app.getByLabel('Name').inputValue(), { timeout: 10_000 }).toBe('');
    await expect.poll(() => saveBar.isVisible()).toBe(false);

    // Unsaved changes: the Admin asks before its nav leaves the page; "Stay" keeps the edit.
    await app.getByLabel('Name').fill('Match the Buy Box everywhere');
    await app.getByLabel('Does').selectOption('match_buy_box');
    await expect.poll(() => saveBar.isVisible(), { timeout: 10_000 }).toBe(true);
    await page.locator('#app-nav a', { hasText: 'Suggestions' }).click();
    const leave = page.getByRole('alertdialog');
    await expect.poll(() => leave.innerText().catch(() => ''), { timeout: 10_000 }).toMatch(/Leave page with unsaved changes\?/);
    await leave.getByRole('button', { name: 'Stay' }).click();
    expect(await page.locator('#title').textContent()).toBe('Rules');
    expect(await app.getByLabel('Name').inputValue()).toBe('Match the Buy Box everywhere');

    // Save: stored, listed, a toast in the Admin, and the save bar gone.
    expect(await w.database.db.pricingRule.count()).toBe(0);
    await page.locator('#save-bar-save').click();
    await expect.poll(() => toasts(page), { timeout: 30_000 }).toContain('Rule “Match the Buy Box everywhere” created');
    await expect.poll(() => app.locator('tbody tr').filter({ hasText: 'Match the Buy Box everywhere' }).count(), { timeout: 30_000 }).toBe(1);
    expect(await w.database.db.pricingRule.findFirstOrThrow({ where: { name: 'Match the Buy Box everywhere' } })).toMatchObject({ kind: 'match_buy_box', scope: 'shop' });
    await expect.poll(() => saveBar.isVisible()).toBe(false);
    await shot('rules-saved-toast.png');

    // A server refusal: the form keeps the edit, the field says why in a sentence.
    await titleBarButton(page, 'Create rule').click();
    await app.getByRole('textbox', { name: 'Floor', exact: true }).fill('twelve');
    await page.locator('#save-bar-save').click();
    await expect.poll(() => app.locator('.Polaris-InlineError').allInnerTexts(), { timeout: 30_000 }).toEqual(expect.arrayContaining(['Name is required', 'Must be a number, like 12.50']));
    expect(await w.database.db.pricingRule.count()).toBe(1);
    // Opening another rule with unsaved changes asks first; "Stay" keeps them.
    await app.getByRole('button', { name: 'Edit Match the Buy Box everywhere' }).click();
    await expect.poll(() => leave.innerText().catch(() => ''), { timeout: 10_000 }).toMatch(/Leave page with unsaved changes\?/);
    await leave.getByRole('button', { name: 'Stay' }).click();
    expect(await app.getByRole('textbox', { name: 'Floor', exact: true }).inputValue()).toBe('twelve');
    await page.locator('#save-bar-discard').click();
    await expect.poll(() => saveBar.isVisible(), { timeout: 10_000 }).toBe(false);
    expect(failures).toEqual([]);
  }, 300_000);

  it('the Amazon settings are a modal covering the whole Admin', async () => {
    const app = await open('/app/integrations', (a) => a.locator('[data-platform="amazon"]').getByRole('button', { name: 'Settings', exact: true }).waitFor({ timeout: LOAD_TIMEOUT_MS }));
    await expect.poll(() => page.locator('#title').textContent(), { timeout: 30_000 }).toBe('Integrations');
    expect(await titleBarButton(page, 'Sync now').count()).toBe(1);
    await app.locator('[data-platform="amazon"]').getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = app.getByRole('dialog', { name: 'Amazon settings' });
    await expect.poll(() => dialog.innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/Not connected[\s\S]*What Calibrate can do here/);
    // The Admin's chrome (its top bar, sidebar and title bar) is dimmed: the overlay spans the whole window.
    const overlay = page.locator('#modal-overlay');
    expect(await overlay.isVisible()).toBe(true);
    expect(await overlay.boundingBox()).toEqual({ x: 0, y: 0, width: 1280, height: 900 });
    await shot('amazon-settings-modal.png');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => overlay.isVisible(), { timeout: 10_000 }).toBe(false);
    expect(await app.getByRole('dialog').count()).toBe(0);
    expect(failures).toEqual([]);
  }, 300_000);
});
