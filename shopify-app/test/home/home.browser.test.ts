// The home in a real browser (Debian's Chromium driven by Playwright) inside the sandbox's Shopify Admin
// shell. A new shop sees the onboarding checklist, nothing done but what the install did. The merchant then
// does each step as they would: Amazon connected and both catalogs synced (the connect form's request),
// costs imported (the CSV import's request), the first rule made on the rules page (reached from the
// checklist's link), competitors' prices read (the home counts the listings read while readings are in
// progress) and the first suggestion approved on the suggestions page (reached from the checklist). The home
// then shows the dashboard with "Setup complete", its figures as the database and the APIs have them (Amazon's
// authorization, on a 20-times clock, ending within the 30-day warning), and links to the filtered lists
// (followed to the changes page). Once every listing is read, the readings
// banner goes by itself. Bad filter values behind the links are refused. At 390 px wide nothing overflows. Screenshots: shopify-app/artifacts/home/ (gitignored).
import type { FrameLocator, Page } from '@playwright/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_UA, SHOP, US, connectAndSync, readJson, sandboxControl, startPlatformsWorld, waitFor, type PlatformsWorld } from '../platforms/support/harness';
import { LOAD_TIMEOUT_MS, toasts } from '../support/admin-shell';
import { browserSuite } from '../support/browser-suite';
import { hasChromium, newMerchantPage } from '../support/chromium';
import { usdMinus } from '../support/money';
import { bulkAction } from '../pricing/support/console-page';

let w: PlatformsWorld;
const suite = browserSuite({
  viteCache: 'home',
  artifacts: 'home',
  shop: SHOP,
  // The test reads competitors' prices when it wants to (POST /api/pricing/monitor), not on a timer.
  env: { PRICING_MONITOR: 'off', PRICING_PUSH_POLL_MS: '200', PRICING_PENDING_POLL_MS: '300' },
  // Amazon's clocks run 20 times faster (as in a time-scaled demo): the seller's 365-day authorization ends
  // about 18 real days after connecting, inside the home's 30-day warning.
  start: async () => (w = await startPlatformsWorld({ timeScale: 20 })),
});


/** The shop's Amazon listings competitors' prices are read for (priced, with an ASIN). */
async function readableListings() {
  return w.database.db.listing.findMany({
    where: { project: { shopDomain: SHOP }, platform: 'amazon', status: { notIn: ['deleted', 'retired'] }, asin: { not: null } },
    include: { competitorPriceObservations: { orderBy: { observedAt: 'desc' }, take: 1 } },
    orderBy: { sku: 'asc' },
  });
}

const stepsDone = (app: FrameLocator) => app.locator('[data-step]').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-step'), e.getAttribute('data-done') === 'true'])));
const figure = (app: FrameLocator, id: string) => app.locator(`[data-figure="${id}"]`);

describe.skipIf(!hasChromium)('the home in the Admin shell', () => {
  let page: Page;
  const failures: string[] = [];
  const openHome = () => suite.open(page, '/app', (a) => a.locator('[data-section="checklist"], [data-section="dashboard"]').first().waitFor({ timeout: LOAD_TIMEOUT_MS }), failures);

  beforeAll(async () => {
    page = await newMerchantPage(suite.browser, failures, { viewport: { width: 1440, height: 1100 } });
  });

  it('shows a new shop the onboarding checklist, titled Home in the Admin', async () => {
    const app = await openHome();
    await expect.poll(() => page.locator('#title').innerText(), { timeout: 30_000 }).toBe('Home');
    expect(await app.locator('[data-section="dashboard"]').count()).toBe(0);
    const done = await stepsDone(app);
    expect(Object.keys(done)).toEqual(['shopify_synced', 'amazon_connected', 'costs_entered', 'rule_created', 'first_approval']);
    // Installing may have started the Shopify sync by itself; nothing else can be done yet.
    expect(done).toMatchObject({ amazon_connected: false, costs_entered: false, rule_created: false, first_approval: false });
    const count = Object.values(done).filter(Boolean).length;
    expect(await app.locator('[data-progress]').innerText()).toBe(`${count} of 5 done`);
    expect(await app.locator('[data-step="amazon_connected"]').innerText()).toMatch(/Connect Amazon[\s\S]*Not connected/);
    expect(await app.locator('[data-step="rule_created"] a').getAttribute('href')).toBe('/app/pricing/rules');
    expect(await app.locator('[data-section="readings"]').count()).toBe(0);
    await suite.shot(page, 'checklist-new-shop.png');
    expect(failures).toEqual([]);
  }, 300_000);

  let products: Array<{ sku: string; asin: string; price: string }>;

  it('turns into the dashboard as the merchant does each step, the readings counted on the way', async () => {
    // Amazon connected and both catalogs synced, as the connect form and "Sync now" do.
    await connectAndSync(w);
    const listings = await readableListings();
    expect(listings.length).toBeGreaterThan(5);
    let app = await openHome();
    await expect.poll(() => stepsDone(app), { timeout: 30_000 }).toMatchObject({ shopify_synced: true, amazon_connected: true, costs_entered: false });
    expect(await app.locator('[data-progress]').innerText()).toBe('2 of 5 done');
    // Nothing read yet: the home says so, with the count.
    await expect.poll(() => app.locator('[data-section="readings"]').innerText(), { timeout: 30_000 }).toContain(`Reading competitor prices: 0 of ${listings.length} listings read`);

    // Costs for three products a competitor is about to undercut (low), and one priced under its cost (below the margin to come).
    const [a, b, c, below] = listings.filter((l) => l.marketplaceId === US).slice(0, 4);
    products = [a!, b!, c!].map((l) => ({ sku: l.sku!, asin: l.asin!, price: l.priceAmount }));
    const csv = `sku,currency,cost\n${products.map((p) => `${p.sku},USD,1.00`).join('\n')}\n${below!.sku},USD,${below!.priceAmount}\n`;
    const imported = await w.api('/api/pricing/costs/import', { json: { csv, apply: true } });
    expect(imported.status, await imported.clone().text()).toBe(200);

    // The first rule, on the rules page the checklist links to.
    await app.locator('[data-step="rule_created"] a').click();
    await app.getByLabel('Name').waitFor({ timeout: LOAD_TIMEOUT_MS });
    await app.getByLabel('Name').fill('Match the Buy Box, 10 % over cost');
    await app.getByLabel('Does').selectOption('match_buy_box');
    await app.getByLabel('Min margin over cost %').fill('10');
    await app.getByLabel('Max step %').fill('50');
    // The form saves through the Admin's save bar (App Bridge's SaveBar), its outcome an Admin toast.
    await expect.poll(() => page.locator('#save-bar').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.locator('#save-bar-save').click();
    await expect.poll(() => toasts(page), { timeout: 30_000 }).toContain('Rule “Match the Buy Box, 10 % over cost” created');
    await expect.poll(() => w.database.db.pricingRule.count(), { timeout: 30_000 }).toBe(1);

    // Their prices read a first time, then a competitor undercuts the three and wins their Buy Box: the
    // monitor notices and suggests.
    expect((await w.api('/api/pricing/monitor', { json: { asins: products.map((p) => p.asin) } })).status).toBe(200);
    for (const p of products) {
      await sandboxControl(w.sandbox, 'amazon/competitors', { asin: p.asin, marketplaceId: US, sellerId: 'A1UNDERCUTTER', sellerName: 'Undercutter', price: usdMinus(p.price, 300n), feedbackPercent: 99, fulfillment: 'AFN' });
      await sandboxControl(w.sandbox, 'amazon/buybox', { asin: p.asin, marketplaceId: US, winner: 'A1UNDERCUTTER' });
    }
    const monitored = await readJson<{ suggestions: { created: number } | null }>(await w.api('/api/pricing/monitor', { json: { asins: products.map((p) => p.asin) } }));
    expect(monitored.suggestions?.created).toBe(3);
    const read = (await readableListings()).filter((l) => l.competitorPriceObservations.length > 0).length;
    expect(read).toBeGreaterThanOrEqual(3);

    app = await openHome();
    await expect.poll(() => app.locator('[data-progress]').innerText(), { timeout: 30_000 }).toBe('4 of 5 done');
    expect(await app.locator('[data-section="readings"]').innerText()).toContain(`Reading competitor prices: ${read} of ${listings.length} listings read`);
    expect(await app.locator('[data-step="first_approval"]').innerText()).toContain('3 suggestions waiting for you');
    await suite.shot(page, 'checklist-four-done.png');

    // The first approval, on the suggestions page the checklist links to.
    await app.locator('[data-step="first_approval"] a').click();
    const row = app.locator('tbody tr').filter({ hasText: products[0]!.sku }).first();
    await row.waitFor({ timeout: LOAD_TIMEOUT_MS });
    await row.locator('input[type="checkbox"]').first().check({ force: true });
    await bulkAction(app, 'Approve');
    await expect.poll(() => toasts(page), { timeout: 60_000 }).toContain('1 price approved. Pushing it to every linked platform.');
    // Pushed to both platforms.
    await waitFor('the approved change applied', async () => (await w.database.db.priceChange.findFirst({ where: { status: 'applied' } })) ?? false, 120_000);

    // The home: the dashboard, no checklist.
    app = await openHome();
    const dashboard = app.locator('[data-section="dashboard"]');
    await dashboard.waitFor({ timeout: 30_000 });
    expect(await app.locator('[data-section="checklist"]').count()).toBe(0);
    expect(await dashboard.innerText()).toContain('Setup complete');

    // Each figure as the APIs and the database have it.
    const pending = await readJson<{ total: number }>(await w.api('/api/pricing/suggestions?status=pending'));
    const applied = await readJson<{ changes: unknown[] }>(await w.api('/api/pricing/changes?status=applied&day=today'));
    const failed = await readJson<{ changes: unknown[] }>(await w.api('/api/pricing/changes?status=failed&day=today'));
    const feed = await readJson<{ changes: unknown[] }>(await w.api('/api/pricing/changes?failedOn=amazon&day=today'));
    const wars = await readJson<{ flags: unknown[] }>(await w.api('/api/pricing/flags?kind=price_war'));
    const ineligible = await readJson<{ flags: unknown[] }>(await w.api('/api/pricing/flags?kind=buy_box_ineligible'));
    expect(pending.total).toBe(2);
    expect(applied.changes).toHaveLength(1);
    const value = (id: string) => figure(app, id).getAttribute('data-value');
    expect(await value('suggestions')).toBe(String(pending.total));
    expect(await value('applied-today')).toBe('1');
    expect(await value('failed-today')).toBe(String(failed.changes.length));
    expect(await value('feed-errors')).toBe(String(feed.changes.length));
    expect(await value('price-war')).toBe(String(wars.flags.length));
    expect(await value('buy-box-ineligible')).toBe(String(ineligible.flags.length));
    // The product priced at its cost is under cost + 10 %; the three undercut ones cost 1.00.
    expect(await value('below-margin')).toBe('1');
    // The Buy Box: of the listings read, those whose latest reading says it is ours.
    const latest = (await readableListings()).flatMap((l) => l.competitorPriceObservations);
    const held = latest.filter((o) => o.buyBoxIsOurs === true).length;
    expect(await value('buy-box')).toBe(`${Math.round((held * 100) / latest.length)} %`);
    expect(await figure(app, 'buy-box').innerText()).toContain(`${held} of ${latest.length} listings read hold the Buy Box`);
    // Amazon's authorization, as its connector reports it: ending in about 18 days (365 at 20 times speed).
    expect(await value('authorizations')).toBe('1');
    const ends = /Amazon[^:]*: ends (\d{4}-\d{2}-\d{2})/.exec(await figure(app, 'authorizations').innerText())?.[1];
    expect(ends).toBeDefined();
    const days = (Date.parse(ends!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(16);
    expect(days).toBeLessThan(19);
    // Each figure links to its filtered list.
    const hrefs = Object.fromEntries(
      await Promise.all(['suggestions', 'applied-today', 'failed-today', 'buy-box', 'price-war', 'buy-box-ineligible', 'below-margin', 'authorizations', 'feed-errors'].map(async (id) => [id, await figure(app, id).locator('a').getAttribute('href')] as const)),
    );
    expect(hrefs).toEqual({
      suggestions: '/app/pricing?status=pending',
      'applied-today': '/app/pricing/changes?status=applied&day=today',
      'failed-today': '/app/pricing/changes?status=failed&day=today',
      'buy-box': '/app/listings?view=no_buy_box',
      'price-war': '/app/listings?view=price_war',
      'buy-box-ineligible': '/app/listings?view=buy_box_ineligible',
      'below-margin': '/app/listings?view=below_margin',
      authorizations: '/app/integrations',
      'feed-errors': '/app/pricing/changes?failedOn=amazon&day=today',
    });
    // Readings are still in progress: the banner stays above the dashboard.
    expect(await app.locator('[data-section="readings"]').innerText()).toContain(`of ${listings.length} listings read`);
    await suite.shot(page, 'dashboard.png');

    // Followed: the changes applied today, and only them.
    await figure(app, 'applied-today').locator('a').click();
    const changeRows = app.locator('tbody tr');
    await expect.poll(() => changeRows.allInnerTexts(), { timeout: 60_000 }).toEqual([expect.stringContaining(products[0]!.sku)]);
    expect(await app.getByText('Settled today').count()).toBe(1);
    await suite.shot(page, 'changes-applied-today.png');
    expect(failures).toEqual([]);
  }, 600_000);

  it('drops the readings banner by itself once every listing is read', async () => {
    const app = await openHome();
    await app.locator('[data-section="readings"]').waitFor({ timeout: 30_000 });
    const unread = (await readableListings()).filter((l) => l.competitorPriceObservations.length === 0).map((l) => l.asin!);
    expect(unread.length).toBeGreaterThan(0);
    for (let i = 0; i < unread.length; i += 20) {
      const res = await w.api('/api/pricing/monitor', { json: { asins: unread.slice(i, i + 20) } });
      expect(res.status).toBe(200);
    }
    const left = (await readableListings()).filter((l) => l.competitorPriceObservations.length === 0);
    expect(left.map((l) => l.sku)).toEqual([]);
    // The home follows the readings while they are in progress: no reload.
    await expect.poll(() => app.locator('[data-section="readings"]').count(), { timeout: 30_000 }).toBe(0);
    expect(await app.locator('[data-section="dashboard"]').count()).toBe(1);
    expect(failures).toEqual([]);
  }, 300_000);

  it('refuses bad filters behind the links: the changes page with a 400 page, its API with a problem naming the parameter', async () => {
    const token = await w.sessionToken(SHOP);
    const host = Buffer.from(`admin.shopify.com/store/${SHOP.replace('.myshopify.com', '')}`).toString('base64url');
    const page = (query: string) => fetch(`${w.app.url}/app/pricing/changes?embedded=1&shop=${SHOP}&host=${host}&id_token=${token}&${query}`, { headers: { 'user-agent': BROWSER_UA }, redirect: 'manual' });
    expect((await page('status=failed&day=today')).status).toBe(200);
    expect((await page('failedOn=amazon&day=today')).status).toBe(200);
    for (const query of ['day=yesterday', 'status=done', 'failedOn=Amazon%20US']) expect((await page(query)).status, query).toBe(400);
    for (const [query, name] of [
      ['day=yesterday', 'day'],
      ['status=done', 'status'],
      ['failedOn=Amazon%20US', 'failedOn'],
    ] as const) {
      const res = await w.api(`/api/pricing/changes?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await readJson<{ errors: Array<{ path: string }> }>(res)).toMatchObject({ errors: [{ path: name }] });
    }
  }, 60_000);

  it('fits a 390 px wide screen', async () => {
    const errors: string[] = [];
    const phone = await newMerchantPage(suite.browser, errors, { viewport: { width: 390, height: 844 } });
    try {
      const app = await suite.open(phone, '/app', (a) => a.locator('[data-section="dashboard"]').waitFor({ timeout: LOAD_TIMEOUT_MS }), errors);
      const overflow = await app.locator('body').evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await suite.shot(phone, 'dashboard-390.png');
      expect(errors).toEqual([]);
    } finally {
      await phone.context().close();
    }
  }, 300_000);
});
