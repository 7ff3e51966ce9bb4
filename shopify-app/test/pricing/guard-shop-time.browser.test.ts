// The console shows the shop's clock whatever the merchant's computer says: a Tokyo shop's changes page, opened
// in Chromium set to Los Angeles time, dates a change approved at Dec 7, 19:20 UTC as "Dec 8, 2026, 04:20
// Japan Time" once hydrated (the server's render and the browser's agree, and no hydration error is raised).
import { describe, expect, it } from 'vitest';
import { LOAD_TIMEOUT_MS } from '../support/admin-shell';
import { browserSuite } from '../support/browser-suite';
import { hasChromium, newMerchantPage } from '../support/chromium';
import { startShopifyWorld, syncShopify, type ShopifyWorld } from '../support/shopify-world';

const SHOP = 'clock-tokyo.myshopify.com';
const APPROVED_AT = new Date(Date.UTC(2026, 11, 7, 19, 20));
let world: ShopifyWorld;
let title = '';

const suite = browserSuite({
  viteCache: 'guard-shop-time',
  shop: SHOP,
  async start() {
    world = await startShopifyWorld();
    await world.createShop(SHOP, { products: 1, ianaTimezone: 'Asia/Tokyo' });
    await syncShopify(world, SHOP);
    const db = world.database.db;
    const project = await db.project.findUniqueOrThrow({ where: { shopDomain: SHOP } });
    expect(project.timezone).toBe('Asia/Tokyo');
    const listing = await db.listing.findFirstOrThrow({ where: { projectId: project.id, platform: 'shopify' } });
    title = listing.title;
    await db.priceChange.create({
      data: { projectId: project.id, listingId: listing.id, idempotencyKey: 'clock-1', currency: listing.currency, fromAmount: '1.00', toAmount: listing.priceAmount, status: 'applied', approvedAt: APPROVED_AT, completedAt: APPROVED_AT },
    });
    return world;
  },
});

describe.skipIf(!hasChromium)('times on the shop’s clock in the browser', () => {
  it('a Tokyo shop’s change is dated in Japan Time in a browser set to Los Angeles', async () => {
    const failures: string[] = [];
    const page = await newMerchantPage(suite.browser, failures, { timezoneId: 'America/Los_Angeles', viewport: { width: 1280, height: 900 } });
    const hydration: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /hydrat|did not match/i.test(m.text())) hydration.push(m.text());
    });
    try {
      const app = await suite.open(page, '/app/pricing/changes', (a) => a.getByText(title).first().waitFor({ timeout: LOAD_TIMEOUT_MS }), failures);
      // The browser's own zone is Los Angeles: the page's times are not the computer's.
      expect(await app.locator('body').evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('America/Los_Angeles');
      await expect.poll(() => app.locator('body').innerText(), { timeout: 30_000 }).toContain('Dec 8, 2026, 04:20 Japan Time');
      expect(await app.locator('body').innerText()).not.toContain('Dec 7, 2026');
      expect(hydration).toEqual([]);
      expect(failures).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 300_000);
});
