// Shopify misbehaving while approved prices are pushed (sandbox fault injection over real HTTP): 5xx
// answers and dropped connections beyond the client's own retries, and THROTTLED for as long as the
// fault stays. For each: the console (GET /api/pricing/changes)
// shows the Shopify attempt retrying with Shopify's message while Amazon goes through, the push resumes
// by itself once the fault is removed, and every price ends applied exactly once (sandbox state and its
// products/update count against our PriceChange and attempt rows).
import { testDatabaseProviders } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptOf, startFaultWorld, waitFor, waitForApplied, waitForRetrying, type FaultWorld } from './support/fault-world';

const GRAPHQL = '/admin/api/*/graphql.json';

describe.each(testDatabaseProviders())('Shopify faults mid-push (%s)', (provider) => {
  let f: FaultWorld;
  beforeAll(async () => {
    f = await startFaultWorld({ size: 12, provider, shop: `calibr-faults-shopify-${provider}.myshopify.com` });
  }, 300_000);
  afterAll(async () => {
    await f?.close();
  });

  /**
   * Holds `fault` until the console shows each change's Shopify attempt retrying after `retried` sends
   * (for THROTTLED: 6, more than the 5 after which a transient failure used to become final), then lifts it.
   */
  async function throughFault(spec: Record<string, unknown>, n: number, retried: number, message: RegExp) {
    const items = f.take(n);
    const { id } = await f.fault({ platform: 'shopify', path: GRAPHQL, ...spec });
    const changeIds = await f.approve(items);
    const during = await waitForRetrying(f, changeIds, 'shopify', retried, 120_000);
    for (const change of during) {
      expect(change.status).toBe('pushing');
      const shopify = attemptOf(change, 'shopify')!;
      expect(shopify.status).toBe('queued');
      expect(shopify.platformMessage).toMatch(message);
      expect(Date.parse(shopify.nextAttemptAt ?? ''), 'the console says when it goes again').not.toBeNaN();
    }
    // Nothing reached Shopify while the fault held.
    const prices = await f.w.shopifyPrices();
    for (const item of items) expect(prices.get(item.sku)).toBe(item.from);

    await f.control(`faults/${id}`, undefined, 'DELETE');
    await waitForApplied(f, changeIds, 120_000, 'once the fault is gone');
    await f.expectExactlyOnce(items, changeIds);
  }

  it('5xx from Shopify for longer than the client retries: retrying, then applied once', async () => {
    await throughFault({ kind: 'status', status: 503 }, 2, 2, /Shopify|503|unavailable/i);
  });

  it('connections reset for longer than the client retries: retrying, then applied once', async () => {
    await throughFault({ kind: 'reset' }, 2, 2, /Shopify/i);
  });

  it('sustained THROTTLED: retrying, then applied once', async () => {
    await throughFault({ kind: 'throttle' }, 2, 6, /throttl/i);
  });

  it('an outage that outlasts the retry horizon: failed with Shopify’s message; the merchant’s retry then applies it once', async () => {
    // The same app with a 2-second horizon (production: a day); the first 5 sends always happen.
    await f.restartApp({ PRICING_RETRY_FOR_MS: '2000' });
    const items = f.take(1);
    const { id } = await f.fault({ platform: 'shopify', path: GRAPHQL, kind: 'status', status: 503 });
    const changeIds = await f.approve(items);
    const [failed] = await waitFor('the change to fail on Shopify', async () => {
      const changes = await f.changes(changeIds);
      return changes.every((c) => c.status === 'partially_applied') ? changes : undefined;
    }, 120_000);
    const shopify = attemptOf(failed, 'shopify')!;
    expect(shopify).toMatchObject({ status: 'failed', outcome: 'failed', nextAttemptAt: null });
    expect(shopify.attemptCount).toBeGreaterThanOrEqual(5);
    expect(shopify.platformMessage).toMatch(/Shopify/);
    expect(attemptOf(failed, 'amazon')?.outcome).toBe('applied');
    expect((await f.w.shopifyPrices()).get(items[0]!.sku)).toBe(items[0]!.from);

    await f.control(`faults/${id}`, undefined, 'DELETE');
    const retry = await f.w.api(f.app, `/api/pricing/changes/${changeIds[0]}/retry`, { method: 'POST' });
    expect(retry.status, await retry.clone().text()).toBe(200);
    await waitForApplied(f, changeIds, 120_000, 'after the retry');
    await f.expectExactlyOnce(items, changeIds);
  });
});
