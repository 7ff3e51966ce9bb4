// Issue 18's live pages in a real browser (Debian's Chromium driven by Playwright) inside the sandbox's
// Shopify Admin shell, with Amazon connected and both catalogs synced. Never reloaded: a mark set in the
// app's window must still be there at the end (a reload or a document navigation would drop it).
// - A competitor moves while the suggestions page is open; the monitor (its API route, as the scheduler
//   would run it) stores a suggestion, and the page shows it by itself, keeping the merchant's checked row.
// - The checked suggestion is approved (by the Admin shell's staff member); the price changes page shows
//   it applied by itself, approved by the staff member's name (the online token's associated user); then
//   it is rolled back from elsewhere (another tab: the API) and the page shows the rollback and the
//   "Rolled back" status by itself.
// - While the merchant edits a price, a new suggestion waits: the page looks (the fingerprint moved) but
//   doesn't reload under the open field; when the field is left, the suggestion shows and the edited price
//   is still there.
// - What changes between a page's load and its first look shows by itself: the suggestions page (a new
//   suggestion), the changes page (a change approved elsewhere and settled) and the listings page (a reading stored), each
//   opened fresh with its first GET /api/pricing/live held while the change is made.
// Screenshots go to shopify-app/artifacts/live/ (gitignored).
import type { Frame, FrameLocator, Page, Route } from '@playwright/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHOP, US, connectAndSync, linkedProducts, readJson, sandboxControl, startPlatformsWorld, waitFor, type PlatformsWorld } from '../platforms/support/harness';
import { LOAD_TIMEOUT_MS, toasts } from '../support/admin-shell';
import { browserSuite } from '../support/browser-suite';
import { hasChromium, newMerchantPage } from '../support/chromium';
import { usdMinus } from '../support/money';
import { bulkAction } from './support/console-page';

let w: PlatformsWorld;
const suite = browserSuite({
  viteCache: 'live-refresh',
  artifacts: 'live',
  shop: SHOP,
  env: { PRICING_MONITOR: 'off', PRICING_PUSH_POLL_MS: '200', PRICING_PENDING_POLL_MS: '300' },
  start: async () => (w = await startPlatformsWorld()),
});
const { shot } = suite;

interface Product {
  sku: string;
  asin: string;
  amazonPrice: string;
}
/**
 * first, second: suggested before the page opens; later: its competitor moves while the page is open;
 * duringEdit: its competitor moves while the merchant edits a price.
 */
let products: { first: Product; second: Product; later: Product; duringEdit: Product };
/** The staff member the Admin shell signs its session tokens for. */
let staffName: string;


/** A competitor undercuts the product by 3.00 and takes the Buy Box. */
async function undercut(p: Product): Promise<void> {
  await sandboxControl(w.sandbox, 'amazon/competitors', { asin: p.asin, marketplaceId: US, sellerId: 'A1UNDERCUTTER', sellerName: 'Undercutter', price: usdMinus(p.amazonPrice, 300n), feedbackPercent: 99, fulfillment: 'AFN' });
  await sandboxControl(w.sandbox, 'amazon/buybox', { asin: p.asin, marketplaceId: US, winner: 'A1UNDERCUTTER' });
}

beforeAll(async () => {
  if (!hasChromium) return;
  await connectAndSync(w);

  expect((await w.api('/api/pricing/rules', { json: { name: 'Match the Buy Box', scope: 'shop', kind: 'match_buy_box', params: {}, currency: 'USD', floorAmount: '1.00', maxStepPercent: '50' } })).status).toBe(201);
  const linked = await linkedProducts(w, { order: 'desc', take: 4 });
  expect(linked).toHaveLength(4);
  const [first, second, later, duringEdit] = linked.map(({ link, amazon }): Product => ({ sku: link.sku, asin: amazon.asin!, amazonPrice: amazon.priceAmount }));
  products = { first: first!, second: second!, later: later!, duringEdit: duringEdit! };
  // The market read once, then two products undercut: two suggestions waiting when the page opens.
  await w.api('/api/pricing/monitor', { json: { asins: [first!.asin, second!.asin, later!.asin, duringEdit!.asin] } });
  for (const p of [first!, second!]) await undercut(p);
  const monitored = await readJson<{ suggestions: { created: number } | null }>(await w.api('/api/pricing/monitor', { json: { asins: [first!.asin, second!.asin] } }));
  expect(monitored.suggestions?.created).toBe(2);

  const { shops } = await sandboxControl<{ shops: Array<{ domain: string; staff: Array<{ firstName: string; lastName: string }> }> }>(w.sandbox, 'shopify/shops');
  const owner = shops.find((s) => s.domain === SHOP)!.staff[0]!;
  staffName = `${owner.firstName} ${owner.lastName}`;
}, 900_000);

/** The app's own frame (its document, where the no-reload mark lives). */
function appFrame(page: Page): Frame {
  const frame = page.frames().find((f) => new URL(f.url()).pathname.startsWith('/app'));
  if (!frame) throw new Error(`no app frame among ${page.frames().map((f) => f.url()).join(', ')}`);
  return frame;
}

const rowOf = (app: FrameLocator, sku: string) => app.locator('tbody tr').filter({ hasText: sku }).first();

describe.skipIf(!hasChromium)('live pages in the Admin shell', () => {
  let page: Page;
  const failures: string[] = [];
  let app: FrameLocator;

  beforeAll(async () => {
    page = await newMerchantPage(suite.browser, failures, { viewport: { width: 1440, height: 1100 } });
  });

  it('shows a suggestion the monitor stores after a competitor moves, without a reload, keeping the checked row', async () => {
    const { first, second, later } = products;
    app = await suite.open(page, '/app/pricing', (a) => a.locator('.Polaris-IndexTable').first().waitFor({ timeout: LOAD_TIMEOUT_MS }), failures);
    await expect.poll(() => page.locator('#title').textContent(), { timeout: 30_000 }).toBe('Suggestions');
    await expect.poll(() => app.locator('tbody tr').allInnerTexts(), { timeout: 30_000 }).toEqual(expect.arrayContaining([expect.stringContaining(first.sku), expect.stringContaining(second.sku)]));
    expect(await app.locator('tbody tr').count()).toBe(2);
    await appFrame(page).evaluate(() => ((window as unknown as { calibrNoReload: boolean }).calibrNoReload = true));

    // The merchant checks the first suggestion; meanwhile a competitor undercuts a third product.
    await rowOf(app, first.sku).locator('input[type="checkbox"]').first().check({ force: true });
    await undercut(later);
    const monitored = await readJson<{ suggestions: { created: number } | null }>(await w.api('/api/pricing/monitor', { json: { asins: [later.asin] } }));
    expect(monitored.suggestions?.created).toBe(1);

    // It shows by itself: the row, and the tab's count.
    await expect.poll(() => app.locator('tbody tr').allInnerTexts(), { timeout: 30_000 }).toEqual(expect.arrayContaining([expect.stringContaining(later.sku)]));
    await expect.poll(() => app.getByRole('tab').allInnerTexts(), { timeout: 30_000 }).toEqual(expect.arrayContaining([expect.stringMatching(/Pending\s*3/)]));
    await shot(page, 'suggestion-arrived.png');
    // The checked row is still checked, the others not; and the page was never reloaded.
    expect(await rowOf(app, first.sku).locator('input[type="checkbox"]').first().isChecked()).toBe(true);
    expect(await rowOf(app, later.sku).locator('input[type="checkbox"]').first().isChecked()).toBe(false);
    expect(await rowOf(app, second.sku).locator('input[type="checkbox"]').first().isChecked()).toBe(false);
    expect(await appFrame(page).evaluate(() => (window as unknown as { calibrNoReload?: boolean }).calibrNoReload)).toBe(true);
    expect(failures).toEqual([]);
  }, 600_000);

  it('approves the checked one; the changes page settles by itself, names the approver, and follows a rollback made elsewhere', async () => {
    const { first } = products;
    await bulkAction(app, 'Approve');
    await expect.poll(() => toasts(page), { timeout: 60_000 }).toContain('1 price approved. Pushing it to every linked platform.');

    // To the changes page by the Admin's nav menu (App Bridge navigates the app in its document).
    await page.locator('#app-nav a', { hasText: 'Price changes' }).click();
    await expect.poll(() => page.locator('#title').textContent(), { timeout: 30_000 }).toBe('Price changes');
    const change = rowOf(app, first.sku);
    // Applied on both platforms as the push settles, with nothing pressed.
    for (const platform of ['shopify', 'amazon']) {
      await expect.poll(() => change.locator(`[data-platform="${platform}"]`).getAttribute('data-status').catch(() => null), { timeout: 120_000 }).toBe('applied');
    }
    await expect.poll(() => change.innerText(), { timeout: 30_000 }).toMatch(/Roll back/);
    // Approved by the staff member, by name (not `user:<id>@shop`).
    expect(await change.innerText()).toContain(staffName);
    expect(await change.innerText()).not.toMatch(/user:\d+@/);
    await shot(page, 'change-applied.png');

    // Rolled back from elsewhere: this page did nothing, and still shows it.
    const stored = await w.database.db.priceChange.findFirstOrThrow({ where: { project: { shopDomain: SHOP }, productLink: { sku: first.sku }, source: 'suggestion' } });
    expect((await w.api(`/api/pricing/changes/${stored.id}/rollback`, { json: {} })).status).toBe(201);
    const rows = app.locator('tbody tr').filter({ hasText: first.sku });
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    const rollback = rows.filter({ hasText: 'rollback' }).first();
    for (const platform of ['shopify', 'amazon']) {
      await expect.poll(() => rollback.locator(`[data-platform="${platform}"]`).getAttribute('data-status').catch(() => null), { timeout: 120_000 }).toBe('applied');
    }
    await expect.poll(() => rows.filter({ hasNotText: 'rollback' }).first().innerText(), { timeout: 60_000 }).toMatch(/Rolled back/);
    await expect.poll(() => rollback.innerText(), { timeout: 30_000 }).toMatch(/Applied/);
    // No "Pushing" left anywhere, and no progress banner.
    await expect.poll(() => app.locator('[data-section="push-progress"]').count(), { timeout: 30_000 }).toBe(0);
    await shot(page, 'rollback-settled.png');
    expect(await appFrame(page).evaluate(() => (window as unknown as { calibrNoReload?: boolean }).calibrNoReload)).toBe(true);
    expect(failures).toEqual([]);
  }, 600_000);

  it('holds a refresh while a price is being edited, then shows what arrived and keeps the edited price', async () => {
    const { second, later, duringEdit } = products;
    await page.locator('#app-nav a', { hasText: 'Suggestions' }).click();
    await expect.poll(() => page.locator('#title').textContent(), { timeout: 30_000 }).toBe('Suggestions');
    await expect.poll(() => app.locator('tbody tr').allInnerTexts(), { timeout: 30_000 }).toEqual(expect.arrayContaining([expect.stringContaining(second.sku), expect.stringContaining(later.sku)]));
    expect(await app.locator('tbody tr').count()).toBe(2);
    const suggested = (await w.database.db.priceSuggestion.findFirstOrThrow({ where: { productLink: { sku: second.sku }, status: 'pending' } })).suggestedAmount;
    const edited = usdMinus(suggested, 10n);
    const row = rowOf(app, second.sku);
    await row.getByRole('button', { name: /Edit the price/ }).click();
    const field = row.locator('[data-section="price-edit"] input');
    await field.fill(edited);

    // The merchant is still in the field when a competitor moves and the monitor stores a suggestion.
    await undercut(duringEdit);
    const monitored = await readJson<{ suggestions: { created: number } | null }>(await w.api('/api/pricing/monitor', { json: { asins: [duringEdit.asin] } }));
    expect(monitored.suggestions?.created).toBe(1);
    // From now on the fingerprint has moved: any reload of the list would be a reload under the open field.
    const reloads: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/pricing/suggestions') reloads.push(r.url());
    });
    // The page's next two looks see the new fingerprint (the second proves the first was acted on, or not).
    for (let look = 0; look < 2; look++) await page.waitForResponse((r) => new URL(r.url()).pathname === '/api/pricing/live', { timeout: 30_000 });
    expect(reloads).toEqual([]);
    expect(await app.locator('tbody tr').count()).toBe(2);
    expect(await field.inputValue()).toBe(edited);
    expect(await field.evaluate((el) => el === document.activeElement)).toBe(true);

    // Leaving the field lets the refresh through: the new suggestion shows, the edited price stays.
    await field.blur();
    await expect.poll(() => app.locator('tbody tr').allInnerTexts(), { timeout: 30_000 }).toEqual(expect.arrayContaining([expect.stringContaining(duringEdit.sku)]));
    expect(reloads.length).toBeGreaterThan(0);
    await expect.poll(() => rowOf(app, second.sku).innerText(), { timeout: 10_000 }).toMatch(new RegExp(`${edited.replace('.', '\\.')}[\\s\\S]*edited`));
    await shot(page, 'held-during-edit.png');
    expect(await appFrame(page).evaluate(() => (window as unknown as { calibrNoReload?: boolean }).calibrNoReload)).toBe(true);
    expect(failures).toEqual([]);
  }, 600_000);

  it('shows what changed between the page’s load and its first look, on the suggestions, changes and listings pages', async () => {
    const { second, later, duringEdit } = products;
    // Two products none of the tests above touched: one a competitor undercuts in the gap, one never read.
    const taken = Object.values(products).map((p) => p.sku);
    const fresh = await linkedProducts(w, { order: 'desc', exceptSkus: taken });
    const readings = await w.database.db.competitorPriceObservation.groupBy({ by: ['listingId'], where: { listingId: { in: fresh.map((p) => p.amazon.id) } } });
    const unread = fresh.filter((p) => !readings.some((r) => r.listingId === p.amazon.id));
    expect(unread.length).toBeGreaterThanOrEqual(2);
    const gap: Product = { sku: unread[0]!.link.sku, asin: unread[0]!.amazon.asin!, amazonPrice: unread[0]!.amazon.priceAmount };
    const neverRead = { sku: unread[1]!.link.sku, asin: unread[1]!.amazon.asin!, listingId: unread[1]!.amazon.id };
    // The gap product's market read once before the page opens (nobody undercuts it yet: no suggestion).
    await w.api('/api/pricing/monitor', { json: { asins: [gap.asin] } });

    /**
     * Open `path` in a fresh document with its first live look held: the loader has read the page's data
     * (and the version it read) by the time the look is asked; the test changes something, then lets it go.
     */
    const openHeld = async (appPath: string, ready: (a: FrameLocator) => Promise<unknown>) => {
      await page.goto('about:blank'); // the open page's own looks stop with its document
      let held!: (route: Route) => void;
      const look = new Promise<Route>((resolve) => (held = resolve));
      await page.route((url) => url.pathname === '/api/pricing/live', (route) => held(route), { times: 1 });
      app = await suite.open(page, appPath, ready, failures);
      const route = await look;
      await appFrame(page).evaluate(() => ((window as unknown as { calibrNoReload: boolean }).calibrNoReload = true));
      return route;
    };
    const noReload = async () => expect(await appFrame(page).evaluate(() => (window as unknown as { calibrNoReload?: boolean }).calibrNoReload)).toBe(true);

    // Suggestions: the list as loaded; the merchant checks a row; a competitor undercuts the gap product and
    // the monitor stores its suggestion before the first look.
    let look = await openHeld('/app/pricing', (a) => a.locator('.Polaris-IndexTable').first().waitFor({ timeout: LOAD_TIMEOUT_MS }));
    await expect.poll(() => app.locator('tbody tr').allInnerTexts(), { timeout: 30_000 }).toEqual(expect.arrayContaining([expect.stringContaining(second.sku), expect.stringContaining(later.sku), expect.stringContaining(duringEdit.sku)]));
    expect(await app.locator('tbody tr').count()).toBe(3);
    await rowOf(app, later.sku).locator('input[type="checkbox"]').first().check({ force: true });
    await undercut(gap);
    const monitored = await readJson<{ suggestions: { created: number } | null }>(await w.api('/api/pricing/monitor', { json: { asins: [gap.asin] } }));
    expect(monitored.suggestions?.created).toBe(1);
    await look.continue();
    await expect.poll(() => app.locator('tbody tr').allInnerTexts(), { timeout: 30_000 }).toEqual(expect.arrayContaining([expect.stringContaining(gap.sku)]));
    expect(await app.locator('tbody tr').count()).toBe(4);
    expect(await rowOf(app, later.sku).locator('input[type="checkbox"]').first().isChecked()).toBe(true);
    expect(await rowOf(app, gap.sku).locator('input[type="checkbox"]').first().isChecked()).toBe(false);
    await shot(page, 'gap-suggestions.png');
    await noReload();

    // Changes: the gap product's suggestion approved elsewhere (the API) and its push settled, all before the
    // first look (settled: nothing moves after the look, so only the version the loader read can show it).
    look = await openHeld('/app/pricing/changes', (a) => a.locator('.Polaris-IndexTable').first().waitFor({ timeout: LOAD_TIMEOUT_MS }));
    expect(await app.locator('tbody tr').filter({ hasText: gap.sku }).count()).toBe(0);
    const suggestion = await w.database.db.priceSuggestion.findFirstOrThrow({ where: { productLink: { sku: gap.sku }, status: 'pending' } });
    const approved = await w.api('/api/pricing/suggestions', { json: { action: 'approve', ids: [suggestion.id] } });
    expect(approved.status, await approved.clone().text()).toBe(200);
    await waitFor('the push settled', async () => (await readJson<{ pushing: number }>(await w.api('/api/pricing/live'))).pushing === 0, 120_000);
    await look.continue();
    const gapChange = rowOf(app, gap.sku);
    for (const platform of ['shopify', 'amazon']) {
      await expect.poll(() => gapChange.locator(`[data-platform="${platform}"]`).getAttribute('data-status').catch(() => null), { timeout: 30_000 }).toBe('applied');
    }
    await shot(page, 'gap-changes.png');
    await noReload();

    // Listings (the readings topic, followed while readings are in progress): a product never read is read
    // before the first look.
    look = await openHeld(`/app/listings?q=${encodeURIComponent(neverRead.sku)}`, (a) => a.locator(`[data-row="${neverRead.sku}"]`).first().waitFor({ timeout: LOAD_TIMEOUT_MS }));
    const listing = app.locator('tbody tr').filter({ has: app.locator(`[data-row="${neverRead.sku}"]`) }).first();
    expect(await app.locator('.Polaris-Banner', { hasText: 'Reading competitor prices' }).count()).toBe(1);
    expect(await listing.locator('[data-section="freshness"]').innerText()).toContain('Reading…');
    await w.api('/api/pricing/monitor', { json: { asins: [neverRead.asin] } });
    expect(await w.database.db.competitorPriceObservation.count({ where: { listingId: neverRead.listingId } })).toBeGreaterThan(0);
    await look.continue();
    await expect.poll(() => listing.locator('[data-section="freshness"]').innerText(), { timeout: 30_000 }).toMatch(/read just now/);
    await shot(page, 'gap-listings.png');
    await noReload();
    expect(failures).toEqual([]);
  }, 600_000);
});
