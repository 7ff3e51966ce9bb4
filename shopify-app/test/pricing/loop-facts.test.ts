// The loop's facts and per-channel prices against a real database (SQLite, and PostgreSQL when
// TEST_DATABASE_URL is set): competitors' moves recorded when a reading is stored and read back for the
// guard; our own recent changes; the offers' filter facts (feedback, eligibility, Prime, condition) kept;
// fees asked in the connector's batches, an estimate's error or a failed call held with the reason,
// Shopify with no fees; a rule pricing Amazon with Shopify +5 % stores each channel's price, its approval
// makes one attempt per channel with its own amount (an edited amount recomputes the offset), a `keep`
// rule leaves Shopify without an attempt and a Shopify-only rule leaves Amazon; flags raised, kept,
// cleared and listed per shop. The connector here is a contract-shaped double for the two calls the loop
// makes (the sandbox-backed ones are exercised by the loop tests).
import { createTestDatabase, testDatabaseProviders, type TestDatabase } from '@calibr/db';
import type { CompetitiveListing, FeeEstimatesRequest, PlatformConnector } from '@calibr/shared-contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Changes from '../../app/pricing/changes.server';
import type * as Fees from '../../app/pricing/item-fees.server';
import type * as Items from '../../app/pricing/items.server';
import type * as LoopFacts from '../../app/pricing/loop-facts.server';
import type * as Readings from '../../app/pricing/monitor/competitive-readings.server';
import type * as Suggestions from '../../app/pricing/suggestions.server';
import { useAppDatabase, releaseAppDatabase } from '../support/app-database';

const US = 'ATVPDKIKX0DER';

function offersConnector(read: () => CompetitiveListing[]): PlatformConnector {
  return {
    platform: 'amazon',
    capabilities: { competitivePricing: true, maxCompetitiveBatch: 20 },
    pricing: { getCompetitiveOffers: async () => ({ listings: read() }) },
  } as unknown as PlatformConnector;
}

function feesConnector(answer: (request: FeeEstimatesRequest) => Promise<unknown>, maxFeeBatch = 2): { connector: PlatformConnector; calls: FeeEstimatesRequest[] } {
  const calls: FeeEstimatesRequest[] = [];
  return {
    calls,
    connector: {
      platform: 'amazon',
      capabilities: { feeEstimates: true, maxFeeBatch },
      pricing: {
        getFeeEstimates: async (request: FeeEstimatesRequest) => {
          calls.push(request);
          return answer(request);
        },
      },
    } as unknown as PlatformConnector,
  };
}

const reading = (at: string, offers: Array<{ sellerId: string; landed: string; isOurs?: boolean }>): CompetitiveListing => ({
  itemId: 'B0LOOPFACT1',
  marketplaceId: US,
  currency: 'USD',
  buyBox: { amount: offers[0]!.landed, currency: 'USD' },
  offerCount: offers.length,
  observedAt: at,
  offers: offers.map((o, n) => ({
    sellerId: o.sellerId,
    isOurs: o.isOurs ?? false,
    fulfillment: 'MFN',
    landed: { amount: o.landed, currency: 'USD' },
    isBuyBoxWinner: n === 0,
    isBuyBoxEligible: n !== 1,
    isPrime: false,
    condition: 'new',
    feedback: { percentage: n === 1 ? 84 : 99, count: 500 },
  })),
});

describe.each(testDatabaseProviders())('the loop’s facts on %s', (provider) => {
  let database: TestDatabase;
  let items: typeof Items;
  let fees: typeof Fees;
  let readings: typeof Readings;
  let suggestions: typeof Suggestions;
  let changes: typeof Changes;
  let loopFacts: typeof LoopFacts;
  let projectId: string;
  let otherProjectId: string;
  let linkId: string;
  let amazonId: string;
  let shopifyId: string;
  let ruleId: string;

  beforeAll(async () => {
    database = await createTestDatabase({ provider });
    await useAppDatabase(database);
    items = await import('../../app/pricing/items.server');
    fees = await import('../../app/pricing/item-fees.server');
    readings = await import('../../app/pricing/monitor/competitive-readings.server');
    suggestions = await import('../../app/pricing/suggestions.server');
    changes = await import('../../app/pricing/changes.server');
    loopFacts = await import('../../app/pricing/loop-facts.server');
    const db = database.db;
    projectId = (await db.project.create({ data: { shopDomain: `facts-${provider}.myshopify.com`, currency: 'USD' } })).id;
    otherProjectId = (await db.project.create({ data: { shopDomain: `facts-other-${provider}.myshopify.com`, currency: 'USD' } })).id;
    linkId = (await db.productLink.create({ data: { projectId, sku: 'CAL-F', title: 'Fact shoe' } })).id;
    shopifyId = (
      await db.listing.create({ data: { projectId, platform: 'shopify', externalId: 'gid://shopify/ProductVariant/77', sku: 'CAL-F', title: 'Fact shoe', currency: 'USD', priceAmount: '52.50', productLinkId: linkId } })
    ).id;
    amazonId = (
      await db.listing.create({ data: { projectId, platform: 'amazon', marketplaceId: US, externalId: 'CAL-F', asin: 'B0LOOPFACT1', sku: 'CAL-F', title: 'Fact shoe', currency: 'USD', priceAmount: '50.00', productLinkId: linkId } })
    ).id;
    ruleId = (
      await db.pricingRule.create({
        data: { projectId, name: 'Beat by 1, Shopify +5 %', scope: 'shop', kind: 'beat_lowest_amount', params: { amount: '1.00' }, currency: 'USD', floorAmount: '30.00', priceWarMoves: 50, priceWarWindowMinutes: 60 * 48, channel: 'both', shopifyPriceMode: 'offset', shopifyOffsetPercent: '5' },
      })
    ).id;
  }, 120_000);

  afterAll(async () => {
    await releaseAppDatabase();
    await database?.cleanup();
  });

  it('records each competitor’s price move when a reading is stored, and the loader reads them back newest first', async () => {
    let next: CompetitiveListing[] = [];
    const connector = offersConnector(() => next);
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    next = [reading(at(30), [{ sellerId: 'A1HOLDER', landed: '48.00' }, { sellerId: 'A1CHEAP', landed: '40.00' }, { sellerId: 'A2CALIBRDEMONA', landed: '50.00', isOurs: true }])];
    expect((await readings.readCompetition(connector, projectId, US, ['B0LOOPFACT1'])).recorded).toBe(1);
    expect(await database.db.competitorPriceMove.count({ where: { projectId } })).toBe(0); // a first reading is no move
    next = [reading(at(20), [{ sellerId: 'A1HOLDER', landed: '47.50' }, { sellerId: 'A1CHEAP', landed: '40.00' }, { sellerId: 'A2CALIBRDEMONA', landed: '49.00', isOurs: true }])];
    await readings.readCompetition(connector, projectId, US, ['B0LOOPFACT1']);
    next = [reading(at(10), [{ sellerId: 'A1HOLDER', landed: '47.00' }, { sellerId: 'A1CHEAP', landed: '39.00' }, { sellerId: 'A1NEWCOMER', landed: '45.00' }])];
    await readings.readCompetition(connector, projectId, US, ['B0LOOPFACT1']);

    const [item] = await items.loadPricedItems(projectId);
    expect(item!.context.platform).toBe('amazon');
    // Our own offer's moves and a newcomer's arrival are not competitors' moves.
    const moves = item!.context.competitorMoves ?? [];
    expect(moves).toHaveLength(3);
    expect(moves).toEqual(
      expect.arrayContaining([
        { at: at(10), sellerId: 'A1CHEAP', from: '40.00', to: '39.00' },
        { at: at(10), sellerId: 'A1HOLDER', from: '47.50', to: '47.00' },
        { at: at(20), sellerId: 'A1HOLDER', from: '48.00', to: '47.50' },
      ]),
    );
    expect(moves.map((m) => m.at)).toEqual([at(10), at(10), at(20)]);
    // Only the guard window's moves: a short window leaves the older ones out.
    const [short] = await items.loadPricedItems(projectId, { now: new Date(now + 24 * 60 * 60_000 - 15 * 60_000) });
    expect(short!.context.competitorMoves?.map((m) => m.at)).toEqual([at(10), at(10)]);
    // The offers keep what the competitor filters read.
    expect(item!.context.competition?.offers?.[1]).toMatchObject({ sellerId: 'A1CHEAP', isBuyBoxEligible: false, isPrime: false, condition: 'new', feedback: { percentage: 84, count: 500 } });
  });

  it('fees: asked in the connector’s batches near the current price; an estimate’s error or a failed call holds with the reason; Shopify has none', async () => {
    const db = database.db;
    const extra = [];
    for (const n of [1, 2]) {
      const id = (await db.listing.create({ data: { projectId: otherProjectId, platform: 'amazon', marketplaceId: US, externalId: `FEE-${n}`, asin: `B0FEE000${n}`, sku: `FEE-${n}`, title: `Fee ${n}`, currency: 'USD', priceAmount: `2${n}.00` } })).id;
      extra.push(id);
    }
    await db.listing.create({ data: { projectId: otherProjectId, platform: 'shopify', externalId: 'gid://shopify/ProductVariant/9', sku: 'FEE-S', title: 'Fee S', currency: 'USD', priceAmount: '15.00' } });
    const all = await items.loadPricedItems(otherProjectId);
    expect(all).toHaveLength(3);
    const { connector, calls } = feesConnector(async (request) => ({
      estimates: request.items.map((i) =>
        i.externalId === 'FEE-2'
          ? { externalId: i.externalId, price: i.price, total: null, fees: [], estimatedAt: '2026-01-01T00:00:00Z', error: { code: 'InvalidParameterValue', message: 'no such SKU' } }
          : { externalId: i.externalId, price: i.price, total: { amount: '3.15', currency: 'USD' }, fees: [{ type: 'ReferralFee', amount: { amount: '3.15', currency: 'USD' } }], estimatedAt: '2026-01-01T00:00:00Z' },
      ),
    }), 1);
    expect(await fees.attachFees(otherProjectId, all, async () => connector)).toBe(2);
    expect(calls.map((c) => [c.marketplaceId, c.items.map((i) => [i.externalId, i.price.amount])])).toEqual([
      [US, [['FEE-1', '21.00']]],
      [US, [['FEE-2', '22.00']]],
    ]);
    const by = (sku: string) => all.find((i) => i.sku === sku)!.context;
    expect(by('FEE-1')).toMatchObject({ fees: { total: { amount: '3.15', currency: 'USD' } }, feesError: null });
    expect(by('FEE-2')).toMatchObject({ fees: null, feesError: 'fees unavailable: InvalidParameterValue: no such SKU' });
    expect(by('FEE-S')).toMatchObject({ fees: null, feesError: null }); // Shopify: no platform fees, nothing asked

    const down = feesConnector(async () => {
      throw new Error('The Amazon service could not be reached');
    }, 20);
    const again = await items.loadPricedItems(otherProjectId);
    await fees.attachFees(otherProjectId, again, async () => down.connector);
    expect(down.calls).toHaveLength(1); // both Amazon listings in one call of up to 20
    expect(again.filter((i) => i.reference.platform === 'amazon').map((i) => i.context.feesError)).toEqual([
      'fees unavailable: The Amazon service could not be reached',
      'fees unavailable: The Amazon service could not be reached',
    ]);
    const none = { platform: 'amazon', capabilities: {}, pricing: {} } as unknown as PlatformConnector;
    const third = await items.loadPricedItems(otherProjectId, { ids: [extra[0]!] });
    await fees.attachFees(otherProjectId, third, async () => none);
    expect(third[0]!.context.feesError).toBe("fees unavailable: the amazon connector can't estimate fees");
  });

  it('Amazon priced by the rule, Shopify +5 %: each channel’s price stored; one attempt per channel with its own amount; an edit recomputes the offset', async () => {
    // The latest reading: the lowest competing offer is 39.00 → 38.00 on Amazon, 39.90 on Shopify.
    const result = await suggestions.generateSuggestions(projectId, { fallbackTrigger: { kind: 'scheduled' } });
    expect(result).toMatchObject({ evaluated: 1, created: 1 });
    const suggestion = await database.db.priceSuggestion.findFirstOrThrow({ where: { projectId, status: 'pending' } });
    expect(suggestion).toMatchObject({ listingId: amazonId, currentAmount: '50.00', suggestedAmount: '38.00' });
    expect(suggestion.channelPrices).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ listingId: amazonId, platform: 'amazon', currency: 'USD', amount: '38.00' }),
        expect.objectContaining({ listingId: shopifyId, platform: 'shopify', currency: 'USD', amount: '39.90', reason: 'the Amazon price 38.00 + 5 %' }),
      ]),
    );
    // The explanation names each channel's price, as does the dry run's row.
    expect((suggestion.explanation as { channels?: unknown }).channels).toEqual(suggestion.channelPrices);
    const dry = await suggestions.dryRun(projectId);
    expect(dry.rows[0]!.channelPrices?.find((c) => c.platform === 'shopify')?.amount).toBe('39.90');
    expect(dry.rows[0]!.channels).toEqual(dry.rows[0]!.channelPrices);

    // Approved with an edited price: Amazon takes it, Shopify's offset follows it (37.77 × 1.05 = 39.6585 → 39.66).
    const decided = await changes.createChangesForSuggestions(projectId, [{ id: suggestion.id, amount: '37.77' }], { actor: 'user:1', confirmLargeChange: true });
    expect(decided.refused).toEqual([]);
    const change = await database.db.priceChange.findUniqueOrThrow({ where: { id: decided.approved[0]!.changeId }, include: { attempts: true } });
    expect(change).toMatchObject({ fromAmount: '50.00', toAmount: '37.77', listingId: amazonId });
    expect(change.attempts.map((a) => [a.platform, a.amount, a.previousAmount]).sort()).toEqual([
      ['amazon', '37.77', '50.00'],
      ['shopify', '39.66', '52.50'],
    ]);
    // Our own change is a recent change of the listing (the guard counts it), whatever its push state.
    const [item] = await items.loadPricedItems(projectId);
    expect(item!.context.recentChanges).toEqual([expect.objectContaining({ from: '50.00', to: '37.77' })]);
    await database.db.priceChange.update({ where: { id: change.id }, data: { status: 'applied' } });
    await database.db.priceChangeAttempt.updateMany({ where: { priceChangeId: change.id }, data: { status: 'applied', appliedAt: new Date() } });
    await database.db.listing.update({ where: { id: amazonId }, data: { priceAmount: '37.77' } });
    await database.db.listing.update({ where: { id: shopifyId }, data: { priceAmount: '39.66' } });
  });

  it('a `keep` rule leaves Shopify without an attempt; a Shopify-only rule prices Shopify from its own price and leaves Amazon', async () => {
    const db = database.db;
    await db.pricingRule.update({ where: { id: ruleId }, data: { shopifyPriceMode: 'keep', params: { amount: '2.00' } } });
    await suggestions.generateSuggestions(projectId);
    const keep = await db.priceSuggestion.findFirstOrThrow({ where: { projectId, status: 'pending' } });
    expect(keep).toMatchObject({ listingId: amazonId, suggestedAmount: '37.00' });
    const kept = await changes.createChangesForSuggestions(projectId, [{ id: keep.id }], { actor: 'user:1' });
    const keepChange = await db.priceChange.findUniqueOrThrow({ where: { id: kept.approved[0]!.changeId }, include: { attempts: true } });
    expect(keepChange.attempts.map((a) => [a.platform, a.amount])).toEqual([['amazon', '37.00']]);
    await db.priceChange.update({ where: { id: keepChange.id }, data: { status: 'applied' } });
    await db.listing.update({ where: { id: amazonId }, data: { priceAmount: '37.00' } });

    await db.pricingRule.update({ where: { id: ruleId }, data: { channel: 'shopify', shopifyPriceMode: 'same', params: { amount: '1.00' } } });
    await suggestions.generateSuggestions(projectId);
    const shop = await db.priceSuggestion.findFirstOrThrow({ where: { projectId, status: 'pending' } });
    // Decided from Shopify's own 39.66 against the lowest competing offer 39.00.
    expect(shop).toMatchObject({ listingId: shopifyId, currentAmount: '39.66', suggestedAmount: '38.00' });
    const approved = await changes.createChangesForSuggestions(projectId, [{ id: shop.id }], { actor: 'user:1' });
    const shopChange = await db.priceChange.findUniqueOrThrow({ where: { id: approved.approved[0]!.changeId }, include: { attempts: true } });
    expect(shopChange).toMatchObject({ listingId: shopifyId, fromAmount: '39.66', toAmount: '38.00' });
    expect(shopChange.attempts.map((a) => [a.platform, a.amount, a.previousAmount])).toEqual([['shopify', '38.00', '39.66']]);
    await db.priceChange.update({ where: { id: shopChange.id }, data: { status: 'applied' } });
    await db.pricingRule.update({ where: { id: ruleId }, data: { channel: 'both', shopifyPriceMode: 'same' } });
  });

  it('flags: raised by a held evaluation, kept while it lasts, cleared when priced normally, listed per shop', async () => {
    const [item] = await items.loadPricedItems(projectId);
    const explanation = { summary: 'Held: price war with A1HOLDER (6 moves in 60 min).', priceWar: { sellerId: 'A1HOLDER', moves: 6, windowMinutes: 60 } };
    const war = { status: 'skipped', id: item!.id, ruleId, reason: 'price_war', explanation } as never;
    const first = new loopFacts.FlagWriter(projectId);
    first.note(item!, item!.context, war);
    first.note(item!, { ...item!.context, feesError: 'fees unavailable: QuotaExceeded' }, { status: 'blocked', id: item!.id, ruleId, reason: 'fees_unavailable', explanation: { summary: 'Held' } } as never);
    await first.write(new Date('2026-12-07T06:00:00Z'));
    const again = new loopFacts.FlagWriter(projectId);
    again.note(item!, item!.context, war);
    await again.write(new Date('2026-12-07T06:10:00Z'));

    const open = await loopFacts.listFlags(projectId);
    expect(open.map((f) => [f.kind, f.raisedAt, f.message]).sort()).toEqual([
      ['fees_unavailable', '2026-12-07T06:00:00.000Z', 'Fees unavailable: fees unavailable: QuotaExceeded'],
      ['price_war', '2026-12-07T06:00:00.000Z', 'Price war with A1HOLDER: 6 moves in 60 min'],
    ]);
    expect(open[0]).toMatchObject({ itemId: item!.id, productLinkId: linkId, title: 'Fact shoe', sku: 'CAL-F', clearedAt: null });
    expect(await loopFacts.listFlags(otherProjectId)).toEqual([]);

    // A real evaluation that prices the item normally clears both.
    await suggestions.generateSuggestions(projectId);
    expect(await loopFacts.listFlags(projectId)).toEqual([]);
    const cleared = await loopFacts.listFlags(projectId, { includeCleared: true });
    expect(cleared.map((f) => f.clearedAt !== null)).toEqual([true, true]);
    // Raised again later: one row per item and kind, up again with the new time.
    const later = new loopFacts.FlagWriter(projectId);
    later.note(item!, item!.context, war);
    await later.write(new Date('2026-12-07T07:00:00Z'));
    expect((await loopFacts.listFlags(projectId)).map((f) => [f.kind, f.raisedAt])).toEqual([['price_war', '2026-12-07T07:00:00.000Z']]);
    expect(await database.db.pricingFlag.count({ where: { projectId } })).toBe(2);
  });
});
