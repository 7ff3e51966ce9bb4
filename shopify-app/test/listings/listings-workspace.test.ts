// The listings workspace's server side against a real database (SQLite, and PostgreSQL when
// TEST_DATABASE_URL is set): the list (search, sorts, pages, the views the home page links to), freshness
// and the readings' progress, inline edits of cost, floor, ceiling and MAP (merchant-readable refusals,
// nothing written; good values durable and audited), a listing's competitors as its rule sees them, and
// one shop never seeing or touching another's.
import { createTestDatabase, testDatabaseProviders, type TestDatabase } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Workspace from '../../app/listings/workspace.server';
import type * as CostEdit from '../../app/listings/cost-edit.server';
import type * as BelowMargin from '../../app/listings/below-margin.server';
import type * as ListingPage from '../../app/listings/listing-page.server';
import { useAppDatabase, releaseAppDatabase } from '../support/app-database';

const US = 'ATVPDKIKX0DER';

describe.each(testDatabaseProviders())('the listings workspace on %s', (provider) => {
  let database: TestDatabase;
  let workspace: typeof Workspace;
  let edit: typeof CostEdit;
  let below: typeof BelowMargin;
  let page: typeof ListingPage;
  let projectId: string;
  let otherProjectId: string;
  const links: Record<'alpha' | 'bravo' | 'charlie' | 'foreign', string> = { alpha: '', bravo: '', charlie: '', foreign: '' };
  const readAt = new Date(Date.UTC(2026, 11, 7, 9, 0, 0));

  beforeAll(async () => {
    database = await createTestDatabase({ provider });
    await useAppDatabase(database);
    workspace = await import('../../app/listings/workspace.server');
    edit = await import('../../app/listings/cost-edit.server');
    below = await import('../../app/listings/below-margin.server');
    page = await import('../../app/listings/listing-page.server');
    const db = database.db;
    projectId = (await db.project.create({ data: { shopDomain: `listings-${provider}.myshopify.com`, currency: 'USD' } })).id;
    otherProjectId = (await db.project.create({ data: { shopDomain: `listings-other-${provider}.myshopify.com`, currency: 'USD' } })).id;

    const product = async (project: string, sku: string, title: string, prices: { shopify?: string; amazon?: string }, asin?: string) => {
      const link = await db.productLink.create({ data: { projectId: project, sku, title } });
      const ids: Record<string, string> = {};
      if (prices.shopify) ids.shopify = (await db.listing.create({ data: { projectId: project, platform: 'shopify', externalId: `gid://shopify/ProductVariant/${sku}-${project}`, sku, title, currency: 'USD', priceAmount: prices.shopify, productLinkId: link.id } })).id;
      if (prices.amazon) ids.amazon = (await db.listing.create({ data: { projectId: project, platform: 'amazon', marketplaceId: US, externalId: sku, asin: asin ?? null, sku, title, currency: 'USD', priceAmount: prices.amazon, productLinkId: link.id } })).id;
      return { link: link.id, amazon: ids.amazon, shopify: ids.shopify };
    };
    // Alpha: read once; another seller (S1, FBA) holds the Buy Box; a used offer the rule's filters set aside.
    const alpha = await product(projectId, 'ALPHA-1', 'Alpha kettle', { shopify: '25.00', amazon: '24.00' }, 'B0ALPHA001');
    await db.competitorPriceObservation.create({
      data: {
        projectId, listingId: alpha.amazon!, platform: 'amazon', marketplaceId: US, asin: 'B0ALPHA001', sku: 'ALPHA-1', currency: 'USD',
        buyBoxAmount: '23.50', buyBoxSellerId: 'S1SELLER', buyBoxIsOurs: false, lowestOfferAmount: '22.00', offerCount: 3, observedAt: readAt,
        details: {
          offers: [
            { sellerId: 'A2US', isOurs: true, fulfillment: 'MFN', landed: '24.00', isBuyBoxWinner: false, condition: 'new' },
            { sellerId: 'S1SELLER', isOurs: false, fulfillment: 'AFN', landed: '23.50', isBuyBoxWinner: true, condition: 'new', feedback: { percentage: 97, count: 1200 } },
            { sellerId: 'S2USED', isOurs: false, fulfillment: 'MFN', landed: '22.00', isBuyBoxWinner: false, condition: 'used', feedback: { percentage: 88, count: 40 } },
          ],
        },
      },
    });
    // Amazon said Alpha's offer lost Buy Box eligibility on price (the flag is the Amazon listing's).
    await db.pricingFlag.create({ data: { projectId, itemId: alpha.amazon!, listingId: alpha.amazon!, productLinkId: alpha.link, kind: 'buy_box_ineligible', raisedAt: readAt } });
    // The monitor writes the listing's freshness with the reading (here: brought by Amazon's notification).
    await db.competitiveFreshness.create({ data: { projectId, listingId: alpha.amazon!, readAt, observedAt: readAt, source: 'notification' } });
    await db.priceChange.create({ data: { projectId, productLinkId: alpha.link, currency: 'USD', fromAmount: '25.00', toAmount: '24.00', status: 'applied', approvedBy: 'user:1', idempotencyKey: `alpha-${provider}` } });
    // Bravo: on Amazon, never read; held in a price war.
    const bravo = await product(projectId, 'BRAVO-2', 'bravo mug', { shopify: '12.00', amazon: '11.00' }, 'B0BRAVO002');
    await db.pricingFlag.create({ data: { projectId, itemId: bravo.link, productLinkId: bravo.link, kind: 'price_war', detail: { sellerId: 'S9', moves: 6, windowMinutes: 60 }, raisedAt: readAt } });
    // Charlie: Shopify only, sold under cost + the rule's 10 % margin (cost 20.00 → 22.00 at least).
    const charlie = await product(projectId, 'CHARLIE-3', 'Charlie pan', { shopify: '21.00' });
    await db.productCost.create({ data: { projectId, sku: 'charlie-3', currency: 'USD', costAmount: '20.00' } });
    await db.pricingRule.create({ data: { projectId, name: 'Match the Buy Box, 10 % margin', scope: 'shop', kind: 'match_buy_box', params: {}, currency: 'USD', minMarginPercent: '10' } });
    // Delta: on Amazon without an ASIN, and Echo: listed in CAD, a currency no rule prices: the monitor reads neither.
    await product(projectId, 'DELTA-4', 'Delta spoon', { amazon: '5.00' });
    const echo = await db.productLink.create({ data: { projectId, sku: 'ECHO-5', title: 'Echo bowl' } });
    await db.listing.create({ data: { projectId, platform: 'amazon', marketplaceId: 'A2EUQ1WTGCTBG2', externalId: 'ECHO-5', asin: 'B0ECHO0005', sku: 'ECHO-5', title: 'Echo bowl', currency: 'CAD', priceAmount: '9.00', productLinkId: echo.id } });
    // Another shop: the same SKU, its own cost.
    const foreign = await product(otherProjectId, 'ALPHA-1', 'Alpha kettle (other shop)', { shopify: '30.00' });
    await db.productCost.create({ data: { projectId: otherProjectId, sku: 'ALPHA-1', currency: 'USD', costAmount: '9.99' } });
    Object.assign(links, { alpha: alpha.link, bravo: bravo.link, charlie: charlie.link, foreign: foreign.link });
  }, 120_000);

  afterAll(async () => {
    await releaseAppDatabase();
    await database?.cleanup();
  });

  it('lists the shop’s linked products with prices, Buy Box, competitors, freshness and the last change', async () => {
    const list = await workspace.listListings(projectId);
    expect(list.total).toBe(5);
    // By title (the database's collation decides where "bravo mug" goes among capitals).
    expect([...list.rows.map((r) => r.sku)].sort()).toEqual(['ALPHA-1', 'BRAVO-2', 'CHARLIE-3', 'DELTA-4', 'ECHO-5']);
    expect(list.rows[0]!.sku).toBe('ALPHA-1');
    const bySku = new Map(list.rows.map((r) => [r.sku, r]));
    expect(bySku.get('ALPHA-1')).toMatchObject({
      title: 'Alpha kettle',
      cost: null,
      currency: 'USD',
      buyBox: { holder: 'other', sellerId: 'S1SELLER', price: { amount: '23.50', currency: 'USD' } },
      competitors: 2,
      reading: 'read',
      readAt: readAt.toISOString(),
      readSource: 'notification',
      lastChange: { from: '25.00', to: '24.00', status: 'applied' },
      priceWar: false,
    });
    expect(bySku.get('ALPHA-1')!.channels.map((c) => [c.platform, c.price?.amount])).toEqual([
      ['amazon', '24.00'],
      ['shopify', '25.00'],
    ]);
    expect(bySku.get('BRAVO-2')).toMatchObject({ reading: 'reading', readAt: null, buyBox: null, competitors: null, priceWar: true });
    // A cost stored under another spelling of the SKU is the product's.
    expect(bySku.get('CHARLIE-3')).toMatchObject({ reading: 'not_monitored', cost: '20.00' });
    // Listings the monitor doesn't read are not "Reading…", nor counted.
    expect(bySku.get('DELTA-4')).toMatchObject({ reading: 'not_monitored', readAt: null });
    expect(bySku.get('ECHO-5')).toMatchObject({ reading: 'not_monitored', readAt: null });
    // One of the two Amazon listings the monitor reads has been read.
    expect(list.progress).toEqual({ total: 2, read: 1 });
    expect(list.alertsDown).toEqual([]);
  });

  it('says when a platform’s live price alerts are down (the shop’s own channel only)', async () => {
    const db = database.db;
    await db.offerChangeCursor.create({ data: { projectId: otherProjectId, platform: 'amazon', state: 'down' } });
    expect((await workspace.listListings(projectId)).alertsDown).toEqual([]);
    const cursor = await db.offerChangeCursor.create({ data: { projectId, platform: 'amazon', state: 'live' } });
    expect((await workspace.listListings(projectId)).alertsDown).toEqual([]);
    await db.offerChangeCursor.update({ where: { id: cursor.id }, data: { state: 'down' } });
    expect((await workspace.listListings(projectId)).alertsDown).toEqual(['amazon']);
    await db.offerChangeCursor.update({ where: { id: cursor.id }, data: { state: 'live' } });
  });

  it('searches title and SKU without regard to case, sorts and pages on the server', async () => {
    expect((await workspace.listListings(projectId, { q: 'BRAVO' })).rows.map((r) => r.sku)).toEqual(['BRAVO-2']);
    expect((await workspace.listListings(projectId, { q: 'charlie-' })).rows.map((r) => r.sku)).toEqual(['CHARLIE-3']);
    expect((await workspace.listListings(projectId, { q: 'nothing like it' })).total).toBe(0);
    const pages = await Promise.all([1, 2, 3].map((p) => workspace.listListings(projectId, { sort: 'sku', direction: 'desc', pageSize: 2, page: p })));
    expect(pages.map((p) => p.rows.map((r) => r.sku))).toEqual([['ECHO-5', 'DELTA-4'], ['CHARLIE-3', 'BRAVO-2'], ['ALPHA-1']]);
    expect(pages[2]).toMatchObject({ total: 5, page: 3 });
  });

  it('opens the views the home page links to: price war, below target margin, Buy Box lost, not Buy Box eligible, not read yet', async () => {
    const skus = async (view: Workspace.ListingView) => (await workspace.listListings(projectId, { view })).rows.map((r) => r.sku);
    expect(await skus('price_war')).toEqual(['BRAVO-2']);
    expect(await skus('below_margin')).toEqual(['CHARLIE-3']);
    expect(await skus('no_buy_box')).toEqual(['ALPHA-1']);
    expect(await skus('buy_box_ineligible')).toEqual(['ALPHA-1']);
    expect(await skus('unread')).toEqual(['BRAVO-2']);
    const found = await below.belowTargetMargin(projectId);
    expect([...found.values()]).toEqual([{ itemId: links.charlie, productLinkId: links.charlie, currency: 'USD', price: '21.00', target: '22.00', basis: 'margin' }]);
  });

  it('reads the query string strictly: an unknown view or sort is a 400 naming it', () => {
    expect(() => workspace.listingOptionsFrom(new URLSearchParams('view=cheap'))).toThrow(/view must be one of all, price_war, below_margin, no_buy_box, buy_box_ineligible, unread/);
    expect(() => workspace.listingOptionsFrom(new URLSearchParams('pageSize=1000'))).toThrow(/pageSize must be a whole number from 1 to 100/);
    expect(workspace.listingOptionsFrom(new URLSearchParams('view=unread&sort=sku&direction=desc&q=%20mug%20'))).toEqual({ view: 'unread', sort: 'sku', direction: 'desc', q: 'mug' });
  });

  it('refuses bad values with a message under the field and writes nothing', async () => {
    const refused = async (changes: Record<string, unknown>) => {
      const error = await edit.editListingCosts(projectId, links.alpha, changes, 'user:7').then(
        () => null,
        (e: unknown) => e as { code: string; errors: Array<{ path: string; message: string }> },
      );
      expect(error?.code).toBe('validation');
      return error!.errors.map((e) => [e.path, e.message]);
    };
    expect(await refused({ cost: '12,50' })).toEqual([['cost', 'Cost must be a number, like 12.50']]);
    expect(await refused({ cost: 12.5 })).toEqual([['cost', 'Cost must be a number, like 12.50']]);
    expect(await refused({ cost: '12.505' })).toEqual([['cost', 'Cost can have at most 2 decimals in USD, like 12.50']]);
    expect(await refused({ cost: '-1' })).toEqual([['cost', 'Cost must be a number, like 12.50']]);
    expect(await refused({ floor: '10.00' })).toEqual([['cost', 'Enter the cost first: floor, ceiling and MAP are kept with the cost of ALPHA-1']]);
    expect(await refused({ cost: '10.00', floor: '30.00', ceiling: '20.00' })).toEqual([['floor', 'Floor must be below the ceiling (20.00)']]);
    expect(await refused({ cost: '10.00', map: '25.00', ceiling: '20.00' })).toEqual([['map', 'MAP must be below the ceiling (20.00)']]);
    expect(await refused({ cost: '10.00', ceiling: '0' })).toEqual([['ceiling', 'Ceiling must be above zero: a ceiling of 0 allows no price']]);
    expect(await refused({ cost: 'abc', floor: 'x' })).toEqual([
      ['cost', 'Cost must be a number, like 12.50'],
      ['floor', 'Floor must be a number, like 12.50'],
    ]);
    expect(await refused({ price: '10.00' })).toEqual([['price', 'price is not something to edit here (cost, floor, ceiling, map)']]);
    expect(await database.db.productCost.count({ where: { projectId, sku: 'ALPHA-1' } })).toBe(0);
    expect(await database.db.auditLog.count({ where: { projectId, action: 'product_cost.edited' } })).toBe(0);
  });

  it('saves good values durably, in the shop’s currency, audited like an import; clears a floor', async () => {
    const saved = await edit.editListingCosts(projectId, links.alpha, { cost: '12.5', floor: '15.00', ceiling: '30', map: '' }, 'user:7');
    expect(saved).toEqual({ sku: 'ALPHA-1', currency: 'USD', cost: '12.50', floor: '15.00', ceiling: '30.00', map: null });
    const [row] = await workspace.listingRows(projectId, [links.alpha]);
    expect(row).toMatchObject({ cost: '12.50', floor: '15.00', ceiling: '30.00', map: null });
    // A later edit names only what changes; the rest is kept. The ceiling must stay above the floor.
    await expect(edit.editListingCosts(projectId, links.alpha, { ceiling: '14.00' }, 'user:7')).rejects.toMatchObject({ errors: [{ path: 'ceiling', message: 'Ceiling must be above the floor (15.00)' }] });
    await edit.editListingCosts(projectId, links.alpha, { floor: null }, 'user:8');
    const stored = await database.db.productCost.findUniqueOrThrow({ where: { projectId_sku: { projectId, sku: 'ALPHA-1' } } });
    expect(stored).toMatchObject({ costAmount: '12.50', floorAmount: null, ceilingAmount: '30.00', mapAmount: null, currency: 'USD', source: 'manual' });
    const entries = await database.db.auditLog.findMany({ where: { projectId, action: 'product_cost.edited' }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    expect(entries.map((e) => e.actor)).toEqual(['user:7', 'user:8']);
    expect(entries[0]!.data).toMatchObject({ sku: 'ALPHA-1', before: null, after: { cost: '12.50', floor: '15.00', ceiling: '30.00', map: null } });
    expect(entries[1]!.data).toMatchObject({ before: { floor: '15.00' }, after: { floor: null } });
    // A cost can't be removed.
    await expect(edit.editListingCosts(projectId, links.alpha, { cost: '' }, 'user:7')).rejects.toMatchObject({ errors: [{ path: 'cost' }] });
  });

  it('keeps shops apart: another shop’s product is not found, and its costs are its own', async () => {
    await expect(edit.editListingCosts(projectId, links.foreign, { cost: '1.00' }, 'user:7')).rejects.toMatchObject({ code: 'not_found' });
    await expect(edit.editListingCosts(otherProjectId, links.alpha, { cost: '1.00' }, 'user:9')).rejects.toMatchObject({ code: 'not_found' });
    await expect(page.listingPage(projectId, links.foreign)).rejects.toMatchObject({ code: 'not_found' });
    const other = await workspace.listListings(otherProjectId);
    expect(other.rows.map((r) => [r.sku, r.cost, r.title])).toEqual([['ALPHA-1', '9.99', 'Alpha kettle (other shop)']]);
    expect(other.progress).toEqual({ total: 0, read: 0 });
    expect((await workspace.listListings(projectId, { q: 'other shop' })).total).toBe(0);
    expect((await database.db.productCost.findUniqueOrThrow({ where: { projectId_sku: { projectId: otherProjectId, sku: 'ALPHA-1' } } })).costAmount).toBe('9.99');
  });

  it('shows a listing’s competitors as its rule sees them, its fees or why there are none, and its history', async () => {
    const listing = await page.listingPage(projectId, links.alpha, {
      connectorFor: () => Promise.reject(new Error('the Amazon service is not reachable')),
    });
    expect(listing.row.sku).toBe('ALPHA-1');
    expect(listing.markets).toHaveLength(1);
    const [market] = listing.markets;
    expect(market).toMatchObject({ marketplaceId: US, currency: 'USD', ruleName: 'Match the Buy Box, 10 % margin', readAt: readAt.toISOString(), lowestEligible: '23.50', fees: null });
    expect(market!.feesNote).toMatch(/fees unavailable: the Amazon service is not reachable/);
    expect(market!.competitors.map((c) => [c.sellerId, c.fulfillment, c.landed, c.followed, c.reason])).toEqual([
      ['A2US', 'MFN', '24.00', false, 'our own offer'],
      ['S1SELLER', 'AFN', '23.50', true, null],
      ['S2USED', 'MFN', '22.00', false, expect.stringMatching(/used/)],
    ]);
    expect(market!.competitors[1]!.feedback).toEqual({ percentage: 97, count: 1200 });
    expect(listing.history.series.map((s) => s.key)).toEqual(expect.arrayContaining(['our_amazon', 'our_shopify', 'buy_box', 'lowest_offer']));
    // From the latest reading on, the chart's lowest offer is the lowest the rule follows (23.50), not the used 22.00.
    const lowest = listing.history.series.find((s) => s.key === 'lowest_offer')!;
    expect(lowest.name).toBe('Lowest eligible offer');
    expect(lowest.points.at(-1)?.value).toBe('23.50');
    expect(listing.history.changes.map((c) => [c.from, c.to])).toEqual([['25.00', '24.00']]);
    // A Shopify-only product: no platform fees, nothing read.
    const charlie = await page.listingPage(projectId, links.charlie);
    expect(charlie.markets[0]).toMatchObject({ fees: null, readAt: null, competitors: [] });
    expect(charlie.markets[0]!.feesNote).toMatch(/Shopify/);
  });

  it('says what the rule decides and why: waiting for the first reading, not "nobody competes"; once read, with when', async () => {
    // Bravo is on Amazon with an ASIN and never read: the monitor is reading it now.
    const bravo = await page.listingPage(projectId, links.bravo, { connectorFor: () => Promise.reject(new Error('offline')) });
    expect(bravo.markets[0]!.pricing).toMatchObject({ status: 'skipped', reason: 'not_read_yet', readAt: null });
    expect(bravo.markets[0]!.pricing.summary).toContain('Competitor prices have not been read yet: reading them now.');
    // Alpha was read: the decision follows the Buy Box holder it read, and says when it was read.
    const alpha = await page.listingPage(projectId, links.alpha, { connectorFor: () => Promise.reject(new Error('offline')) });
    expect(alpha.markets[0]!.pricing).toMatchObject({ readAt: readAt.toISOString() });
    expect(alpha.markets[0]!.pricing.reason).not.toBe('not_read_yet');
    expect(alpha.markets[0]!.pricing.summary).toContain('match the Buy Box at $23.50');
  });

  it('serves a listing no link holds on its own page, sends a linked listing’s id to its product’s page, and keeps shops apart', async () => {
    const db = database.db;
    // Last in this file: one more Amazon listing the monitor reads would change the counts above.
    const lone = await db.listing.create({ data: { projectId, platform: 'amazon', marketplaceId: US, externalId: 'FOXTROT-6', asin: 'B0FOXTROT6', sku: 'FOXTROT-6', title: 'Foxtrot lid', currency: 'USD', priceAmount: '8.00' } });
    await db.competitorPriceObservation.create({
      data: {
        projectId, listingId: lone.id, platform: 'amazon', marketplaceId: US, asin: 'B0FOXTROT6', sku: 'FOXTROT-6', currency: 'USD', buyBoxAmount: '7.50', buyBoxSellerId: 'S1SELLER', buyBoxIsOurs: false, lowestOfferAmount: '7.50', offerCount: 2, observedAt: readAt,
        details: { offers: [{ sellerId: 'A2US', isOurs: true, fulfillment: 'MFN', landed: '8.00', isBuyBoxWinner: false, condition: 'new' }, { sellerId: 'S1SELLER', isOurs: false, fulfillment: 'AFN', landed: '7.50', isBuyBoxWinner: true, condition: 'new' }] },
      },
    });
    await db.competitiveFreshness.create({ data: { projectId, listingId: lone.id, readAt, observedAt: readAt, source: 'poll' } });
    // The loop's records of a lone listing carry the listing's id (no link).
    await db.priceChange.create({ data: { projectId, listingId: lone.id, currency: 'USD', fromAmount: '9.00', toAmount: '8.00', status: 'applied', idempotencyKey: `foxtrot-${provider}` } });
    await db.pricingFlag.create({ data: { projectId, itemId: lone.id, listingId: lone.id, kind: 'price_war', detail: { sellerId: 'S1SELLER', moves: 6, windowMinutes: 60 }, raisedAt: readAt } });

    expect(await page.productPageOf(projectId, lone.id)).toEqual({ id: lone.id, kind: 'listing' });
    const alone = await page.listingPage(projectId, lone.id, { connectorFor: () => Promise.reject(new Error('offline')) });
    expect(alone.row).toMatchObject({
      id: lone.id,
      title: 'Foxtrot lid',
      sku: 'FOXTROT-6',
      buyBox: { holder: 'other', sellerId: 'S1SELLER', price: { amount: '7.50', currency: 'USD' } },
      competitors: 1,
      reading: 'read',
      readSource: 'poll',
      lastChange: { from: '9.00', to: '8.00', status: 'applied' },
      priceWar: true,
    });
    expect(alone.row.channels.map((c) => [c.listingId, c.platform, c.price?.amount])).toEqual([[lone.id, 'amazon', '8.00']]);
    expect(alone.markets).toHaveLength(1);
    expect(alone.markets[0]!.competitors.map((c) => [c.sellerId, c.followed])).toEqual([
      ['A2US', false],
      ['S1SELLER', true],
    ]);
    expect(alone.history.changes.map((c) => [c.from, c.to])).toEqual([['9.00', '8.00']]);
    expect(alone.history.series.map((s) => s.key)).toEqual(expect.arrayContaining(['our_amazon', 'buy_box', 'lowest_offer']));

    // A linked listing's id names its product: the link's page, not a second page for one product.
    const alphaAmazon = await db.listing.findFirstOrThrow({ where: { productLinkId: links.alpha, platform: 'amazon' } });
    expect(await page.productPageOf(projectId, alphaAmazon.id)).toEqual({ id: links.alpha, kind: 'link' });
    expect((await page.listingPage(projectId, alphaAmazon.id, { connectorFor: () => Promise.reject(new Error('offline')) })).row.id).toBe(links.alpha);

    // Another shop's listing, or an id naming nothing, is not found.
    const foreignListing = await db.listing.findFirstOrThrow({ where: { projectId: otherProjectId } });
    for (const id of [foreignListing.id, 'cm0nothing00000000000000']) {
      await expect(page.productPageOf(projectId, id)).rejects.toMatchObject({ code: 'not_found' });
      await expect(page.listingPage(projectId, id)).rejects.toMatchObject({ code: 'not_found' });
    }
    await expect(page.listingPage(otherProjectId, lone.id)).rejects.toMatchObject({ code: 'not_found' });
    // The workspace lists linked products: the lone listing has its page, not a row there.
    expect((await workspace.listListings(projectId, { q: 'FOXTROT' })).total).toBe(0);
  });
});
