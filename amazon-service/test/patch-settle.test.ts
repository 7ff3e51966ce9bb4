// patchListingsItem updates that stay queued or pending are settled when their key is asked about again
// (the app's poll resends it through POST /pricing; GET /pricing/updates/:key), from the live listing:
// - a row left `queued` by a crash before the patch went out is sent once under the same row, after the
//   settle bound (the patch could have gone out and not shown yet), and ends applied;
// - a queued row whose price is already on the listing (the patch landed before the crash) is applied
//   without a patch;
// - an accepted patch that shows later (held by the sandbox's patch-delay until released) is applied on a later ask;
// - an accepted patch that never shows fails with what Amazon shows once the bound has passed.
import { testDatabaseProviders } from '@calibr/db';
import type { PriceUpdate } from '@calibr/shared-contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { updateContentHash } from '../src/pricing/price-update-results';
import { DEMO_SELLER, US, connectDemoSeller, control, startHarness, type Harness } from './support/harness';
import { patchPricing, usSkus } from './support/patch-pricing';

/**
 * The settle bound while a test is "within" it: longer than any test (PATCH_SETTLE_MS on real Amazon is
 * minutes). A test passes it by setting the service's bound to 0 (pastTheBound) rather than sleeping, so a
 * slow machine can't move an ask across the bound.
 */
const WITHIN_MS = 10 * 60_000;

describe.each(testDatabaseProviders())('patchListingsItem updates settled when asked again (%s)', (provider) => {
  let h: Harness;
  let skus: string[];
  const shop = `patch-settle-${provider}.myshopify.com`;

  beforeAll(async () => {
    h = await startHarness({ provider, service: { patchSettleMs: WITHIN_MS } });
    await connectDemoSeller(h, shop);
    skus = await usSkus(h);
  });
  afterEach(async () => {
    await control(h.sandbox, 'listings/patch-delay', { seconds: 'off' });
    h.service.ctx.patchSettleMs = WITHIN_MS;
  });
  afterAll(async () => h?.close());

  const { update, send, ask, patchRequests, amazonPrice } = patchPricing(() => h, shop);

  const patches = async (sku: string): Promise<number> => (await patchRequests(sku)).length;
  /** Every unsettled update is now older than the bound. */
  const pastTheBound = () => {
    h.service.ctx.patchSettleMs = 0;
  };

  /** The row sendViaPatch writes just before patchListingsItem: what a crash at that point leaves. */
  async function rowLeftByCrash(u: PriceUpdate) {
    const integration = await h.database.db.amazonIntegration.findFirstOrThrow({ where: { tenant: { shopDomain: shop } } });
    return h.database.db.amazonPriceUpdate.create({
      data: {
        projectId: integration.projectId,
        integrationId: integration.id,
        idempotencyKey: u.idempotencyKey,
        contentHash: updateContentHash(u, US),
        sku: u.externalId,
        marketplaceId: US,
        currency: 'USD',
        amount: u.price.amount,
        channel: 'listings_item',
        status: 'queued',
      },
    });
  }

  it('a row left queued by a crash before the send: pending within the bound, then one patch under the same row, applied', async () => {
    const sku = skus[0]!;
    const u = update(sku, `settle-crash-${sku}`, '61.17');
    const row = await rowLeftByCrash(u);

    // Within the bound the patch might be on its way: nothing is sent.
    expect(await send(u)).toMatchObject({ status: 'pending', idempotencyKey: u.idempotencyKey });
    expect(await patches(sku)).toBe(0);

    // Past it, with the listing untouched since the row was written: sent once, even asked twice at once.
    pastTheBound();
    const [first, second] = await Promise.all([send(u), ask(u.idempotencyKey)]);
    // The one that sent answers applied; the other applied too, or pending while the send was in flight.
    expect([first.status, second.status]).toContain('applied');
    for (const r of [first, second]) expect(['applied', 'pending']).toContain(r.status);
    expect(await patches(sku)).toBe(1);
    expect(await amazonPrice(sku)).toBe('61.17');

    // Settled: asked again, answered from the record; one row, applied, no second patch.
    expect(await send(u)).toMatchObject({ status: 'applied', platformReference: { kind: 'submission' } });
    expect(await ask(u.idempotencyKey)).toMatchObject({ status: 'applied' });
    expect(await patches(sku)).toBe(1);
    const rows = await h.database.db.amazonPriceUpdate.findMany({ where: { sku, projectId: row.projectId } });
    expect(rows.map((r) => [r.id, r.status])).toEqual([[row.id, 'applied']]);
  });

  it('a row left queued after the patch landed: applied from the listing, no patch', async () => {
    const sku = skus[1]!;
    const u = update(sku, `settle-landed-${sku}`, '44.03');
    await rowLeftByCrash(u);
    // The patch went out and landed; the process died before writing its answer.
    await control(h.sandbox, 'listings/price', { sellerId: DEMO_SELLER, sku, marketplaceId: US, price: '44.03' });
    expect(await send(u)).toMatchObject({ status: 'applied' });
    expect(await patches(sku)).toBe(0);
  });

  it('a queued row whose listing changed since it was written is not patched again: failed with what Amazon shows after the bound', async () => {
    const sku = skus[2]!;
    const u = update(sku, `settle-changed-${sku}`, '52.40');
    await rowLeftByCrash(u);
    // Someone else's price arrived after the row was written (our patch may have landed under it).
    await new Promise((r) => setTimeout(r, 20));
    await control(h.sandbox, 'listings/price', { sellerId: DEMO_SELLER, sku, marketplaceId: US, price: '39.99' });
    pastTheBound();
    const result = await ask(u.idempotencyKey);
    expect(result).toMatchObject({ status: 'failed', platformError: { code: 'PATCH_NOT_APPLIED' } });
    expect(result.status === 'failed' && result.message).toMatch(/Amazon shows 39\.99 USD/);
    expect(await patches(sku)).toBe(0);
    expect(await amazonPrice(sku)).toBe('39.99');
  });

  it('an accepted patch that shows later: pending, then applied when asked again, one patch', async () => {
    const sku = skus[3]!;
    // Held by the sandbox until released: the asks before it can't race a delay.
    await control(h.sandbox, 'listings/patch-delay', { seconds: 'held' });
    const u = update(sku, `settle-late-${sku}`, '77.31');
    const first = await send(u);
    expect(first).toMatchObject({ status: 'pending', platformReference: { kind: 'submission' } });
    expect(await send(u)).toMatchObject({ status: 'pending' });

    expect(await control(h.sandbox, 'listings/patch-release', {})).toEqual({ released: 1 });
    expect(await amazonPrice(sku)).toBe('77.31');
    expect(await send(u)).toMatchObject({ status: 'applied', price: { amount: '77.31', currency: 'USD' } });
    expect(await patches(sku)).toBe(1);
  });

  it('an accepted patch that never shows: failed with what Amazon shows once the bound has passed, one patch', async () => {
    const sku = skus[4]!;
    const before = await amazonPrice(sku);
    await control(h.sandbox, 'listings/patch-delay', { seconds: 'never' });
    const u = update(sku, `settle-never-${sku}`, '88.88');
    expect(await send(u)).toMatchObject({ status: 'pending' });
    expect(await ask(u.idempotencyKey)).toMatchObject({ status: 'pending' });

    pastTheBound();
    const failed = await send(u);
    expect(failed).toMatchObject({ status: 'failed', reason: 'rejected', retryable: false, platformError: { code: 'PATCH_NOT_APPLIED' } });
    expect(failed.status === 'failed' && failed.message).toContain(`Amazon shows ${before} USD for ${sku} in ${US}, not 88.88 USD`);
    expect(await ask(u.idempotencyKey)).toMatchObject({ status: 'failed' });
    expect(await patches(sku)).toBe(1);
    expect(await amazonPrice(sku)).toBe(before);
  });
});
