// The life of suggestions against a real database: created once (the same suggestion is kept, not
// duplicated), superseded when the market moves again, left alone while an approved price is on its way,
// approved automatically within the rule's threshold, and a dry run that writes nothing.
import { createTestDatabase, type TestDatabase } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Changes from '../../app/pricing/changes.server';
import type * as Suggestions from '../../app/pricing/suggestions.server';
import { appContext } from '../../app/app-context.server';

let database: TestDatabase;
let projectId: string;
let linkId: string;
let amazonId: string;
let suggestions: typeof Suggestions;
let changes: typeof Changes;
let clock = Date.UTC(2025, 6, 1);

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  process.env.PRICING_WORKER = 'off';
  suggestions = await import('../../app/pricing/suggestions.server');
  changes = await import('../../app/pricing/changes.server');
  const db = database.db;
  projectId = (await db.project.create({ data: { shopDomain: 'lifecycle.myshopify.com', currency: 'USD' } })).id;
  linkId = (await db.productLink.create({ data: { projectId, sku: 'CAL-X', title: 'Trail shoe' } })).id;
  await db.listing.create({ data: { projectId, platform: 'shopify', externalId: 'gid://shopify/ProductVariant/1', sku: 'CAL-X', title: 'Trail shoe', currency: 'USD', priceAmount: '50.00', productLinkId: linkId } });
  amazonId = (
    await db.listing.create({ data: { projectId, platform: 'amazon', marketplaceId: 'ATVPDKIKX0DER', externalId: 'CAL-X', asin: 'B0000000X1', sku: 'CAL-X', title: 'Trail shoe', currency: 'USD', priceAmount: '50.00', productLinkId: linkId } })
  ).id;
  await db.pricingRule.create({ data: { projectId, name: 'Beat by 1', scope: 'shop', kind: 'beat_lowest_amount', params: { amount: '1.00' }, currency: 'USD', floorAmount: '30.00' } });
});
afterAll(async () => {
  await appContext().db?.$disconnect().catch(() => undefined);
  await database?.cleanup();
});

async function lowestOffer(amount: string) {
  clock += 60_000;
  await database.db.competitorPriceObservation.create({ data: { projectId, listingId: amazonId, marketplaceId: 'ATVPDKIKX0DER', currency: 'USD', lowestOfferAmount: amount, buyBoxAmount: amount, buyBoxIsOurs: false, observedAt: new Date(clock) } });
}
const pending = () => database.db.priceSuggestion.findMany({ where: { projectId, status: 'pending' } });

describe('suggestions', () => {
  it('are created once: evaluating again keeps the waiting one', async () => {
    await lowestOffer('45.00');
    const first = await suggestions.generateSuggestions(projectId, { fallbackTrigger: { kind: 'scheduled' } });
    expect(first).toMatchObject({ evaluated: 1, created: 1, kept: 0 });
    const again = await suggestions.generateSuggestions(projectId);
    expect(again).toMatchObject({ created: 0, kept: 1 });
    const [only] = await pending();
    expect(only).toMatchObject({ productLinkId: linkId, listingId: amazonId, currentAmount: '50.00', suggestedAmount: '44.00' });
    expect((only!.explanation as { summary: string }).summary).toContain('Scheduled review.');
  });

  it('are superseded when the market moves again', async () => {
    await lowestOffer('43.00');
    expect(await suggestions.generateSuggestions(projectId)).toMatchObject({ created: 1, superseded: 1 });
    const waiting = await pending();
    expect(waiting.map((s) => s.suggestedAmount)).toEqual(['42.00']);
    expect(await database.db.priceSuggestion.count({ where: { projectId, status: 'superseded' } })).toBe(1);
  });

  it('a dry run shows the same without writing anything', async () => {
    const before = await database.db.priceSuggestion.count();
    const run = await suggestions.dryRun(projectId, { rule: { name: 'Fixed', scope: 'shop', kind: 'fixed_price', params: { price: '39.99' }, currency: 'USD', priority: 5 } });
    expect(run.counts).toMatchObject({ evaluated: 1, suggest: 1 });
    expect(run.rows[0]).toMatchObject({ status: 'suggest', suggested: { amount: '39.99' } });
    expect(await database.db.priceSuggestion.count()).toBe(before);
  });

  it('are left alone while an approved price is still on its way', async () => {
    const [waiting] = await pending();
    const decided = await changes.createChangesForSuggestions(projectId, [{ id: waiting!.id }], { actor: 'user:1' });
    expect(decided.approved).toHaveLength(1);
    const change = await database.db.priceChange.findUniqueOrThrow({ where: { id: decided.approved[0]!.changeId }, include: { attempts: true } });
    expect(change).toMatchObject({ status: 'approved', fromAmount: '50.00', toAmount: '42.00', idempotencyKey: `suggestion:${waiting!.id}` });
    expect(change.attempts.map((a) => [a.platform, a.amount, a.previousAmount, a.idempotencyKey]).sort()).toEqual([
      ['amazon', '42.00', '50.00', `suggestion:${waiting!.id}:${amazonId}`],
      ['shopify', '42.00', '50.00', expect.stringMatching(new RegExp(`^suggestion:${waiting!.id}:`))],
    ]);
    await lowestOffer('41.00');
    expect(await suggestions.generateSuggestions(projectId)).toMatchObject({ evaluated: 0, inFlight: 1, created: 0 });
    // Once it is applied, the product is evaluated again from its new price.
    await database.db.$transaction([
      database.db.priceChange.update({ where: { id: change.id }, data: { status: 'applied' } }),
      database.db.listing.updateMany({ where: { productLinkId: linkId }, data: { priceAmount: '42.00' } }),
    ]);
    const after = await suggestions.generateSuggestions(projectId);
    expect(after).toMatchObject({ evaluated: 1, created: 1 });
    expect((await pending()).map((s) => [s.currentAmount, s.suggestedAmount])).toEqual([['42.00', '40.00']]);
  });

  it('small moves within the rule’s threshold are approved automatically; big ones wait', async () => {
    await database.db.pricingRule.updateMany({ where: { projectId }, data: { autoApproveMaxPercent: '5' } });
    // 42.00 → 40.00 is -4.76 %: within 5 %.
    const auto = await suggestions.generateSuggestions(projectId);
    expect(auto).toMatchObject({ autoApproved: 1 });
    const decided = await database.db.priceSuggestion.findFirstOrThrow({ where: { projectId, status: 'auto_approved' } });
    expect(decided).toMatchObject({ suggestedAmount: '40.00', decidedBy: 'system' });
    const change = await database.db.priceChange.findFirstOrThrow({ where: { suggestionId: decided.id } });
    expect(change).toMatchObject({ approvedBy: 'system', toAmount: '40.00' });
    expect(await database.db.auditLog.count({ where: { projectId, action: 'price_suggestion.auto_approved', entityId: decided.id } })).toBe(1);

    await database.db.$transaction([
      database.db.priceChange.update({ where: { id: change.id }, data: { status: 'applied' } }),
      database.db.listing.updateMany({ where: { productLinkId: linkId }, data: { priceAmount: '40.00' } }),
    ]);
    await lowestOffer('31.00'); // 40.00 → 30.00 is -25 %: waits for the merchant
    expect(await suggestions.generateSuggestions(projectId)).toMatchObject({ autoApproved: 0, created: 1 });
    expect((await pending()).map((s) => s.suggestedAmount)).toEqual(['30.00']);
  });

  it('rejects, and refuses to decide twice', async () => {
    const [waiting] = await pending();
    expect(await changes.rejectSuggestions(projectId, [waiting!.id], 'user:2')).toMatchObject({ rejected: [waiting!.id], refused: [] });
    const again = await changes.createChangesForSuggestions(projectId, [{ id: waiting!.id }], { actor: 'user:2' });
    expect(again).toMatchObject({ approved: [], refused: [{ code: 'already_decided', message: 'This suggestion is already rejected' }] });
  });
});
