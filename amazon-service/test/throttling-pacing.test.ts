// The seller's getItemOffersBatch plan (0.1/s, burst 1) against the sandbox over HTTP: consecutive
// competitive reads through the service's limiter meet no 429 and use at least 90 % of the plan, and a
// lower rate in `x-amzn-RateLimit-Limit` than the service planned for slows it down before any 429.
// The service is started believing Amazon's clocks run 10 times faster than the sandbox's really do, so
// it plans for 10/s where the sandbox grants 1/s and only the header can tell it (the sandbox's time scale
// keeps the waits to what the rate itself requires: a period of one real second).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectDemoSeller, remoteConnector, sandboxLog, startHarness, US, type Harness } from './support/harness';

const SANDBOX_SCALE = 10;
const PERIOD_MS = 1000 / (0.1 * SANDBOX_SCALE);
const SHOP = 'pacing-shop.myshopify.com';
const BATCH_PATH = '/batches/products/pricing/v0/itemOffers';
const ASINS = ['B001VTSF4H', 'B001VJSTFI'];

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sandbox: { timeScale: SANDBOX_SCALE }, service: { timeScale: SANDBOX_SCALE * 10 } });
  await connectDemoSeller(h, SHOP, [US]);
});
afterAll(async () => h?.close());

/** getItemOffersBatch requests the sandbox saw after log entry `since`, with their statuses. */
async function batchCalls(since: number) {
  const { entries } = await sandboxLog(h.sandbox, { since, kind: 'request', path: BATCH_PATH, limit: 1000 });
  return entries.filter((e) => e.method === 'POST').map((e) => e.status);
}

async function readsInARow(count: number) {
  const connector = await remoteConnector(h, SHOP);
  for (let i = 0; i < count; i++) {
    const { listings } = await connector.pricing.getCompetitiveOffers!({ marketplaceId: US, itemIds: ASINS });
    expect(listings.map((l) => l.itemId)).toEqual(ASINS);
  }
}

it('backs off to the rate x-amzn-RateLimit-Limit reports, before any 429', async () => {
  const mark = (await sandboxLog(h.sandbox, { limit: 1 })).lastId;
  // Planned at 10/s, the second call would go 100 ms after the first and be refused; the first answer's
  // header (1.0) paces the rest.
  await readsInARow(4);
  expect(await batchCalls(mark)).toEqual([200, 200, 200, 200]);
});

it('paces consecutive calls at the plan: no 429, and no longer than the periods ÷ 0.9', async () => {
  const mark = (await sandboxLog(h.sandbox, { limit: 1 })).lastId;
  const n = 6;
  const started = Date.now();
  await readsInARow(n);
  const elapsed = Date.now() - started;
  expect(await batchCalls(mark)).toEqual(Array.from({ length: n }, () => 200));
  // The bucket refilled while the previous test's last answer was read, so the first call may go at once:
  // n calls need at most n periods; ≥ 90 % of the plan used means within n periods ÷ 0.9.
  expect(elapsed).toBeLessThanOrEqual((n * PERIOD_MS) / 0.9);
});
