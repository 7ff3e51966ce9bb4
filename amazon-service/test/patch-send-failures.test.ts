// patchListingsItem sends that fail, over real HTTP with the sandbox's faults (POST /pricing, GET
// /pricing/updates/:key):
// - ambiguous (the patch may have landed: answer dropped after Amazon acted, 503, connection reset): the
//   update's row is kept `queued` with the send's time, so the same key asked again is settled from the
//   listing (settle-patch.ts) and never patched blind: one patch Amazon acted on, the update applied;
// - a clear refusal (400 with Amazon's error): failed with Amazon's message, nothing kept pending; a 403
//   forgets the row, so the same key goes out again once allowed.
import { testDatabaseProviders } from '@calibr/db';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectDemoSeller, control, startHarness, type Harness } from './support/harness';
import { patchPricing, usSkus } from './support/patch-pricing';

/**
 * The settle bound while a test is "within" it: longer than any test (PATCH_SETTLE_MS on real Amazon is
 * minutes). A test passes it by setting the service's bound to 0 (pastTheBound) rather than sleeping, so a
 * slow machine can't move an ask across the bound.
 */
const WITHIN_MS = 10 * 60_000;
const SP_API = 'sellingpartnerapi-*.amazon.com';

describe.each(testDatabaseProviders())('patchListingsItem send failures (%s)', (provider) => {
  let h: Harness;
  let skus: string[];
  const shop = `patch-send-failures-${provider}.myshopify.com`;

  beforeAll(async () => {
    h = await startHarness({ provider, service: { patchSettleMs: WITHIN_MS } });
    await connectDemoSeller(h, shop);
    skus = await usSkus(h);
  });
  afterEach(async () => {
    await fetch(`${h.sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    await control(h.sandbox, 'listings/patch-delay', { seconds: 'off' });
    h.service.ctx.patchSettleMs = WITHIN_MS;
  });
  afterAll(async () => h?.close());

  const { update, send, ask, patchRequests, amazonPrice } = patchPricing(() => h, shop);

  /** PATCH requests for the SKU the sandbox saw: all of them, and those Amazon acted on (2xx, answer dropped or not). */
  async function patches(sku: string): Promise<{ sent: number; acted: number }> {
    const all = await patchRequests(sku);
    return { sent: all.length, acted: all.filter((e) => e.status !== undefined && e.status >= 200 && e.status < 300).length };
  }

  /** Every unsettled update is now older than the bound. */
  const pastTheBound = () => {
    h.service.ctx.patchSettleMs = 0;
  };

  const rows = (key: string) => h.database.db.amazonPriceUpdate.findMany({ where: { idempotencyKey: key } });

  async function patchFault(fault: Record<string, unknown>): Promise<void> {
    // The core's faults (not under /_sandbox/amazon).
    const res = await fetch(`${h.sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ platform: 'amazon', host: SP_API, method: 'PATCH', path: '/listings/2021-08-01/items/*', count: 1, ...fault }),
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
  }

  it('answer dropped after Amazon accepted a patch that shows later: the same key asked again is pending, then applied, one patch', async () => {
    const sku = skus[0]!;
    // Held by the sandbox until released: the asks before it can't race a delay.
    await control(h.sandbox, 'listings/patch-delay', { seconds: 'held' });
    await patchFault({ kind: 'drop_answer' });
    const u = update(sku, `ambiguous-dropped-${sku}`, '63.21');

    const first = await send(u);
    expect(first).toMatchObject({ status: 'failed', retryable: true, reason: 'platform_unavailable' });
    expect(first.status === 'failed' && first.message).toMatch(/answer to patchListingsItem was lost/);
    // Sent, outcome unknown: kept.
    expect((await rows(u.idempotencyKey)).map((r) => r.status)).toEqual(['queued']);

    // Asked again before the patch shows: settled from the listing (not ours yet, within the bound), no second patch.
    expect(await send(u)).toMatchObject({ status: 'pending' });
    expect(await ask(u.idempotencyKey)).toMatchObject({ status: 'pending' });
    expect(await patches(sku)).toEqual({ sent: 1, acted: 1 });

    expect(await control(h.sandbox, 'listings/patch-release', {})).toEqual({ released: 1 });
    expect(await amazonPrice(sku)).toBe('63.21');
    expect(await send(u)).toMatchObject({ status: 'applied', price: { amount: '63.21', currency: 'USD' } });
    expect(await ask(u.idempotencyKey)).toMatchObject({ status: 'applied' });
    expect(await patches(sku)).toEqual({ sent: 1, acted: 1 });
    expect((await rows(u.idempotencyKey)).map((r) => r.status)).toEqual(['applied']);
  });

  it.each([
    ['503 from Amazon', { kind: 'status', status: 503 }, 1],
    ['connection reset', { kind: 'reset' }, undefined],
  ] as const)('%s on the patch: not resent blind; the same key asked again is pending within the bound, then sent once under the same row, applied', async (_name, fault, loggedFailures) => {
    const sku = fault.kind === 'reset' ? skus[2]! : skus[1]!;
    await patchFault(fault);
    const u = update(sku, `ambiguous-${fault.kind}-${sku}`, '58.02');

    const first = await send(u);
    expect(first).toMatchObject({ status: 'failed', retryable: true, reason: 'platform_unavailable' });
    const [row] = await rows(u.idempotencyKey);
    expect(row).toMatchObject({ status: 'queued' });
    expect(row!.submittedAt).not.toBeNull();
    const afterFirst = await patches(sku);
    expect(afterFirst.acted).toBe(0);
    if (loggedFailures !== undefined) expect(afterFirst.sent).toBe(loggedFailures);

    // Within the bound the patch might still show: nothing sent.
    expect(await send(u)).toMatchObject({ status: 'pending' });
    expect(await patches(sku)).toEqual(afterFirst);

    // Past it, the listing untouched since: one patch under the same row.
    pastTheBound();
    expect(await send(u)).toMatchObject({ status: 'applied', price: { amount: '58.02', currency: 'USD' } });
    expect(await ask(u.idempotencyKey)).toMatchObject({ status: 'applied' });
    expect(await patches(sku)).toEqual({ sent: afterFirst.sent + 1, acted: 1 });
    expect(await amazonPrice(sku)).toBe('58.02');
    expect((await rows(u.idempotencyKey)).map((r) => [r.id, r.status])).toEqual([[row!.id, 'applied']]);
  });

  it('a 400 with Amazon’s error: failed with Amazon’s message, nothing kept pending, not sent again', async () => {
    const sku = skus[3]!;
    const before = await amazonPrice(sku);
    const message = 'The value for purchasable_offer is not valid for this listing.';
    await patchFault({ kind: 'status', status: 400, body: { errors: [{ code: 'InvalidInput', message }] } });
    const u = update(sku, `refused-400-${sku}`, '12.34');

    const result = await send(u);
    expect(result).toMatchObject({ status: 'failed', retryable: false, platformError: { code: 'InvalidInput' } });
    expect(result.status === 'failed' && result.message).toContain(message);
    expect((await rows(u.idempotencyKey)).map((r) => [r.status, r.errorCode])).toEqual([['failed', 'InvalidInput']]);
    // Asked again: answered from the record, no patch.
    expect(await send(u)).toMatchObject({ status: 'failed', platformError: { code: 'InvalidInput' } });
    expect(await ask(u.idempotencyKey)).toMatchObject({ status: 'failed' });
    expect(await patches(sku)).toEqual({ sent: 1, acted: 0 });
    expect(await amazonPrice(sku)).toBe(before);
  });

  it('a 403 refusal: retryable, no row kept, the same key goes out at once when allowed again', async () => {
    const sku = skus[4]!;
    await patchFault({ kind: 'status', status: 403, body: { errors: [{ code: 'AccessDenied', message: 'Access to requested resource is denied.' }] } });
    const u = update(sku, `refused-403-${sku}`, '23.45');

    const result = await send(u);
    expect(result).toMatchObject({ status: 'failed', retryable: true });
    expect(result.status === 'failed' && result.message).toContain('Access to requested resource is denied.');
    expect(await rows(u.idempotencyKey)).toEqual([]);
    // Not held by a settle bound: sent again right away.
    expect(await send(u)).toMatchObject({ status: 'applied' });
    expect(await patches(sku)).toEqual({ sent: 2, acted: 1 });
  });
});
