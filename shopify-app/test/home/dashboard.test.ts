// The home's facts on a real database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set): the checklist
// step by step as a shop gets set up, then every dashboard figure from rows written as the loop writes them
// (readings, flags, suggestions, changes and their attempts, costs and rules), with a second shop holding
// the same kinds of rows that never count; and the changes list's filters (status, day, failedOn) behind the
// home's links, bad values refused. The registry's facts (which platforms read competitors' prices, the
// connectors' authorizations) are given by the test: the browser suite reads them from the real ones.
import { createTestDatabase, testDatabaseProviders, type TestDatabase } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useAppDatabase, releaseAppDatabase } from '../support/app-database';
import type * as Dashboard from '../../app/home/dashboard.server';
import type * as Changes from '../../app/pricing/changes.server';
import { startOfShopDay } from '../../app/lib/shop-day';

const US = 'ATVPDKIKX0DER';
const NOW = new Date('2026-12-07T15:00:00.000Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const daysFromNow = (d: number) => new Date(NOW.getTime() + d * 86_400_000).toISOString();

describe('the shop’s day', () => {
  it('starts at midnight in the shop’s zone, across a change of the clocks, and in UTC without a known zone', () => {
    expect(startOfShopDay('America/New_York', new Date('2026-03-08T12:00:00Z')).toISOString()).toBe('2026-03-08T05:00:00.000Z'); // EST midnight, EDT by noon
    expect(startOfShopDay('America/New_York', new Date('2026-03-09T03:00:00Z')).toISOString()).toBe('2026-03-08T05:00:00.000Z'); // still the 8th there
    expect(startOfShopDay('Asia/Tokyo', new Date('2026-12-07T20:00:00Z')).toISOString()).toBe('2026-12-07T15:00:00.000Z');
    expect(startOfShopDay(null, NOW).toISOString()).toBe('2026-12-07T00:00:00.000Z');
    expect(startOfShopDay('Not/AZone', NOW).toISOString()).toBe('2026-12-07T00:00:00.000Z');
  });
});

describe.each(testDatabaseProviders())('the home’s facts on %s', (provider) => {
  let database: TestDatabase;
  let dashboard: typeof Dashboard;
  let changes: typeof Changes;
  let projectId: string;
  let otherId: string;
  let authorizations: Dashboard.AuthorizationFigure[] = [];
  const platforms: Dashboard.HomePlatforms = { competitive: async () => ['amazon'], authorizations: async () => authorizations };
  const facts = (id = projectId) => dashboard.homeFacts(id, { platforms, now: NOW });

  beforeAll(async () => {
    database = await createTestDatabase({ provider });
    await useAppDatabase(database);
    dashboard = await import('../../app/home/dashboard.server');
    changes = await import('../../app/pricing/changes.server');
    projectId = (await database.db.project.create({ data: { shopDomain: `home-${provider}.myshopify.com`, currency: 'USD' } })).id;
    otherId = (await database.db.project.create({ data: { shopDomain: `home-other-${provider}.myshopify.com`, currency: 'USD' } })).id;
  }, 120_000);

  afterAll(async () => {
    await releaseAppDatabase();
    await database?.cleanup();
  });

  /** A shop's catalog: two products on Shopify and Amazon, linked by SKU. */
  async function catalog(id: string, tag: string) {
    const db = database.db;
    const out: Array<{ linkId: string; shopifyId: string; amazonId: string }> = [];
    for (const [n, price] of [
      [1, '49.99'],
      [2, '80.00'],
    ] as const) {
      const sku = `HOME-${tag}-${n}`;
      const linkId = (await db.productLink.create({ data: { projectId: id, sku, title: `Product ${n}` } })).id;
      const shopifyId = (await db.listing.create({ data: { projectId: id, platform: 'shopify', externalId: `gid://shopify/ProductVariant/${tag}${n}`, sku, title: `Product ${n}`, currency: 'USD', priceAmount: price, productLinkId: linkId } })).id;
      const amazonId = (
        await db.listing.create({ data: { projectId: id, platform: 'amazon', marketplaceId: US, externalId: sku, asin: `B0HOME${tag}${n}`, sku, title: `Product ${n}`, currency: 'USD', priceAmount: price, productLinkId: linkId } })
      ).id;
      out.push({ linkId, shopifyId, amazonId });
    }
    return out;
  }

  let change = 0;
  async function priceChange(id: string, listingIds: { shopify: string; amazon: string }, status: string, completedAt: Date | null, attempts: { shopify: string; amazon: string }) {
    const row = await database.db.priceChange.create({ data: { projectId: id, idempotencyKey: `home-${provider}-${++change}`, currency: 'USD', fromAmount: '10.00', toAmount: '11.00', status, completedAt, approvedAt: minutesAgo(120) } });
    for (const platform of ['shopify', 'amazon'] as const) {
      await database.db.priceChangeAttempt.create({ data: { projectId: id, priceChangeId: row.id, listingId: listingIds[platform], platform, currency: 'USD', amount: '11.00', status: attempts[platform] } });
    }
    return row.id;
  }

  it('walks the checklist as the shop is set up: Shopify synced, Amazon connected, costs, a rule, a first approval', async () => {
    const db = database.db;
    let home = await facts();
    expect(home.checklist).toMatchObject({ done: 0, total: 5, complete: false });
    expect(home.checklist.steps.map((s) => [s.id, s.done, s.url])).toEqual([
      ['shopify_synced', false, '/app/integrations'],
      ['amazon_connected', false, '/app/integrations'],
      ['costs_entered', false, '/app/pricing/costs'],
      ['rule_created', false, '/app/pricing/rules'],
      ['first_approval', false, '/app/pricing?status=pending'],
    ]);
    expect(home.readings).toEqual({ read: 0, total: 0, inProgress: false, url: '/app/listings?view=unread' });
    expect(home.dashboard).toBeNull();

    const [first, second] = await catalog(projectId, 'A');
    // The other shop is set up completely: none of it may tick a step here.
    const [otherFirst] = await catalog(otherId, 'B');
    await db.platformIntegration.create({ data: { projectId: otherId, platform: 'amazon', platformName: 'Amazon', status: 'connected' } });
    await db.productCost.create({ data: { projectId: otherId, sku: 'HOME-B-1', currency: 'USD', costAmount: '70.00' } });
    await db.pricingRule.create({ data: { projectId: otherId, name: 'Other', scope: 'shop', kind: 'match_buy_box', params: {}, currency: 'USD', minMarginPercent: '10' } });
    await priceChange(otherId, { shopify: otherFirst!.shopifyId, amazon: otherFirst!.amazonId }, 'failed', minutesAgo(5), { shopify: 'failed', amazon: 'failed' });
    await db.priceSuggestion.create({ data: { projectId: otherId, productLinkId: otherFirst!.linkId, currency: 'USD', currentAmount: '49.99', suggestedAmount: '48.99', explanation: {} } });
    await db.pricingFlag.create({ data: { projectId: otherId, itemId: otherFirst!.linkId, kind: 'price_war', raisedAt: minutesAgo(30) } });
    await db.competitorPriceObservation.create({ data: { projectId: otherId, listingId: otherFirst!.amazonId, currency: 'USD', buyBoxIsOurs: true, observedAt: minutesAgo(1) } });
    await db.competitiveFreshness.create({ data: { projectId: otherId, listingId: otherFirst!.amazonId, readAt: minutesAgo(1), observedAt: minutesAgo(1), source: 'poll' } });

    home = await facts();
    expect(home.checklist.steps.map((s) => s.done)).toEqual([true, false, false, false, false]);
    expect(home.checklist.steps[0]!.detail).toBe('2 variants synced from Shopify');
    // Amazon's listings are there but Amazon is not connected: nothing is being read.
    expect(home.readings).toMatchObject({ read: 0, total: 0, inProgress: false });

    await db.platformIntegration.create({ data: { projectId, platform: 'amazon', platformName: 'Amazon', externalId: 'A2SELLER', status: 'connected' } });
    // Connected, none read yet: readings in progress.
    expect((await facts()).readings).toMatchObject({ read: 0, total: 2, inProgress: true });
    await db.productCost.create({ data: { projectId, sku: 'HOME-A-1', currency: 'USD', costAmount: '40.00' } });
    home = await facts();
    expect(home.checklist).toMatchObject({ done: 3, complete: false });
    expect(home.checklist.steps[1]!.detail).toBe('Connected as A2SELLER');

    await db.pricingRule.create({ data: { projectId, name: 'Margin 25 %', scope: 'shop', kind: 'match_buy_box', params: {}, currency: 'USD', minMarginPercent: '25' } });
    await db.priceSuggestion.createMany({
      data: [first!, second!].map((p) => ({ projectId, productLinkId: p.linkId, currency: 'USD', currentAmount: '49.99', suggestedAmount: '48.99', explanation: {} })),
    });
    home = await facts();
    expect(home.checklist).toMatchObject({ done: 4, complete: false });
    expect(home.checklist.steps[4]!.detail).toBe('2 suggestions waiting for you');

    const ids = { shopify: first!.shopifyId, amazon: first!.amazonId };
    await priceChange(projectId, ids, 'applied', minutesAgo(10), { shopify: 'applied', amazon: 'applied' });
    home = await facts();
    expect(home.checklist).toMatchObject({ done: 5, total: 5, complete: true });
    expect(home.dashboard).not.toBeNull();
  });

  it('counts the dashboard’s figures from this shop’s rows only, each with the link to its list', async () => {
    const db = database.db;
    const [first, second] = await db.productLink.findMany({ where: { projectId }, include: { listings: true }, orderBy: { sku: 'asc' } });
    const of = (link: typeof first) => ({ shopify: link!.listings.find((l) => l.platform === 'shopify')!.id, amazon: link!.listings.find((l) => l.platform === 'amazon')!.id });
    // Today (the shop has no zone: UTC): one applied (earlier test), one failed everywhere, one where Amazon's
    // feed refused it and Shopify applied it; yesterday: a failure that no longer counts.
    const failedId = await priceChange(projectId, of(first), 'failed', minutesAgo(30), { shopify: 'failed', amazon: 'failed' });
    const partialId = await priceChange(projectId, of(second), 'partially_applied', minutesAgo(20), { shopify: 'applied', amazon: 'failed' });
    const yesterdayId = await priceChange(projectId, of(second), 'failed', minutesAgo(16 * 60), { shopify: 'failed', amazon: 'failed' });
    await priceChange(projectId, of(second), 'pushing', null, { shopify: 'applied', amazon: 'pending' });
    // A price war still open, one cleared.
    await db.pricingFlag.create({ data: { projectId, itemId: first!.id, productLinkId: first!.id, kind: 'price_war', raisedAt: minutesAgo(40) } });
    await db.pricingFlag.create({ data: { projectId, itemId: second!.id, productLinkId: second!.id, kind: 'price_war', raisedAt: minutesAgo(90), clearedAt: minutesAgo(60) } });
    await db.pricingFlag.create({ data: { projectId, itemId: second!.id, productLinkId: second!.id, kind: 'fees_unavailable', raisedAt: minutesAgo(90) } });
    // Amazon said one offer lost Buy Box eligibility on price (open), another's was cleared since.
    await db.pricingFlag.create({ data: { projectId, itemId: `${first!.id}-amazon`, productLinkId: first!.id, kind: 'buy_box_ineligible', raisedAt: minutesAgo(20) } });
    await db.pricingFlag.create({ data: { projectId, itemId: `${second!.id}-amazon`, productLinkId: second!.id, kind: 'buy_box_ineligible', raisedAt: minutesAgo(50), clearedAt: minutesAgo(10) } });
    // Readings: the first product held the Buy Box, then lost it (latest: not ours); the second holds it.
    // As the monitor stores a reading: the observation, and the listing's freshness in the same go.
    const reading = async (listingId: string, ours: boolean, at: Date) => {
      await db.competitorPriceObservation.create({ data: { projectId, listingId, currency: 'USD', buyBoxIsOurs: ours, observedAt: at } });
      const fresh = { readAt: at, observedAt: at, source: 'poll' };
      await db.competitiveFreshness.upsert({ where: { listingId }, create: { projectId, listingId, ...fresh }, update: fresh });
    };
    await reading(of(first).amazon, true, minutesAgo(50));
    let home = await facts();
    expect(home.readings).toMatchObject({ read: 1, total: 2, inProgress: true });
    await reading(of(first).amazon, false, minutesAgo(5));
    await reading(of(second).amazon, false, minutesAgo(45));
    await reading(of(second).amazon, true, minutesAgo(3));
    // Authorizations: one ending within 30 days, one next year, one Amazon already refused.
    authorizations = [
      { platform: 'amazon', displayName: 'Amazon', expiresAt: daysFromNow(12), reconnectReason: null },
      { platform: 'reference', displayName: 'Reference', expiresAt: daysFromNow(300), reconnectReason: null },
      { platform: 'other', displayName: 'Other', expiresAt: null, reconnectReason: 'the seller revoked the app' },
    ];

    home = await facts();
    expect(home.readings).toMatchObject({ read: 2, total: 2, inProgress: false });
    const d = home.dashboard!;
    expect(d.suggestionsWaiting).toEqual({ count: 2, url: '/app/pricing?status=pending' });
    expect(d.appliedToday).toEqual({ count: 1, url: '/app/pricing/changes?status=applied&day=today' });
    expect(d.failedToday).toEqual({ count: 1, url: '/app/pricing/changes?status=failed&day=today' });
    expect(d.feedErrors).toEqual({ count: 2, url: '/app/pricing/changes?failedOn=amazon&day=today' });
    expect(d.buyBox).toEqual({ held: 1, read: 2, percent: 50, url: '/app/listings?view=no_buy_box' });
    expect(d.priceWars).toEqual({ count: 1, url: '/app/listings?view=price_war' });
    expect(d.buyBoxIneligible).toEqual({ count: 1, url: '/app/listings?view=buy_box_ineligible' });
    // Product 1: 49.99 under 40.00 × 1.25 = 50.00. Product 2 has no cost: not judged.
    expect(d.belowMargin).toEqual({ count: 1, url: '/app/listings?view=below_margin' });
    expect(d.authorizations.expiring.map((a) => a.platform)).toEqual(['amazon', 'other']);
    expect(d.authorizations.withinDays).toBe(30);

    // A price at the margin is not below it; the rule's margin gone, the target is the cost.
    await db.listing.updateMany({ where: { projectId, sku: 'HOME-A-1' }, data: { priceAmount: '50.00' } });
    expect((await facts()).dashboard!.belowMargin.count).toBe(0);
    await db.pricingRule.updateMany({ where: { projectId }, data: { minMarginPercent: null } });
    await db.listing.updateMany({ where: { projectId, sku: 'HOME-A-1' }, data: { priceAmount: '39.99' } });
    expect((await facts()).dashboard!.belowMargin.count).toBe(1);
    await db.listing.updateMany({ where: { projectId, sku: 'HOME-A-1' }, data: { priceAmount: '40.00' } });
    expect((await facts()).dashboard!.belowMargin.count).toBe(0);

    // The other shop sees its own: one failed change (also a feed error), one suggestion, one price war, all read and held.
    authorizations = [];
    const other = await facts(otherId);
    expect(other.checklist.complete).toBe(true);
    expect(other.dashboard).toMatchObject({
      suggestionsWaiting: { count: 1 },
      appliedToday: { count: 0 },
      failedToday: { count: 1 },
      feedErrors: { count: 1 },
      buyBox: { held: 1, read: 1, percent: 100 },
      priceWars: { count: 1 },
      buyBoxIneligible: { count: 0 },
      belowMargin: { count: 1 }, // 49.99 under 70.00 × 1.10
    });
    expect(other.readings).toMatchObject({ read: 1, total: 2, inProgress: true });

    // The lists behind the links show the same changes.
    const list = async (q: string) => (await changes.listChanges(projectId, { ...changes.changeFiltersFrom(new URLSearchParams(q)), now: NOW })).map((c) => c.id).sort();
    expect(await list('status=failed&day=today')).toEqual([failedId]);
    expect(await list('failedOn=amazon&day=today')).toEqual([failedId, partialId].sort());
    expect(await list('status=failed')).toEqual([failedId, yesterdayId].sort());
    expect(await list('status=applied&day=today')).toHaveLength(1);
    expect((await changes.listChanges(otherId, { status: 'failed', day: 'today', now: NOW })).map((c) => c.id)).not.toContain(failedId);
  });

  it('refuses bad filter values for the changes list, naming the parameter', () => {
    for (const [q, path] of [
      ['status=done', 'status'],
      ['day=yesterday', 'day'],
      ['failedOn=AMAZON%00', 'failedOn'],
    ] as const) {
      let error: unknown;
      try {
        changes.changeFiltersFrom(new URLSearchParams(q));
      } catch (e) {
        error = e;
      }
      // (This module graph was reset for the test database: its ValidationError is another class object.)
      expect(error).toMatchObject({ name: 'ValidationError', status: 400, errors: [{ path }] });
    }
    expect(changes.changeFiltersFrom(new URLSearchParams('status=&day='))).toEqual({});
    expect(changes.changeFiltersFrom(new URLSearchParams('status=all&day=today&failedOn=amazon'))).toEqual({ status: 'all', day: 'today', failedOn: 'amazon' });
  });
});
