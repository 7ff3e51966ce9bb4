// Amazon's APIs misbehaving while approved prices are pushed (sandbox fault injection over real HTTP):
// a storm of 429 QuotaExceeded on every SP-API call, for a few SKUs (patchListingsItem) and for a batch
// that goes as a JSON_LISTINGS_FEED, and a Login with Amazon outage with the access token expired. For
// each: Shopify goes through, the console (GET /api/pricing/changes) shows Amazon's side retrying or
// waiting with Amazon's words, the push resumes by itself when the fault is lifted, and every price ends
// applied exactly once (sandbox listing prices, successful PATCHes and DONE feed messages per SKU, against
// our PriceChange and attempt rows).
import { testDatabaseProviders } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SELLER } from '../pricing/support/push-world';
import { attemptOf, startFaultWorld, waitFor, waitForApplied, waitForRetrying, type FaultItem, type FaultWorld } from './support/fault-world';

describe.each(testDatabaseProviders())('Amazon API faults mid-push (%s)', (provider) => {
  let f: FaultWorld;
  beforeAll(async () => {
    f = await startFaultWorld({ size: 12, provider, shop: `calibr-faults-amazon-${provider}.myshopify.com` });
  }, 300_000);
  afterAll(async () => {
    await f?.close();
  });

  async function expectUntouchedOnAmazon(items: FaultItem[]) {
    const prices = f.w.amazonPrices();
    for (const item of items) expect(prices.get(item.sku), item.sku).toBe(item.from);
  }

  it('a 429 storm on SP-API for a few SKUs (patchListingsItem): retrying with QuotaExceeded, then applied once', async () => {
    const items = f.take(2);
    const { id } = await f.fault({ platform: 'amazon', host: 'sellingpartnerapi-*.amazon.com', kind: 'throttle' });
    const changeIds = await f.approve(items);
    const during = await waitForRetrying(f, changeIds, 'amazon', 1, 150_000);
    for (const change of during) {
      expect(change.status).toBe('pushing');
      const amazon = attemptOf(change, 'amazon')!;
      expect(amazon.platformMessage).toMatch(/throttl|QuotaExceeded|quota/i);
      expect(Date.parse(amazon.nextAttemptAt ?? '')).not.toBeNaN();
    }
    await expectUntouchedOnAmazon(items);
    await f.control(`faults/${id}`, undefined, 'DELETE');
    await waitForApplied(f, changeIds, 150_000, 'once the fault is gone');
    await f.expectExactlyOnce(items, changeIds);
  });

  /** Requests the sandbox's fault `id` has answered so far. */
  const refusedBy = (id: string) =>
    f.w.sandbox.log.query({ kind: 'event' }).filter((e) => (e.detail as { faults?: { id: string }[] } | undefined)?.faults?.some((x) => x.id === id)).length;

  it('a 429 storm while a batch goes as a feed: the feed waits stored, is submitted once the storm ends, applied once', async () => {
    const items = f.take(6); // more than the patch path takes: one JSON_LISTINGS_FEED
    const feedsBefore = f.feeds().length;
    const { id } = await f.fault({ platform: 'amazon', host: 'sellingpartnerapi-*.amazon.com', path: '/feeds/*', kind: 'throttle' });
    const changeIds = await f.approve(items);
    const during = await waitFor(
      'the console to show Amazon pending or retrying',
      async () => {
        const changes = await f.changes(changeIds);
        return changes.every((c) => ['pending', 'retrying'].includes(attemptOf(c, 'amazon')?.outcome ?? '') && attemptOf(c, 'shopify')?.outcome === 'applied') ? changes : undefined;
      },
      150_000,
    );
    // Several of the service's tries refused by the storm (counted in the sandbox's log, not waited for
    // by the clock), and nothing reached Amazon's feeds.
    await waitFor('the storm to refuse three feed calls', async () => refusedBy(id) >= 3, 150_000);
    expect(f.feeds().length).toBe(feedsBefore);
    for (const change of during) expect(change.status).toBe('pushing');
    await expectUntouchedOnAmazon(items);
    await f.control(`faults/${id}`, undefined, 'DELETE');
    await waitForApplied(f, changeIds, 150_000, 'once the fault is gone');
    await f.expectExactlyOnce(items, changeIds);
    expect(f.feeds().length, 'one feed for the batch').toBe(feedsBefore + 1);
  });

  it('Login with Amazon down with the access token expired: retrying with LWA’s error, then applied once', async () => {
    const items = f.take(2);
    await f.control('amazon/lwa/outage', { error: 'temporarily_unavailable' });
    await f.control('amazon/lwa/expire', { sellerId: SELLER });
    const changeIds = await f.approve(items);
    const during = await waitForRetrying(f, changeIds, 'amazon', 2, 150_000);
    for (const change of during) {
      expect(change.status).toBe('pushing');
      expect(attemptOf(change, 'amazon')!.platformMessage).toMatch(/Login with Amazon.*temporarily_unavailable/);
    }
    await expectUntouchedOnAmazon(items);
    // An outage is not a revoked authorization: the connection stays as it was.
    const card = await f.w.api(f.app, '/api/platforms/amazon');
    const view = (await card.json()) as { connection?: { status?: string } };
    expect(view.connection?.status).toBe('connected');
    await f.control('amazon/lwa/outage', undefined, 'DELETE');
    await waitForApplied(f, changeIds, 150_000, 'once the fault is gone');
    await f.expectExactlyOnce(items, changeIds);
  });
});
