// Our own offers as stored with a reading, on each database: the Amazon service keeps the offers it read
// (details.offers, ours marked isOurs) and suggestion generation reads them back. Before the first
// reading, the rule waits with its own reason ("not read yet: reading them now"), never "nobody
// competes". When we hold the Buy Box and the lowest price, the rule beats the lowest *other* offer and
// names it; with only our own offers left, nothing is suggested and the explanation says why.
import { createTestDatabase, testDatabaseProviders, type TestDatabase } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Suggestions from '../../app/pricing/suggestions.server';
import { useAppDatabase, releaseAppDatabase } from '../support/app-database';

describe.each(testDatabaseProviders())('our own offers, stored with a reading (%s)', (provider) => {
  let database: TestDatabase;
  let suggestions: typeof Suggestions;
  let projectId: string;
  let listingId: string;
  let clock = Date.UTC(2025, 7, 1);

  beforeAll(async () => {
    database = await createTestDatabase({ provider });
    await useAppDatabase(database);
    suggestions = await import('../../app/pricing/suggestions.server');
    const db = database.db;
    projectId = (await db.project.create({ data: { shopDomain: `own-offers-${provider}.myshopify.com`, currency: 'USD' } })).id;
    listingId = (
      await db.listing.create({ data: { projectId, platform: 'amazon', marketplaceId: 'ATVPDKIKX0DER', externalId: 'CAL-OWN', asin: 'B0000000O1', sku: 'CAL-OWN', title: 'Camp chair', currency: 'USD', priceAmount: '50.00' } })
    ).id;
    await db.pricingRule.create({ data: { projectId, name: 'Beat by 1', scope: 'shop', kind: 'beat_lowest_amount', params: { amount: '1.00' }, currency: 'USD', floorAmount: '10.00' } });
  });
  afterAll(async () => {
    await releaseAppDatabase();
    await database?.cleanup();
  });

  /** A reading as the Amazon service records it: the lowest competing offer, and every offer with ours marked. */
  async function reading(offers: Array<{ sellerId: string; isOurs: boolean; fulfillment: 'AFN' | 'MFN'; landed: string; isBuyBoxWinner: boolean }>) {
    clock += 60_000;
    const theirs = offers.filter((o) => !o.isOurs).sort((a, b) => Number(a.landed) - Number(b.landed));
    const winner = offers.find((o) => o.isBuyBoxWinner);
    await database.db.competitorPriceObservation.create({
      data: {
        projectId, listingId, marketplaceId: 'ATVPDKIKX0DER', asin: 'B0000000O1', currency: 'USD',
        buyBoxAmount: winner?.landed ?? null, buyBoxSellerId: winner?.sellerId ?? null, buyBoxIsOurs: winner ? winner.isOurs : null,
        lowestOfferAmount: theirs[0]?.landed ?? null, offerCount: offers.length, details: { offers }, observedAt: new Date(clock),
      },
    });
  }

  it('never read: skips not_read_yet ("reading them now"), not "no competing offer"; the dry run says so and when it was read', async () => {
    const run = await suggestions.dryRun(projectId);
    expect(run.rows).toHaveLength(1);
    expect(run.rows[0]).toMatchObject({ status: 'skipped', reason: 'not_read_yet', readAt: null });
    expect(run.rows[0]!.summary).toBe('Rule “Beat by 1” (shop default) suggests no new price. Competitor prices have not been read yet: reading them now. The price stays as it is until they are.');
    expect(await suggestions.generateSuggestions(projectId)).toMatchObject({ evaluated: 1, created: 0, skipped: 1 });
    // A listing the monitor never reads (no ASIN) is not "reading now": it says nothing is read for it.
    const unread = await database.db.listing.create({
      data: { projectId, platform: 'amazon', marketplaceId: 'ATVPDKIKX0DER', externalId: 'CAL-NOASIN', sku: 'CAL-NOASIN', title: 'Tent peg', currency: 'USD', priceAmount: '5.00' },
    });
    const both = await suggestions.dryRun(projectId);
    expect(both.rows.find((r) => r.itemId === unread.id)).toMatchObject({ status: 'skipped', reason: 'no_lowest_offer', readAt: null });
    expect(both.rows.find((r) => r.itemId === unread.id)!.summary).toContain('Competitor prices are not read for this product, so there is no offer to beat.');
    await database.db.listing.delete({ where: { id: unread.id } });
  });

  it('holding the Buy Box and the lowest price, beats the lowest other offer and names it', async () => {
    await reading([
      { sellerId: 'AOURSELLER', isOurs: true, fulfillment: 'AFN', landed: '50.00', isBuyBoxWinner: true },
      { sellerId: 'ARIVAL', isOurs: false, fulfillment: 'MFN', landed: '52.00', isBuyBoxWinner: false },
    ]);
    expect(await suggestions.generateSuggestions(projectId, { fallbackTrigger: { kind: 'scheduled' } })).toMatchObject({ evaluated: 1, created: 1 });
    const suggestion = await database.db.priceSuggestion.findFirstOrThrow({ where: { projectId, status: 'pending' } });
    expect(suggestion).toMatchObject({ currentAmount: '50.00', suggestedAmount: '51.00' });
    const explanation = suggestion.explanation as { summary: string; target: { competitor: unknown } };
    expect(explanation.target.competitor).toEqual({ role: 'lowest_offer', sellerId: 'ARIVAL', fulfillment: 'MFN', landed: '52.00' });
    expect(explanation.summary).toContain('beat the lowest offer, $52.00, by $1.00 (seller ARIVAL, fulfilled by the seller, $52.00 with shipping)');
    // The stored explanation says when the competition it followed was read (the pages show its age).
    expect((suggestion.explanation as { inputs: { readAt: string | null } }).inputs.readAt).toBe(new Date(clock).toISOString());
  });

  it('with only our own offers left, suggests nothing and says why', async () => {
    await reading([
      { sellerId: 'AOURSELLER', isOurs: true, fulfillment: 'AFN', landed: '50.00', isBuyBoxWinner: true },
      { sellerId: 'AOURSECOND', isOurs: true, fulfillment: 'MFN', landed: '50.50', isBuyBoxWinner: false },
    ]);
    expect(await suggestions.generateSuggestions(projectId)).toMatchObject({ evaluated: 1, created: 0, skipped: 1 });
    const run = await suggestions.dryRun(projectId, { rule: { name: 'Beat by 2', scope: 'shop', kind: 'beat_lowest_amount', params: { amount: '2.00' }, currency: 'USD', priority: 5 } });
    // Read, and nobody else sells it: its own reason, never "not read yet"; the row says when it was read.
    expect(run.rows[0]).toMatchObject({ status: 'skipped', reason: 'no_competitor', readAt: new Date(clock).toISOString() });
    expect(run.rows[0]!.summary).toContain('The latest reading lists only your own offers: nobody else sells this product, so there is no offer to beat.');
    expect(run.rows[0]!.summary).not.toContain('not been read');
  });
});
