// Amazon accepts a patchListingsItem (a few SKUs) but the price shows on the listing only later (the
// sandbox's listings/patch-delay holds it until the test releases it), as Amazon warns it may: the console shows Amazon pending with the
// submission, and the app's own poll of pending attempts (PRICING_PENDING_POLL_MS, which resends the keys
// through batchUpdatePrices) turns it applied once the listing shows it, without a second patch.
import { testDatabaseProviders } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { US } from '../pricing/support/push-world';
import { attemptOf, startFaultWorld, waitFor, waitForApplied, type FaultWorld } from './support/fault-world';

describe.each(testDatabaseProviders())('Amazon patch accepted, visible later (%s)', (provider) => {
  let f: FaultWorld;
  beforeAll(async () => {
    f = await startFaultWorld({ size: 2, provider, shop: `calibr-faults-patch-late-${provider}.myshopify.com`, appEnv: { PRICING_PENDING_POLL_MS: '500' } });
  }, 300_000);
  afterAll(async () => {
    await f?.close();
  });

  it('pending with its submission, then applied on the app poll once Amazon shows it; one patch per SKU', async () => {
    const items = f.take(2);
    // Held until released: the in-between state can't run out on a slow machine.
    await f.control('amazon/listings/patch-delay', { seconds: 'held' });
    const changeIds = await f.approve(items);

    const pending = await waitFor('the console to show Amazon pending on the patch', async () => {
      const changes = await f.changes(changeIds);
      return changes.every((c) => attemptOf(c, 'shopify')?.outcome === 'applied' && attemptOf(c, 'amazon')?.outcome === 'pending') ? changes : undefined;
    }, 60_000, 100);
    for (const change of pending) {
      expect(change.status).toBe('pushing');
      expect(attemptOf(change, 'amazon')!.platformReference).toMatch(/^submission:/);
    }
    // Accepted, not shown yet.
    const before = f.w.amazonPrices();
    for (const item of items) expect(before.get(item.sku), `Amazon price of ${item.sku} (${US})`).toBe(item.from);
    expect(await f.control('amazon/listings/patch-release', {})).toEqual({ released: 2 });

    const applied = await waitForApplied(f, changeIds, 90_000, 'after the patch shows');
    for (const change of applied) expect(attemptOf(change, 'amazon')!.outcome).toBe('applied');
    await f.control('amazon/listings/patch-delay', { seconds: 'off' });
    await f.expectExactlyOnce(items, changeIds);
  });
});
