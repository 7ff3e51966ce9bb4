// The app in a real browser (Debian's Chromium driven by Playwright) inside the sandbox's Admin shell:
// the shell frames the app, App Bridge's stand-in hands it session tokens, the merchant opens the Shopify
// page from the nav menu, runs a sync, and sees the synced products with their prices. A screenshot is
// kept under shopify-app/artifacts/ (gitignored).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startShopifyWorld, type ShopifyWorld } from './support/shopify-world';
import { browserSuite } from './support/browser-suite';
import { hasChromium, newMerchantPage } from './support/chromium';

const SHOP = 'browser-shop.myshopify.com';

let world: ShopifyWorld;
const suite = browserSuite({
  viteCache: 'console',
  artifacts: '',
  shop: SHOP,
  async start() {
    world = await startShopifyWorld();
    await world.createShop(SHOP, { products: 30, variantsPerProduct: 2 });
    return world;
  },
});

describe.skipIf(!hasChromium)('the console in the Admin shell', () => {
  it('opens the app, syncs products from the Shopify page and lists them with their prices', async () => {
    const problems: string[] = [];
    const page = await newMerchantPage(suite.browser, problems, { viewport: { width: 1280, height: 1000 } });
    try {
      // The app's home, rendered after token exchange and hydrated: the first load, the one this test proves.
      const frame = await suite.open(page, '', (app) => app.getByText(SHOP).first().waitFor({ state: 'attached', timeout: 120_000 }), problems, { attempts: 1 });
      // The nav menu the app declares shows in Admin; Integrations, then the Shopify card's details.
      await expect.poll(() => page.locator('#app-nav a').allTextContents(), { timeout: 15_000 }).toContain('Integrations');
      // The shell redraws its nav as the app reports it (and shows a loading bar): click until the frame moves.
      await expect
        .poll(
          async () => {
            await page.locator('#app-nav a', { hasText: 'Integrations' }).click({ timeout: 2_000 }).catch(() => undefined);
            return frame.locator('[data-platform="shopify"]').getByRole('button', { name: 'Details' }).isVisible();
          },
          { timeout: 60_000, interval: 1_000 },
        )
        .toBe(true);
      await frame.locator('[data-platform="shopify"]').getByRole('button', { name: 'Details' }).click();
      await expect.poll(() => frame.getByText('No products synced yet').first().isVisible(), { timeout: 60_000 }).toBe(true);

      // The page's primary action is in the Admin's title bar.
      await expect.poll(() => page.locator('#title').textContent(), { timeout: 15_000 }).toBe(`Shopify · ${SHOP}`);
      await page.locator('#titlebar button', { hasText: 'Sync products' }).click();
      await expect.poll(() => frame.locator('#sync-result').textContent(), { timeout: 60_000 }).toContain('60 variants synced');
      // The products table: titles and variant prices as Shopify holds them.
      const products = (await world.control<{ products: Array<{ title: string; variants: Array<{ price: string; sku: string }> }> }>(
        `shopify/shops/${SHOP}/products`,
      )).products;
      const first = [...products].sort((a, b) => a.title.localeCompare(b.title))[0]!;
      await expect.poll(() => frame.getByText(first.title, { exact: true }).first().isVisible(), { timeout: 15_000 }).toBe(true);
      await expect.poll(() => frame.getByText(`${first.variants[0]!.price} USD`).first().isVisible()).toBe(true);

      // Search by SKU narrows the list to that product.
      const target = products[17]!;
      await frame.getByPlaceholder('Search by title or SKU').fill(target.variants[1]!.sku);
      await expect.poll(() => frame.getByText(/Page 1 of 1 · 1 products/).first().isVisible(), { timeout: 15_000 }).toBe(true);
      await expect.poll(() => frame.getByText(target.title, { exact: true }).first().isVisible()).toBe(true);

      expect(fs.statSync(await suite.shot(page, 'shopify-console.png')).size).toBeGreaterThan(10_000);
      expect(problems).toEqual([]);
    } catch (error) {
      // Keep what the browser showed, to see why.
      await suite.shot(page, 'shopify-console-failure.png').catch(() => undefined);
      const text = await page.frames()[1]?.evaluate(() => document.body?.innerText ?? '').catch(() => '');
      console.error('frame at failure:', page.frames().map((f) => f.url()), (text ?? '').slice(0, 1500), problems);
      throw error;
    } finally {
      await page.context().close();
    }
  }, 240_000);
});
