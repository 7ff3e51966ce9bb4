// The pricing console in a real browser (Debian's Chromium driven by Playwright) inside the sandbox's
// Shopify Admin shell. A competitor undercuts on Amazon and the monitor turns it into a suggestion; the
// merchant finds it in the IndexTable (searching by SKU), approves it with the bulk action, watches it
// applied on Shopify and Amazon on the price changes page, and opens the product's price chart.
// Screenshots are kept in shopify-app/artifacts/pricing/ (gitignored).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type FrameLocator, type Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warmUp } from '../../server/start-app';
import { BROWSER_UA, DEMO_SELLER, SHOP, US, readJson, sandboxControl, startPlatformsWorld, waitFor, type PlatformsWorld } from '../platforms/support/harness';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) console.warn(`SKIPPED: ${CHROMIUM} is missing (flock /tmp/calibr-apt.lock apt-get install -y chromium)`);
const LOAD_TIMEOUT_MS = 120_000;
const ARTIFACTS = fileURLToPath(new URL('../../artifacts/pricing/', import.meta.url));

let w: PlatformsWorld;
let browser: Browser;
let product: { linkId: string; sku: string; asin: string; shopifyVariant: string; suggested: string };

beforeAll(async () => {
  if (!hasChromium) return;
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  process.env.PRICING_MONITOR = 'off';
  process.env.PRICING_PUSH_POLL_MS = '200';
  process.env.PRICING_PENDING_POLL_MS = '300';
  w = await startPlatformsWorld();
  await warmUp(w.app).catch(() => undefined);

  // Amazon connected, both catalogs synced and linked (the integrations suite covers doing it by hand).
  const seller = w.amazonSeed.sellers.find((s) => s.sellerId === DEMO_SELLER)!;
  const connect = await w.api('/api/platforms/amazon/connect', {
    json: { credentials: { platform: 'amazon', sellingPartnerId: seller.sellerId, region: 'na', marketplaceIds: [US], lwaClientId: seller.lwa.clientId, lwaClientSecret: seller.lwa.clientSecret, refreshToken: seller.lwa.refreshToken } },
  });
  expect(connect.status).toBe(200);
  for (const platform of ['shopify', 'amazon']) {
    const { syncId } = await readJson<{ syncId: string }>(await w.api(`/api/platforms/${platform}/sync`, { json: { mode: 'full' } }));
    await waitFor(`${platform} sync`, async () => (await readJson<{ status: string }>(await w.api(`/api/platforms/${platform}/sync?id=${syncId}`))).status !== 'started', 120_000);
  }
  await w.api('/api/product-links?page=1');

  // A rule, the market read once, then a competitor undercuts and the monitor notices.
  expect((await w.api('/api/pricing/rules', { json: { name: 'Match the Buy Box', scope: 'shop', kind: 'match_buy_box', params: {}, maxStepPercent: '50' } })).status).toBe(201);
  const link = await w.database.db.productLink.findFirstOrThrow({
    where: { project: { shopDomain: SHOP }, listings: { some: { platform: 'amazon', asin: { not: null }, marketplaceId: US } }, AND: { listings: { some: { platform: 'shopify' } } } },
    include: { listings: true },
    orderBy: { sku: 'desc' },
  });
  const amazon = link.listings.find((l) => l.platform === 'amazon' && l.marketplaceId === US)!;
  const shopify = link.listings.find((l) => l.platform === 'shopify')!;
  await w.api('/api/pricing/monitor', { json: { asins: [amazon.asin] } });
  const minor = BigInt(amazon.priceAmount.replace('.', '')) - 300n;
  const undercut = `${minor.toString().slice(0, -2)}.${minor.toString().slice(-2)}`;
  // The undercutter wins the Buy Box (the sandbox gives it to the lowest landed price among good sellers).
  await sandboxControl(w.sandbox, 'amazon/competitors', { asin: amazon.asin, marketplaceId: US, sellerId: 'A1UNDERCUTTER', sellerName: 'Undercutter', price: undercut, feedbackPercent: 99, fulfillment: 'AFN' });
  await sandboxControl(w.sandbox, 'amazon/buybox', { asin: amazon.asin, marketplaceId: US, winner: 'A1UNDERCUTTER' });
  const monitored = await readJson<{ suggestions: { created: number } | null }>(await w.api('/api/pricing/monitor', { json: { asins: [amazon.asin] } }));
  expect(monitored.suggestions?.created).toBeGreaterThanOrEqual(1);
  const suggestion = await w.database.db.priceSuggestion.findFirstOrThrow({ where: { productLinkId: link.id, status: 'pending' } });
  product = { linkId: link.id, sku: link.sku, asin: amazon.asin!, shopifyVariant: shopify.externalId, suggested: suggestion.suggestedAmount };

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 900_000);

afterAll(async () => {
  await browser?.close();
  const { stopPricing } = await import('../../app/pricing/startup.server');
  await stopPricing().catch(() => undefined);
  await w?.close();
});

async function shot(page: Page, name: string): Promise<string> {
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Open a console page in the Admin shell; one reload if Vite re-optimized dependencies on first load. */
async function open(page: Page, appPath: string, ready: (app: FrameLocator) => Promise<unknown>, errors: string[]): Promise<FrameLocator> {
  const app = page.frameLocator('#app-frame');
  for (let attempt = 1; ; attempt++) {
    errors.length = 0;
    await page.goto(`${w.sandbox.adminShellUrl(SHOP)}${appPath}`, { waitUntil: 'domcontentloaded' });
    try {
      await ready(app);
      if (errors.length === 0) return app;
    } catch (error) {
      if (attempt >= 2) {
        await shot(page, `failed-${appPath.replace(/\W+/g, '-')}.png`).catch(() => undefined);
        throw new Error(`${appPath} did not load: ${error instanceof Error ? error.message : error}; page errors: ${errors.join('; ') || 'none'}`);
      }
    }
    if (attempt >= 2) throw new Error(`${appPath} failed to load: ${errors.join('; ')}`);
  }
}

describe.skipIf(!hasChromium)('the pricing console in the Admin shell', () => {
  it('approves a suggestion, sees it applied on Shopify and Amazon, and sees the price chart', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1100 }, userAgent: BROWSER_UA });
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (e) => failures.push(e.message));

    const app = await open(page, '/app/pricing', (a) => a.getByText('Pricing suggestions').first().waitFor({ timeout: LOAD_TIMEOUT_MS }), failures);
    await expect.poll(() => page.locator('#app-nav a').allTextContents(), { timeout: 30_000 }).toContain('Pricing');

    // The status tabs count what waits; find it by SKU with the search; its row explains what moved and which rule.
    await expect.poll(() => app.getByRole('tab').allInnerTexts(), { timeout: 30_000 }).toEqual(expect.arrayContaining([expect.stringMatching(/Pending\s*1/)]));
    await app.getByRole('button', { name: /Search and filter/ }).click();
    await app.getByPlaceholder('Search by product, SKU or rule').fill(product.sku);
    const row = app.locator('tbody tr').filter({ hasText: product.sku });
    await expect.poll(() => app.locator('tbody tr').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => row.innerText(), { timeout: 30_000 }).toMatch(/Buy Box[\s\S]*Match the Buy Box/);
    await shot(page, 'suggestions.png');

    // Select it and approve with the bulk action.
    await row.locator('input[type="checkbox"]').first().check({ force: true });
    await app.getByRole('button', { name: 'Approve' }).first().click();
    await expect.poll(() => app.locator('.Polaris-Banner').allInnerTexts(), { timeout: 60_000 }).toContainEqual(expect.stringMatching(/1 suggestion approved/));

    // The price changes page shows each platform's outcome: applied on both.
    await app.getByRole('tab', { name: 'Price changes' }).click();
    const changeRow = app.locator('tbody tr').filter({ hasText: product.sku }).first();
    await expect.poll(() => changeRow.locator('[data-platform="shopify"]').getAttribute('data-status'), { timeout: 120_000 }).toBe('applied');
    await expect.poll(() => changeRow.locator('[data-platform="amazon"]').getAttribute('data-status'), { timeout: 120_000 }).toBe('applied');
    expect(await changeRow.innerText()).toMatch(/Applied/);
    await shot(page, 'price-changes.png');

    // And in the sandbox itself, both platforms carry the new price.
    const { products } = await sandboxControl<{ products: Array<{ variants: Array<{ id: number | string; price: string }> }> }>(w.sandbox, `shopify/shops/${SHOP}/products`);
    const variantId = product.shopifyVariant.split('/').pop();
    expect(products.flatMap((p) => p.variants).find((v) => String(v.id) === variantId)?.price).toBe(product.suggested);

    // The product's chart: our prices against the Buy Box and the lowest offer.
    const chartPage = await open(page, `/app/pricing/products/${product.linkId}`, (a) => a.locator('[data-section="price-chart"] svg').first().waitFor({ timeout: LOAD_TIMEOUT_MS }), failures);
    const series = await chartPage.locator('[data-section="price-chart"]').getAttribute('data-series');
    expect(series?.split(',')).toEqual(expect.arrayContaining(['our_amazon', 'our_shopify', 'buy_box', 'lowest_offer']));
    await expect.poll(() => chartPage.locator('[data-section="price-chart"]').innerText(), { timeout: 30_000 }).toMatch(/Buy Box[\s\S]*Lowest offer/);
    const file = await shot(page, 'price-chart.png');
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    expect(failures).toEqual([]);
    await context.close();
  }, 900_000);
});
