// Accepted is not live (both databases). Amazon processes an accepted patch or feed message downstream:
// the price shows later, or an issue appears instead. The sandbox holds accepted changes (listings/live-delay
// 'held') until the test releases them, and raises a price issue after acceptance for a marked SKU
// (listings/issue-after-accept), so nothing here races a clock:
// - feed: DONE with every message accepted → `pending` with stage `accepted` (the feed VERIFYING), not
//   applied; released → applied (live), the marked SKU failed with Amazon's issue code and message;
// - a price that never shows fails PRICE_NOT_LIVE once the bound has passed;
// - patchListingsItem: ACCEPTED → pending `accepted`; released → applied; an issue instead → failed.
// Every merge the service sent named the offer's whole key: the sandbox refuses one without `audience`.
import { testDatabaseProviders } from '@calibr/db';
import type { PriceUpdateResult } from '@calibr/shared-contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SELLER, connectDemoSeller, control, remoteConnector, startHarness, waitFor, type Harness } from './support/harness';
import { patchPricing, usSkus } from './support/patch-pricing';

/** Longer than any test; a test passes the bound by setting it to 0, never by sleeping. */
const WITHIN_MS = 10 * 60_000;

describe.each(testDatabaseProviders())('accepted is not live (%s)', (provider) => {
  let h: Harness;
  let skus: string[];
  const shop = `accepted-live-${provider}.myshopify.com`;

  beforeAll(async () => {
    h = await startHarness({ provider, service: { patchSettleMs: WITHIN_MS, liveSettleMs: WITHIN_MS } });
    await connectDemoSeller(h, shop);
    skus = await usSkus(h);
  });
  afterEach(async () => {
    await control(h.sandbox, 'listings/live-delay', { seconds: 'off' });
    h.service.ctx.liveSettleMs = WITHIN_MS;
    h.service.ctx.patchSettleMs = WITHIN_MS;
  });
  afterAll(async () => h?.close());

  const { update, send, ask, amazonPrice } = patchPricing(() => h, shop);

  async function results(keys: string[]): Promise<readonly (PriceUpdateResult | null)[]> {
    return (await (await remoteConnector(h, shop)).pricing.getUpdateResults!(keys)).results;
  }

  async function feedRow(feedId: string) {
    return h.database.db.amazonPriceFeed.findFirstOrThrow({ where: { feedId } });
  }

  it('a feed: accepted first (pending, stage accepted), applied only once the price shows; an issue after acceptance fails its SKU with Amazon’s code', async () => {
    await control(h.sandbox, 'listings/live-delay', { seconds: 'held' });
    const batch = skus.slice(0, 7).map((sku, i) => update(sku, `feed-live-${sku}`, `${30 + i}.25`));
    const flagged = batch[2]!;
    await control(h.sandbox, 'listings/issue-after-accept', { sellerId: DEMO_SELLER, sku: flagged.externalId });
    const before = await amazonPrice(batch[0]!.externalId);

    const sent = await (await remoteConnector(h, shop)).pricing.batchUpdatePrices!(batch);
    expect(sent.platformReference?.kind).toBe('feed'); // more than five SKUs: a feed
    expect(sent.results.every((r) => r.status === 'pending' && r.stage === 'submitted')).toBe(true);
    const feedId = sent.platformReference!.id;

    // Amazon finished the feed and accepted every message; none of the prices is live yet.
    await waitFor('the feed to be DONE at Amazon', async () => (await feedRow(feedId)).status === 'VERIFYING');
    const accepted = await results(batch.map((u) => u.idempotencyKey));
    for (const r of accepted) expect(r).toMatchObject({ status: 'pending', stage: 'accepted', platformReference: { kind: 'feed', id: feedId } });
    expect(await amazonPrice(batch[0]!.externalId)).toBe(before);
    const checked = await feedRow(feedId);
    expect(checked.completedAt).not.toBeNull();

    // Amazon processes them: six show, the flagged one gets a price issue instead.
    expect(await control(h.sandbox, 'listings/live-release', {})).toEqual({ released: 7 });
    await waitFor('every accepted price to be settled', async () => (await feedRow(feedId)).status === 'DONE');
    const settled = await results(batch.map((u) => u.idempotencyKey));
    batch.forEach((u, i) => {
      if (u === flagged) return;
      expect(settled[i]).toMatchObject({ status: 'applied', price: { amount: u.price.amount, currency: 'USD' } });
    });
    const refused = settled[2]!;
    expect(refused).toMatchObject({ status: 'failed', reason: 'rejected', retryable: false, platformError: { code: '99320' } });
    expect(refused.status === 'failed' && refused.message).toMatch(/accepted the price, then raised an issue.*potential pricing error/);
    expect(await amazonPrice(batch[0]!.externalId)).toBe(batch[0]!.price.amount);
  });

  it('a feed price that never shows fails PRICE_NOT_LIVE once the bound has passed', async () => {
    await control(h.sandbox, 'listings/live-delay', { seconds: 'never' });
    const batch = skus.slice(7, 13).map((sku, i) => update(sku, `feed-never-${sku}`, `${40 + i}.10`));
    const sent = await (await remoteConnector(h, shop)).pricing.batchUpdatePrices!(batch);
    const feedId = sent.platformReference!.id;
    await waitFor('the feed to be DONE at Amazon', async () => (await feedRow(feedId)).status === 'VERIFYING');
    expect((await results([batch[0]!.idempotencyKey]))[0]).toMatchObject({ status: 'pending', stage: 'accepted' });

    h.service.ctx.liveSettleMs = 0;
    await waitFor('the feed to give up waiting', async () => (await feedRow(feedId)).status === 'DONE');
    const [first] = await results([batch[0]!.idempotencyKey]);
    expect(first).toMatchObject({ status: 'failed', platformError: { code: 'PRICE_NOT_LIVE' } });
    expect(first!.status === 'failed' && first!.message).toMatch(/Amazon shows .* USD .* not 40\.10 USD .* after Amazon accepted it/);
  });

  it('patchListingsItem: ACCEPTED is pending with stage accepted until the price shows, then applied', async () => {
    await control(h.sandbox, 'listings/live-delay', { seconds: 'held' });
    const u = update(skus[13]!, `patch-live-${skus[13]}`, '71.71');
    expect(await send(u)).toMatchObject({ status: 'pending', stage: 'accepted', platformReference: { kind: 'submission' } });
    expect(await ask(u.idempotencyKey)).toMatchObject({ status: 'pending', stage: 'accepted' });
    expect(await control(h.sandbox, 'listings/live-release', {})).toEqual({ released: 1 });
    expect(await ask(u.idempotencyKey)).toMatchObject({ status: 'applied', price: { amount: '71.71', currency: 'USD' } });
  });

  it('patchListingsItem: an issue raised after acceptance fails the update with Amazon’s code and message, without waiting out the bound', async () => {
    const sku = skus[14]!;
    const before = await amazonPrice(sku);
    await control(h.sandbox, 'listings/issue-after-accept', { sellerId: DEMO_SELLER, sku, code: '99320' });
    await control(h.sandbox, 'listings/live-delay', { seconds: 'held' });
    const u = update(sku, `patch-issue-${sku}`, '0.99');
    expect(await send(u)).toMatchObject({ status: 'pending', stage: 'accepted' });
    await control(h.sandbox, 'listings/live-release', {});
    const failed = await ask(u.idempotencyKey);
    expect(failed).toMatchObject({ status: 'failed', retryable: false, platformError: { code: '99320' } });
    expect(failed.status === 'failed' && failed.message).toMatch(/potential pricing error/);
    expect(await amazonPrice(sku)).toBe(before);
  });
});
