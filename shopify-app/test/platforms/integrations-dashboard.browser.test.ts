// The integrations dashboard in a real browser (Debian's Chromium driven by Playwright), inside the
// sandbox's Shopify Admin shell: the app framed with App Bridge's stand-in, the Amazon service running for
// real. The merchant connects Amazon through the signed settings link (Seller Central consent in the
// sandbox), syncs Shopify and Amazon, and sees the linked products with both prices; the conformance
// kit's reference connector, registered as a test platform, has its own card. Screenshots are kept in
// shopify-app/artifacts/platforms/ (gitignored).
import fs from 'node:fs';
import type { FrameLocator, Page } from '@playwright/test';
import { describe, expect, it } from 'vitest';
import { SHOP, startPlatformsWorld } from './support/harness';
import { LOAD_TIMEOUT_MS } from '../support/admin-shell';
import { browserSuite } from '../support/browser-suite';
import { hasChromium, newMerchantPage } from '../support/chromium';

const TEST_TIMEOUT_MS = 600_000;

const suite = browserSuite({ viteCache: 'integrations-dashboard', artifacts: 'platforms', shop: SHOP, start: () => startPlatformsWorld() });

function card(app: FrameLocator, platform: string) {
  return app.locator(`[data-platform="${platform}"]`);
}

/** Open the dashboard in the Admin shell and wait until it is hydrated (the live check filled the Shopify card). */
function openDashboard(page: Page, errors: string[]): Promise<FrameLocator> {
  return suite.open(page, '/app/integrations', (app) => card(app, 'shopify').locator('[data-health]').waitFor({ timeout: LOAD_TIMEOUT_MS }), errors);
}

describe.skipIf(!hasChromium)('the integrations dashboard in the Admin shell', () => {
  it('connects Amazon through its settings link, syncs both platforms and shows linked products with both prices', async () => {
    const failures: string[] = [];
    const page = await newMerchantPage(suite.browser, failures, { viewport: { width: 1440, height: 1000 } });
    try {
      const app = await openDashboard(page, failures);

      // Every registered platform has a card, the test platform included (no dashboard code knows it).
      await expect.poll(() => app.locator('[data-platform]').evaluateAll((els) => els.map((e) => e.getAttribute('data-platform'))), { timeout: 60_000 }).toEqual(['shopify', 'amazon', 'reference']);
      await expect.poll(() => card(app, 'reference').innerText(), { timeout: 20_000 }).toMatch(/Test platform[\s\S]*Not connected/);
      await expect.poll(() => card(app, 'shopify').locator('[data-health]').getAttribute('data-health'), { timeout: 30_000 }).toBe('healthy');
      // Admin's nav menu shows the dashboard.
      await expect.poll(() => page.locator('#app-nav a').allTextContents(), { timeout: 30_000 }).toContain('Integrations');
      expect(await card(app, 'amazon').innerText()).toContain('Not connected');

      // Amazon: the settings link opens the Amazon service's page in Admin's window (top level), signed for this shop.
      const connectLink = card(app, 'amazon').getByRole('link', { name: /Connect Amazon/ });
      await expect.poll(() => connectLink.getAttribute('href'), { timeout: 20_000 }).toContain('/settings/amazon/open?');
      expect(await connectLink.getAttribute('target')).toBe('_top');
      await connectLink.click();
      await page.waitForURL((url) => url.pathname === '/settings/amazon', { timeout: 30_000 });
      // Connect with Amazon: Seller Central's consent (the sandbox's), then back to the settings page.
      await page.locator('#connect-ATVPDKIKX0DER').check();
      await page.locator('#connect-amazon').click();
      await page.locator('#agree').check({ timeout: 30_000 });
      await page.locator('#confirm').click();
      await expect.poll(() => page.url(), { timeout: 30_000 }).not.toContain('/apps/authorize/consent');
      await expect.poll(() => page.locator('body').innerText(), { timeout: 30_000 }).toMatch(/A2CALIBRDEMONA/);
      await suite.shot(page, 'amazon-settings-connected.png');

      // Back in Admin (the settings page's way back), the dashboard sees the connection the Amazon service now holds.
      await page.getByRole('link', { name: /Back to Calibrate/ }).click();
      await page.waitForURL((url) => url.pathname.endsWith('/app/integrations') && url.pathname.startsWith('/store/'), { timeout: 30_000 });
      await card(app, 'shopify').locator('[data-health]').waitFor({ timeout: LOAD_TIMEOUT_MS });
      await page.locator('#titlebar button', { hasText: 'Refresh status' }).click();
      await expect.poll(() => card(app, 'amazon').innerText(), { timeout: 30_000 }).toMatch(/Connected[\s\S]*Account A2CALIBRDEMONA/);
      await expect.poll(() => card(app, 'amazon').locator('[data-health]').getAttribute('data-health'), { timeout: 30_000 }).toBe('healthy');

      // Its settings: what the remote connector can do, and the link to its own settings page.
      await card(app, 'amazon').getByRole('button', { name: 'Settings', exact: true }).click();
      const dialog = app.getByRole('dialog');
      await expect.poll(() => dialog.innerText(), { timeout: 20_000 }).toMatch(/Connected as A2CALIBRDEMONA[\s\S]*Competitive pricing/);
      await expect.poll(() => dialog.getByRole('link', { name: /Amazon settings/ }).getAttribute('href')).toContain('/settings/amazon/open?');
      await dialog.getByRole('button', { name: 'Close' }).click();
      await expect.poll(() => dialog.count(), { timeout: 10_000 }).toBe(0);

      // Sync both.
      await card(app, 'shopify').getByRole('button', { name: 'Sync now' }).click();
      await card(app, 'amazon').getByRole('button', { name: 'Sync now' }).click();
      for (const platform of ['shopify', 'amazon']) {
        await expect.poll(() => card(app, platform).innerText(), { timeout: 90_000 }).toMatch(/Synced[\s\S]*items synced/);
      }

      // Linked products: same SKU on both platforms, each platform's price side by side.
      const linked = app.locator('[data-section="linked-products"]');
      await expect.poll(() => linked.locator('tbody tr').count(), { timeout: 30_000 }).toBeGreaterThan(5);
      // Find one by its SKU with the search box.
      await app.getByLabel('Search linked products').fill('CAL-TRAI-RUNN-9');
      const row = linked.locator('tbody tr').filter({ hasText: 'CAL-TRAI-RUNN-9' }).first();
      await expect.poll(() => linked.locator('tbody tr').count(), { timeout: 30_000 }).toBe(1);
      const prices = await row.locator('[data-price]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-price'), e.textContent]));
      expect(prices).toEqual([
        ['shopify:CAL-TRAI-RUNN-9', '$129.00'],
        ['amazon:CAL-TRAI-RUNN-9', '$129.00'],
      ]);
      // The headings are the registry's platforms, in its order.
      const headings = await linked.locator('thead th').allInnerTexts();
      expect(headings.map((h) => h.trim()).filter(Boolean)).toEqual(['Product', 'Shopify', 'Amazon', 'Reference (test platform)']);

      // The sync history lists both runs.
      const history = await app.locator('[data-section="sync-history"]').innerText();
      expect(history).toMatch(/Shopify[\s\S]*manual/);
      expect(history).toMatch(/Amazon[\s\S]*manual/);

      // A tall window, so the screenshot holds the whole dashboard (the Admin frame fills the window).
      await app.getByLabel('Search linked products').fill('');
      await page.setViewportSize({ width: 1440, height: 2600 });
      await expect.poll(() => linked.locator('tbody tr').count(), { timeout: 30_000 }).toBeGreaterThan(5);
      const file = await suite.shot(page, 'integrations-dashboard.png');
      expect(fs.statSync(file).size).toBeGreaterThan(10_000);
      expect(failures).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, TEST_TIMEOUT_MS);

  it('the test platform connects and syncs from its own card, and shows on a narrow screen', async () => {
    const failures: string[] = [];
    const page = await newMerchantPage(suite.browser, failures, { viewport: { width: 420, height: 900 } });
    try {
      const app = await openDashboard(page, failures);
      const reference = card(app, 'reference');
      await reference.getByRole('button', { name: /Connect Reference/ }).click({ timeout: 60_000 });
      // Its settings: the form its registration declares, and what it can do.
      const dialog = app.getByRole('dialog');
      await expect.poll(() => dialog.innerText(), { timeout: 20_000 }).toMatch(/Reference \(test platform\) settings[\s\S]*Catalog sync/);
      await dialog.getByLabel('Account ID').fill('ref-account');
      await dialog.getByLabel('API key').fill('wrong-key');
      await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
      await expect.poll(() => dialog.innerText(), { timeout: 20_000 }).toMatch(/refused these credentials/);
      await dialog.getByLabel('API key').fill('reference-api-key');
      await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
      await expect.poll(() => dialog.count(), { timeout: 20_000 }).toBe(0);
      await expect.poll(() => reference.innerText(), { timeout: 20_000 }).toMatch(/Connected[\s\S]*Account ref-account/);
      await reference.getByRole('button', { name: 'Sync now' }).click();
      await expect.poll(() => reference.innerText(), { timeout: 30_000 }).toMatch(/Synced[\s\S]*3 items synced/);
      await expect.poll(() => reference.innerText()).toMatch(/5\s+listings/);
      await suite.shot(page, 'integrations-dashboard-narrow.png');
      expect(failures).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, TEST_TIMEOUT_MS);
});
