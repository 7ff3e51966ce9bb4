// Accepted is not live. Amazon accepts a patchListingsItem (a few SKUs) or a feed's messages, but the price
// shows on the listing only later (the sandbox's listings/live-delay holds it until the test releases it),
// and a downstream check can raise an issue instead (listings/issue-after-accept):
// - the console (GET /api/pricing/changes) shows Amazon "accepted" (waiting to go live) with the
//   submission, never applied, and the app's own poll of pending attempts (PRICING_PENDING_POLL_MS, which
//   resends the keys through batchUpdatePrices) turns it applied once the listing shows it, without a
//   second patch;
// - a price issue raised after acceptance turns that attempt failed with Amazon's issue code and message.
import { testDatabaseProviders } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SELLER, US } from '../pricing/support/push-world';
import { attemptOf, startFaultWorld, waitFor, waitForApplied, type FaultWorld } from './support/fault-world';

describe.each(testDatabaseProviders())('Amazon accepted, visible later (%s)', (provider) => {
  let f: FaultWorld;
  beforeAll(async () => {
    f = await startFaultWorld({ size: 11, provider, shop: `calibr-faults-patch-late-${provider}.myshopify.com`, appEnv: { PRICING_PENDING_POLL_MS: '500' } });
  }, 300_000);
  afterAll(async () => {
    await f?.close();
  });

  it('accepted (waiting to go live) with its submission, then applied on the app poll once Amazon shows it; one patch per SKU', async () => {
    const items = f.take(2);
    // Held until released: the in-between state can't run out on a slow machine.
    await f.control('amazon/listings/live-delay', { seconds: 'held' });
    const changeIds = await f.approve(items);

    const pending = await waitFor('the console to show Amazon accepted on the patch', async () => {
      const changes = await f.changes(changeIds);
      return changes.every((c) => attemptOf(c, 'shopify')?.outcome === 'applied' && attemptOf(c, 'amazon')?.outcome === 'accepted') ? changes : undefined;
    }, 60_000, 100);
    for (const change of pending) {
      expect(change.status).toBe('pushing');
      expect(attemptOf(change, 'amazon')).toMatchObject({ status: 'pending', stage: 'accepted' });
      expect(attemptOf(change, 'amazon')!.platformReference).toMatch(/^submission:/);
    }
    // Accepted, not shown yet.
    const before = f.w.amazonPrices();
    for (const item of items) expect(before.get(item.sku), `Amazon price of ${item.sku} (${US})`).toBe(item.from);
    expect(await f.control('amazon/listings/live-release', {})).toEqual({ released: 2 });

    const applied = await waitForApplied(f, changeIds, 90_000, 'after the patch shows');
    for (const change of applied) expect(attemptOf(change, 'amazon')!.outcome).toBe('applied');
    await f.control('amazon/listings/live-delay', { seconds: 'off' });
    await f.expectExactlyOnce(items, changeIds);
  });

  it('an issue Amazon raises after accepting the price fails that attempt with Amazon’s code; the others go live', async () => {
    const items = f.take(3);
    const flagged = items[1]!;
    await f.control('amazon/listings/live-delay', { seconds: 'held' });
    await f.control('amazon/listings/issue-after-accept', { sellerId: SELLER, sku: flagged.sku });
    const changeIds = await f.approve(items);
    await waitFor('the console to show Amazon accepted', async () => {
      const changes = await f.changes(changeIds);
      return changes.every((c) => attemptOf(c, 'amazon')?.outcome === 'accepted') ? changes : undefined;
    }, 60_000, 100);
    expect(await f.control('amazon/listings/live-release', {})).toEqual({ released: 3 });

    const settled = await waitFor('every Amazon attempt to be settled', async () => {
      const changes = await f.changes(changeIds);
      // The change itself settles once all its attempts have (its status follows in the same round or the next).
      return changes.every((c) => c.status !== 'pushing' && ['applied', 'failed'].includes(attemptOf(c, 'amazon')?.outcome ?? '')) ? changes : undefined;
    }, 90_000);
    await f.control('amazon/listings/live-delay', { seconds: 'off' });
    expect(settled).toHaveLength(3);
    for (const change of settled) {
      const amazon = attemptOf(change, 'amazon')!;
      if (items[changeIds.indexOf(change.id)] === flagged) {
        expect(amazon).toMatchObject({ outcome: 'failed', platformCode: '99320' });
        expect(amazon.platformMessage).toMatch(/accepted the price, then raised an issue.*potential pricing error/);
        expect(change.status).toBe('partially_applied');
      } else {
        expect(amazon.outcome).toBe('applied');
      }
    }
    // Amazon's side: the flagged SKU kept its price, the others show theirs.
    const live = f.w.amazonPrices();
    expect(live.get(flagged.sku)).toBe(flagged.from);
    for (const item of items.filter((x) => x !== flagged)) expect(live.get(item.sku)).toBe(item.to);
  });

  it('a feed: DONE at Amazon is accepted, not applied; the prices go live when Amazon shows them, an issue after acceptance fails its SKU', async () => {
    const items = f.take(6); // more than five: one JSON_LISTINGS_FEED
    const flagged = items[4]!;
    const feedsBefore = f.feeds().length;
    await f.control('amazon/listings/live-delay', { seconds: 'held' });
    await f.control('amazon/listings/issue-after-accept', { sellerId: SELLER, sku: flagged.sku });
    const changeIds = await f.approve(items);
    const accepted = await waitFor('the console to show Amazon accepted on the feed', async () => {
      const changes = await f.changes(changeIds);
      return changes.every((c) => attemptOf(c, 'amazon')?.outcome === 'accepted') ? changes : undefined;
    }, 90_000, 100);
    // Amazon finished the feed (DONE) and accepted every message, yet nothing is applied or live.
    const feedRefs = new Set(accepted.map((c) => attemptOf(c, 'amazon')!.platformReference));
    for (const ref of feedRefs) expect(ref).toMatch(/^feed:/);
    const done = f.feeds().slice(feedsBefore);
    expect(done.length).toBeGreaterThan(0);
    for (const feed of done) expect(feed.processingStatus).toBe('DONE');
    for (const change of accepted) expect(change.status).toBe('pushing');
    const before = f.w.amazonPrices();
    for (const item of items) expect(before.get(item.sku)).toBe(item.from);

    expect(await f.control('amazon/listings/live-release', {})).toEqual({ released: 6 });
    const settled = await waitFor('every Amazon attempt to be settled', async () => {
      const changes = await f.changes(changeIds);
      // The change itself settles once all its attempts have (its status follows in the same round or the next).
      return changes.every((c) => c.status !== 'pushing' && ['applied', 'failed'].includes(attemptOf(c, 'amazon')?.outcome ?? '')) ? changes : undefined;
    }, 90_000);
    await f.control('amazon/listings/live-delay', { seconds: 'off' });
    for (const change of settled) {
      const amazon = attemptOf(change, 'amazon')!;
      if (items[changeIds.indexOf(change.id)] === flagged) expect(amazon).toMatchObject({ outcome: 'failed', platformCode: '99320' });
      else expect(amazon.outcome).toBe('applied');
    }
    const live = f.w.amazonPrices();
    expect(live.get(flagged.sku)).toBe(flagged.from);
    for (const item of items.filter((x) => x !== flagged)) expect(live.get(item.sku)).toBe(item.to);
  });
});
