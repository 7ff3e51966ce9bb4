// The listings workspace in a real browser (Debian's Chromium driven by Playwright) inside the sandbox's
// Shopify Admin shell, and its API over HTTP. Amazon is connected and both catalogs synced and linked; the
// competition of one product is read (an undercutter holds its Buy Box), the others not yet. The merchant
// opens Listings: the banner counts the listings read, the unread ones say "Reading…"; edits a cost inline
// with a bad value (the message under the field, nothing saved), then a good one (saved, a toast, shown
// after a reload); opens the product's listing page (its competitors, its fees, the step chart); and the
// same pages on a 390 px phone stay usable. Screenshots go to shopify-app/artifacts/listings/ (gitignored).
import type { FrameLocator } from '@playwright/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { OTHER_SHOP, SHOP, US, connectAndSync, linkedProducts, readJson, sandboxControl, startPlatformsWorld, type PlatformsWorld } from '../platforms/support/harness';
import { LOAD_TIMEOUT_MS } from '../support/admin-shell';
import { browserSuite } from '../support/browser-suite';
import { hasChromium, newMerchantPage } from '../support/chromium';

let w: PlatformsWorld;
// The listings API's tests below need no browser: the world starts without Chromium too.
const suite = browserSuite({ viteCache: 'listings', artifacts: 'listings', shop: SHOP, env: { PRICING_MONITOR: 'off' }, alsoWithoutChromium: true, start: async () => (w = await startPlatformsWorld()) });

/** The product whose competition was read, and one never read. */
let read: { linkId: string; sku: string; title: string; asin: string };
let unread: { sku: string };
let monitored = 0;

beforeAll(async () => {
  await connectAndSync(w);

  const linked = await linkedProducts(w, { order: 'asc' });
  expect(linked.length).toBeGreaterThanOrEqual(2);
  const [{ link: first, amazon }, { link: second }] = [linked[0]!, linked[1]!];
  // A competitor undercuts the first product and takes its Buy Box; only that product is read.
  await sandboxControl(w.sandbox, 'amazon/competitors', { asin: amazon.asin, marketplaceId: US, sellerId: 'A1UNDERCUTTER', sellerName: 'Undercutter', price: '1.00', feedbackPercent: 99, fulfillment: 'AFN' });
  await sandboxControl(w.sandbox, 'amazon/buybox', { asin: amazon.asin, marketplaceId: US, winner: 'A1UNDERCUTTER' });
  expect((await w.api('/api/pricing/monitor', { json: { asins: [amazon.asin] } })).status).toBe(200);
  read = { linkId: first.id, sku: first.sku, title: first.title ?? amazon.title, asin: amazon.asin! };
  unread = { sku: second.sku };
  // What the monitor reads (no rule yet: every currency): priced Amazon listings with an ASIN.
  monitored = await w.database.db.listing.count({ where: { project: { shopDomain: SHOP }, platform: 'amazon', asin: { not: null }, status: { notIn: ['deleted', 'retired'] } } });
  expect(await w.database.db.competitorPriceObservation.count({ where: { listingId: amazon.id } })).toBeGreaterThan(0);
  // The monitor's account of freshness is written with the reading: the page's "read … · polling" comes from it.
  expect(await w.database.db.competitiveFreshness.findUnique({ where: { listingId: amazon.id } })).toMatchObject({ source: 'poll', observedAt: expect.any(Date) });
}, 900_000);

describe('the listings API', () => {
  it('lists the shop’s linked products with freshness, and refuses an unknown view', async () => {
    const list = await readJson<{ total: number; rows: Array<{ id: string; sku: string; reading: string; competitors: number | null; buyBox: { holder: string; sellerId: string | null } | null }>; progress: { read: number; total: number } }>(
      await w.api(`/api/listings?q=${encodeURIComponent(read.sku)}`),
    );
    const row = list.rows.find((r) => r.id === read.linkId);
    expect(row).toMatchObject({ reading: 'read', buyBox: { holder: 'other', sellerId: 'A1UNDERCUTTER' } });
    expect(row!.competitors).toBeGreaterThanOrEqual(1);
    expect(list.progress).toEqual({ read: 1, total: monitored });
    const bad = await w.api('/api/listings?view=cheapest');
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors).toEqual([expect.objectContaining({ path: 'view' })]);
  });

  it('PATCH refuses a bad cost with the message for under the field, writes nothing, and saves a good one', async () => {
    const before = await w.database.db.productCost.count();
    const refused = await w.api(`/api/listings/${read.linkId}`, { method: 'PATCH', json: { cost: '12,50', floor: '3.00', ceiling: '2.00' } });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await refused.json()).errors).toEqual([expect.objectContaining({ path: 'cost', message: 'Cost must be a number, like 12.50' })]);
    const contradiction = await w.api(`/api/listings/${read.linkId}`, { method: 'PATCH', json: { cost: '2.00', floor: '3.00', ceiling: '2.00' } });
    expect((await contradiction.json()).errors).toEqual([expect.objectContaining({ path: 'floor', message: 'Floor must be below the ceiling (2.00)' })]);
    expect(await w.database.db.productCost.count()).toBe(before);
    // Another shop can't reach this shop's product: a 404, as for one that doesn't exist.
    const foreign = await w.api(`/api/listings/${read.linkId}`, { method: 'PATCH', shop: OTHER_SHOP, json: { cost: '1.00' } });
    expect(foreign.status).toBe(404);
    expect((await w.api(`/api/listings/${read.linkId}`, { shop: OTHER_SHOP })).status).toBe(404);
    expect(await w.database.db.productCost.count()).toBe(before);
  });
});

describe.skipIf(!hasChromium)('the listings workspace in the Admin shell', () => {
  const failures: string[] = [];
  const newPage = (width: number, height: number) => newMerchantPage(suite.browser, failures, { viewport: { width, height } });
  const rowOf = (app: FrameLocator, sku: string) => app.locator('tbody tr').filter({ has: app.locator(`[data-row="${sku}"]`) });

  it('edits a cost inline: a bad value shows its message under the field and saves nothing; a good one is saved and still there after a reload', async () => {
    // The product's cost is whatever the earlier API test left: none of the refused values.
    const costBefore = await w.database.db.productCost.findFirst({ where: { project: { shopDomain: SHOP }, sku: read.sku } });
    const page = await newPage(1440, 1100);
    const ready = (app: FrameLocator) => app.locator(`[data-row="${read.sku}"]`).first().waitFor({ timeout: LOAD_TIMEOUT_MS });
    const app = await suite.open(page, `/app/listings?q=${encodeURIComponent(read.sku)}`, ready, failures);
    // The readings are under way: the banner counts them, an unread product says "Reading…".
    await expect.poll(() => app.locator('.Polaris-Banner').allInnerTexts(), { timeout: 30_000 }).toContainEqual(expect.stringContaining(`Reading competitor prices: 1 of ${monitored} listings read`));
    const row = rowOf(app, read.sku);
    await expect.poll(() => row.locator('[data-section="freshness"]').innerText(), { timeout: 10_000 }).toMatch(/^read (just now|\d+ min ago) · polling$/);

    await row.getByRole('button', { name: /^Edit cost, floor, ceiling and MAP of/ }).click();
    const cost = row.locator('[data-field="cost"] input');
    await cost.fill('12,50');
    await row.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => row.locator('[data-field="cost"]').innerText(), { timeout: 30_000 }).toContain('Cost must be a number, like 12.50');
    await expect.poll(() => page.locator('#toasts').innerText(), { timeout: 10_000 }).toContain('Not saved');
    expect(await w.database.db.productCost.findFirst({ where: { project: { shopDomain: SHOP }, sku: read.sku } })).toEqual(costBefore);
    await suite.shot(page, 'listings-bad-cost.png');

    await cost.fill('12.50');
    await row.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => row.locator('[data-value="cost"]').innerText().catch(() => ''), { timeout: 30_000 }).toBe('$12.50');
    await expect.poll(() => page.locator('#toasts').innerText(), { timeout: 10_000 }).toContain(`Saved ${read.title}`);
    const stored = await w.database.db.productCost.findFirstOrThrow({ where: { project: { shopDomain: SHOP }, sku: read.sku } });
    expect(stored).toMatchObject({ costAmount: '12.50', currency: 'USD', source: 'manual' });
    expect(await w.database.db.auditLog.count({ where: { action: 'product_cost.edited', entityId: stored.id } })).toBe(1);

    // After a reload the saved cost is what the page shows.
    const again = await suite.open(page, `/app/listings?q=${encodeURIComponent(read.sku)}`, ready, failures);
    expect(await rowOf(again, read.sku).locator('[data-value="cost"]').innerText()).toBe('$12.50');
    // The unread view lists a product not read yet, as "Reading…".
    const unreadView = await suite.open(page, `/app/listings?view=unread&q=${encodeURIComponent(unread.sku)}`, (a) => a.locator(`[data-row="${unread.sku}"]`).first().waitFor({ timeout: LOAD_TIMEOUT_MS }), failures);
    // (Polaris's badge carries a hidden "Info" for screen readers.)
    expect(await rowOf(unreadView, unread.sku).locator('[data-section="freshness"]').innerText()).toMatch(/Reading…$/);
    // Amazon's channel down (as the connector last said; this world runs no notifications job to say otherwise):
    // the banner says so in the merchant's words, then it is gone again.
    const project = await w.database.db.project.findUniqueOrThrow({ where: { shopDomain: SHOP } });
    await w.database.db.offerChangeCursor.create({ data: { projectId: project.id, platform: 'amazon', state: 'down' } });
    const paused = await suite.open(page, `/app/listings?q=${encodeURIComponent(read.sku)}`, ready, failures);
    expect(await paused.locator('.Polaris-Banner').allInnerTexts()).toContainEqual(expect.stringContaining('Amazon’s live price alerts are paused; Calibrate is reading prices on its own schedule'));
    await w.database.db.offerChangeCursor.delete({ where: { projectId_platform: { projectId: project.id, platform: 'amazon' } } });
    await suite.shot(page, 'listings-workspace.png');
    expect(failures).toEqual([]);
    await page.context().close();
  }, 300_000);

  it('opens a listing page: its competitors, its fees and its prices drawn as steps with no repeated axis label', async () => {
    const page = await newPage(1440, 1100);
    const app = await suite.open(page, `/app/listings/${read.linkId}`, (a) => a.locator('[data-section="competitors"]').first().waitFor({ timeout: LOAD_TIMEOUT_MS }), failures);
    const competitors = await app.locator('[data-section="competitors"]').innerText();
    expect(competitors).toContain('A1UNDERCUTTER');
    expect(competitors).toMatch(/Followed|Ignored/);
    expect(competitors).toContain('$1.00');
    expect(await app.locator('[data-section="fees"]').innerText()).toMatch(/Fees/);
    const chart = app.locator('[data-section="price-chart"]');
    expect(await chart.getAttribute('data-series')).toMatch(/buy_box/);
    expect(await chart.locator('path[data-line="buy_box"]').getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+/);
    // Steps: every segment after the first point is horizontal (H) or vertical (V), never a diagonal or curve.
    for (const d of await chart.locator('path[data-line]').evaluateAll((paths) => paths.map((p) => p.getAttribute('d') ?? ''))) {
      expect(d.replace(/^M[\d.]+ [\d.]+/, '').replace(/ M[\d.]+ [\d.]+/g, '')).toMatch(/^( [HV][\d.]+)*$/);
    }
    for (const axis of ['x', 'y']) {
      const labels = (await chart.locator(`[data-axis="${axis}"]`).allTextContents()).map((l) => l.trim());
      expect(labels.every((l) => l !== '')).toBe(true);
      expect(labels.length).toBeGreaterThan(0);
      expect(new Set(labels).size).toBe(labels.length);
    }
    await suite.shot(page, 'listing-page.png');
    expect(failures).toEqual([]);
    await page.context().close();
  }, 300_000);

  it('stays usable on a 390 px phone: the condensed table and the listing page fit the screen', async () => {
    const page = await newPage(390, 844);
    const app = await suite.open(page, `/app/listings?q=${encodeURIComponent(read.sku)}`, (a) => a.locator(`[data-row="${read.sku}"]`).first().waitFor({ timeout: LOAD_TIMEOUT_MS }), failures);
    const overflow = () => app.locator('body').evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).toBeLessThanOrEqual(1);
    // Condensed: the row is one stacked cell, with the cost and the Edit button in reach.
    const row = app.locator(`[data-row="${read.sku}"]`);
    expect(await row.innerText()).toMatch(/Cost \$12\.50/);
    await row.getByRole('button', { name: /^Edit cost/ }).click();
    expect(await row.locator('[data-field="floor"] input').isVisible()).toBe(true);
    await suite.shot(page, 'listings-phone.png');
    const listing = await suite.open(page, `/app/listings/${read.linkId}`, (a) => a.locator('[data-section="competitors"]').first().waitFor({ timeout: LOAD_TIMEOUT_MS }), failures);
    expect(await listing.locator('body').evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(1);
    await suite.shot(page, 'listing-page-phone.png');
    expect(failures).toEqual([]);
    await page.context().close();
  }, 300_000);
});
