// The Amazon settings page's round trip in a real browser (Debian's Chromium driven by Playwright), from
// the console inside the sandbox's Shopify Admin shell: the Amazon card's link replaces Admin with the Amazon
// service's page (top level, signed for this shop); the page names marketplaces, answers a wrong form in
// the seller's words at its fields, saves a valid change, fits a 390 px phone, and its "Back to Calibrate"
// lands on the integrations page in the Admin shell, which shows the change. Screenshots are kept in
// shopify-app/artifacts/platforms/ (gitignored).
import type { FrameLocator, Page } from '@playwright/test';
import { describe, expect, it } from 'vitest';
import { SHOP, startPlatformsWorld, type PlatformsWorld } from './support/harness';
import { LOAD_TIMEOUT_MS } from '../support/admin-shell';
import { browserSuite } from '../support/browser-suite';
import { hasChromium, newMerchantPage } from '../support/chromium';

const TEST_TIMEOUT_MS = 600_000;
const PHONE = { width: 390, height: 844 };

let w: PlatformsWorld;
const suite = browserSuite({ viteCache: 'amazon-settings', artifacts: 'platforms', shop: SHOP, start: async () => (w = await startPlatformsWorld()) });

const amazonCard = (app: FrameLocator) => app.locator('[data-platform="amazon"]');

/** The integrations page in the Admin shell, hydrated (the live check filled the Shopify card). */
function openIntegrations(page: Page, errors: string[]): Promise<FrameLocator> {
  return suite.open(page, '/app/integrations', (app) => app.locator('[data-platform="shopify"] [data-health]').waitFor({ timeout: LOAD_TIMEOUT_MS }), errors);
}

/** What the seller reads on the page. */
const bodyText = (page: Page) => page.locator('body').innerText();

describe.skipIf(!hasChromium)('the Amazon settings page, from the console in the Admin shell and back', () => {
  it('opens in Admin’s window, speaks the seller’s language, saves a change, fits a phone, and leads back to the console showing it', async () => {
    const failures: string[] = [];
    const page = await newMerchantPage(suite.browser, failures, { viewport: { width: 1280, height: 900 } });
    const context = page.context();
    try {
      const app = await openIntegrations(page, failures);
      const shellUrl = page.url();
      await expect.poll(() => amazonCard(app).innerText(), { timeout: 30_000 }).toContain('Not connected');

      // The card's link is signed for this shop and replaces Admin (no new tab: one window, one history).
      const connect = amazonCard(app).getByRole('link', { name: /Connect Amazon/ });
      await expect.poll(() => connect.getAttribute('href'), { timeout: 30_000 }).toContain('/settings/amazon/open?');
      expect(await connect.getAttribute('target')).toBe('_top');
      await connect.click();
      await page.waitForURL((url) => url.pathname === '/settings/amazon', { timeout: 30_000 });
      expect(context.pages()).toHaveLength(1);
      expect(new URL(page.url()).origin).toBe(new URL(w.amazon.url).origin);

      // Marketplaces by name, grouped by region; the ids are the checkboxes' values, not what the seller reads.
      const connectForm = page.locator('#connect-form');
      for (const name of ['United States', 'Canada', 'Mexico', 'Brazil', 'United Kingdom', 'Germany', 'Japan']) {
        await expect.poll(() => connectForm.getByLabel(name, { exact: true }).count()).toBe(1);
      }
      expect(await bodyText(page)).toMatch(/No Amazon seller account is connected to this shop yet/);
      expect(await bodyText(page)).not.toMatch(/ATVPDKIKX0DER|A2EUQ1WTGCTBG2/);

      // A wrong form: the reasons at the fields, in the seller's words.
      await page.locator('#self-sellingPartnerId').fill('my shop');
      await page.locator('#save-credentials').click();
      await page.locator('#page-error').waitFor({ timeout: 30_000 });
      await expect.poll(() => page.locator('#self-sellingPartnerIdError').innerText()).toContain('Enter your Seller ID (it starts with A, like A1B2C3D4E5F6G7)');
      await expect.poll(() => page.locator('#self-refreshTokenError').innerText()).toContain('Enter the refresh token Seller Central showed');
      expect(await page.locator('#self-sellingPartnerId').inputValue()).toBe('my shop');
      await connectForm.getByLabel('Germany', { exact: true }).check();
      await connectForm.getByLabel('United States', { exact: true }).check();
      await page.locator('#connect-amazon').click();
      await page.locator('#connect-marketplaces-error').waitFor({ timeout: 30_000 });
      expect(await page.locator('#connect-marketplaces-error').innerText()).toContain('Germany is not in North America. Choose marketplaces in that region, or change the region.');
      const wrong = await bodyText(page);
      // No developer vocabulary anywhere on the page (the match and its surroundings, should one appear).
      for (const developerWord of [/Invalid input/i, /nonoptional/i, /sellingPartnerId/, /marketplaceIds/, /lwaClientId/, /\brequired\b/]) {
        const at = wrong.search(developerWord);
        expect(at < 0 ? null : wrong.slice(Math.max(0, at - 80), at + 80)).toBeNull();
      }
      await suite.shot(page, 'amazon-settings-refused.png');

      // A valid change: connect the demo seller through Seller Central for the United States and Canada.
      await connectForm.getByLabel('Germany', { exact: true }).uncheck();
      await connectForm.getByLabel('Canada', { exact: true }).check();
      await page.locator('#connect-amazon').click();
      await page.locator('#agree').check({ timeout: 30_000 });
      await page.locator('#confirm').click();
      await page.waitForURL((url) => url.pathname === '/settings/amazon' && url.search.includes('notice=connected'), { timeout: 30_000 });
      await expect.poll(() => bodyText(page)).toContain('Your Amazon seller account is connected.');
      const connected = await bodyText(page);
      expect(connected).toContain('Calibrate Demo Outfitters');
      expect(connected).toContain('Seller ID (merchant token): A2CALIBRDEMONA');
      expect(connected).toMatch(/Marketplaces: (United States, Canada|Canada, United States)/);
      expect(connected).toContain('Calibrate is connected to your Amazon seller account');

      // The marketplace choice: none is refused at the field; Mexico added is saved.
      const choose = (name: string) => page.locator('form[action$="/marketplaces"]').getByLabel(name, { exact: true });
      await choose('United States').uncheck();
      await choose('Canada').uncheck();
      await page.locator('#save-marketplaces').click();
      await page.locator('#choose-marketplaces-error').waitFor({ timeout: 30_000 });
      expect(await page.locator('#choose-marketplaces-error').innerText()).toContain('Choose at least one marketplace.');
      for (const name of ['United States', 'Canada', 'Mexico']) await choose(name).check();
      await page.locator('#save-marketplaces').click();
      await page.waitForURL((url) => url.search.includes('notice=marketplaces'), { timeout: 30_000 });
      await expect.poll(() => bodyText(page)).toMatch(/Marketplaces: (?=.*United States)(?=.*Canada)(?=.*Mexico)/);

      // A phone: one column, nothing wider than the screen, the way back in sight.
      await page.setViewportSize(PHONE);
      await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await suite.shot(page, 'amazon-settings-390.png');
      const back = page.getByRole('link', { name: /Back to Calibrate/ });
      await back.scrollIntoViewIfNeeded();
      const box = await back.boundingBox();
      expect(box, 'the link is laid out').not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
      await page.setViewportSize({ width: 1280, height: 900 });

      // Back to Calibrate: the integrations page in the Admin shell, showing the connection just made.
      await back.click();
      await page.waitForURL((url) => url.pathname.endsWith('/app/integrations') && url.pathname.startsWith('/store/'), { timeout: 30_000 });
      expect(new URL(page.url()).origin).toBe(new URL(shellUrl).origin);
      expect(new URL(page.url()).pathname).toBe(new URL(shellUrl).pathname);
      await expect.poll(() => amazonCard(app).innerText(), { timeout: LOAD_TIMEOUT_MS }).toMatch(/Connected[\s\S]*Account A2CALIBRDEMONA/);
      await expect.poll(() => amazonCard(app).locator('[data-health]').getAttribute('data-health'), { timeout: 30_000 }).toBe('healthy');
      await suite.shot(page, 'integrations-after-amazon-settings.png');
      expect(failures).toEqual([]);
    } finally {
      await context.close();
    }
  }, TEST_TIMEOUT_MS);
});
