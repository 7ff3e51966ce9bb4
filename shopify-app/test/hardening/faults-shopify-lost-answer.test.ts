// Shopify applies productVariantsBulkUpdate but its answer never reaches us (the sandbox's drop_answer
// fault: the connection is destroyed after Shopify acted, before any byte of the answer). Shopify's answers
// to the mutation stay lost for a while, then the fault is lifted. Meanwhile the console
// (GET /api/pricing/changes) shows the Shopify attempt retrying with Shopify's words and when it goes
// again; the mutation is never sent blind a second time (the sandbox counts one per product), the next send
// reads the live price first, finds ours (expectedCurrentPrice no longer holds) and records it applied;
// the products/update Shopify fired for our own price is not taken for an edit outside Calibrate.
// Every change ends applied exactly once on both platforms.
import { testDatabaseProviders } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, API_SECRET } from '../pricing/support/push-world';
import { attemptOf, expectShownRetrying, startFaultWorld, waitFor, type FaultWorld } from './support/fault-world';

const GRAPHQL = '/admin/api/*/graphql.json';

describe.each(testDatabaseProviders())('Shopify answers lost after it applied the prices (%s)', (provider) => {
  let f: FaultWorld;
  beforeAll(async () => {
    // A slower retry than the other fault tests, so the console's in-between state stays long enough to see.
    f = await startFaultWorld({
      size: 3,
      provider,
      shop: `calibr-faults-lost-shopify-${provider}.myshopify.com`,
      appEnv: { PRICING_RETRY_BASE_MS: '4000', PRICING_RETRY_MAX_MS: '4000' },
    });
    // This world runs without webhooks; here Shopify's products/update must reach the app.
    await f.control('shopify/apps', { apiKey: API_KEY, apiSecret: API_SECRET, applicationUrl: f.app.url, webhooks: [{ topics: ['products/update'], uri: '/webhooks/products/update' }] });
  }, 300_000);
  afterAll(async () => {
    await f?.close();
  });

  it('productVariantsBulkUpdate answers dropped after apply: retrying meanwhile, then applied once (no second mutation)', async () => {
    const items = f.take(3);
    const since = (await f.control<{ lastId: number }>('log?limit=1')).lastId;
    const { id } = await f.fault({ platform: 'shopify', path: GRAPHQL, kind: 'drop_answer', bodyContains: 'productVariantsBulkUpdate' });
    const changeIds = await f.approve(items);

    // Shopify has the new prices, yet the console says the attempt goes again (it can't know yet).
    const during = await waitFor(
      'the console to show Shopify retrying after the lost answers',
      async () => {
        const changes = await f.changes(changeIds);
        return changes.every((c) => attemptOf(c, 'shopify')?.outcome === 'retrying' && attemptOf(c, 'shopify')!.attemptCount >= 1) ? changes : undefined;
      },
      120_000,
      100,
    );
    expectShownRetrying(during, 'shopify', /Shopify/);
    const prices = await f.w.shopifyPrices();
    for (const item of items) expect(prices.get(item.sku), `Shopify acted on ${item.sku}`).toBe(item.to);

    // Settled while the fault still holds: the next send read the live price instead of mutating again.
    const settled = await waitFor('every change to be applied', async () => {
      const changes = await f.changes(changeIds);
      return changes.every((c) => c.status === 'applied') ? changes : undefined;
    }, 120_000);
    for (const change of settled) expect(attemptOf(change, 'shopify')!.platformReference).toBe('verified:live-price');
    const [fault] = (await f.control<{ faults: Array<{ id: string; hits: number }> }>('faults')).faults.filter((x) => x.id === id);
    expect(fault?.hits, 'one productVariantsBulkUpdate per product, none sent blind again').toBe(items.length);
    await f.control(`faults/${id}`, undefined, 'DELETE');
    await f.expectExactlyOnce(items, changeIds);

    // Shopify told the app about our own prices (products/update); that is not an edit outside Calibrate.
    await waitFor('products/update delivered for each product', async () => {
      const log = await f.control<{ entries: Array<{ status?: number; detail?: { topic?: string } }> }>(`log?since=${since}&platform=shopify&kind=webhook`);
      return log.entries.filter((e) => e.detail?.topic === 'products/update' && e.status === 200).length >= items.length;
    });
    const outside = await f.w.database.db.auditLog.count({ where: { projectId: f.w.projectId, action: 'listing.price_changed_outside_calibrate' } });
    expect(outside, 'our own prices taken for outside edits').toBe(0);
  });
});
