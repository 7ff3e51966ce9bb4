// The integrations dashboard in a real browser (Debian's Chromium driven by Playwright), inside the
// sandbox's Shopify Admin shell: the app framed with App Bridge's stand-in, the Amazon service running for
// real. The merchant connects Amazon through the signed settings link (Seller Central consent in the
// sandbox), syncs Shopify and Amazon, and sees the linked products with both prices; the conformance
// kit's reference connector, registered as a test platform, has its own card. Screenshots are kept in
// shopify-app/artifacts/platforms/ (gitignored).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, FrameLocator, Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warmUp } from '../../server/start-app';
import { BROWSER_UA, SHOP, startPlatformsWorld, type PlatformsWorld } from './support/harness';
import { hasChromium, launchChromium } from '../support/chromium';

// Generous: this machine's cores are shared, and Vite compiles the page's modules on first request.
const LOAD_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 600_000;
const ARTIFACTS = fileURLToPath(new URL('../../artifacts/platforms/', import.meta.url));

let w: PlatformsWorld;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  // This suite's own optimized-dependency cache: other test files' dev servers rewrite the shared one,
  // and a page hydrating mid-rewrite loads two copies of React Router.
  process.env.VITE_CACHE_DIR = 'node_modules/.vite-integrations-dashboard';
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  w = await startPlatformsWorld();
  await warmUp(w.app).catch(() => undefined);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await w?.close();
});

function card(app: FrameLocator, platform: string) {
  return app.locator(`[data-platform="${platform}"]`);
}

/**
 * Open the dashboard in the Admin shell and wait until it is hydrated (the live check filled the Shopify
 * card). Vite's dev server may re-optimize dependencies on the very first page load, which leaves that
 * one load with two copies of React; one reload then gets a consistent bundle.
 */
async function openDashboard(page: Page, errors: string[]): Promise<FrameLocator> {
  const app = page.frameLocator('#app-frame');
  for (let attempt = 1; ; attempt++) {
    errors.length = 0;
    await page.goto(`${w.sandbox.adminShellUrl(SHOP)}/app/integrations`, { waitUntil: 'domcontentloaded' });
    try {
      await card(app, 'shopify').locator('[data-health]').waitFor({ timeout: LOAD_TIMEOUT_MS });
      if (errors.length === 0) return app;
    } catch (error) {
      if (attempt >= 2) {
        await shot(page, 'failed-load.png').catch(() => undefined);
        throw new Error(`the dashboard did not load: ${error instanceof Error ? error.message : error}; page errors: ${errors.join('; ') || 'none'}`);
      }
    }
    if (attempt >= 2) throw new Error(`the dashboard failed to load: ${errors.join('; ')}`);
  }
}

async function shot(page: Page, name: string): Promise<string> {
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

describe.skipIf(!hasChromium)('the integrations dashboard in the Admin shell', () => {
  it('connects Amazon through its settings link, syncs both platforms and shows linked products with both prices', async () => {
    // Shopify's library turns away bots, HeadlessChrome among them: a merchant's browser says Chrome.
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, userAgent: BROWSER_UA });
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (e) => failures.push(e.message));
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
      await shot(page, 'amazon-settings-connected.png');

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
      const file = await shot(page, 'integrations-dashboard.png');
      expect(fs.statSync(file).size).toBeGreaterThan(10_000);
      expect(failures).toEqual([]);
    } finally {
      await context.close();
    }
  }, TEST_TIMEOUT_MS);

  it('the test platform connects and syncs from its own card, and shows on a narrow screen', async () => {
    const context = await browser.newContext({ viewport: { width: 420, height: 900 }, userAgent: BROWSER_UA });
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (e) => failures.push(e.message));
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
      await shot(page, 'integrations-dashboard-narrow.png');
      expect(failures).toEqual([]);
    } finally {
      await context.close();
    }
  }, TEST_TIMEOUT_MS);
});
