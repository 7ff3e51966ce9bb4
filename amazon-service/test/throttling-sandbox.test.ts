// Throttling against the sandbox: a brief 429 is retried (bounded, jittered) and succeeds; sustained 429s
// end in a clear rate-limited problem after a bounded number of attempts, never a hang.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_SELLER, US, connectDemoSeller, control, json, sandboxLog, signedFetch, startHarness, type Harness } from './support/harness';

let h: Harness;
const SHOP = 'throttle-shop.myshopify.com';
let sku = '';

beforeAll(async () => {
  h = await startHarness();
  await connectDemoSeller(h, SHOP);
  sku = (await control<{ listings: { sku: string }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`)).listings[0]!.sku;
});
afterAll(async () => h?.close());

const getPrice = () => signedFetch(h.service.url, SHOP, 'GET', `/connector/pricing/price?externalId=${encodeURIComponent(sku)}&marketplaceId=${US}`);
const attempts = async (since: number) => (await sandboxLog(h.sandbox, { since, kind: 'request', path: `/listings/2021-08-01/items/${DEMO_SELLER}/` })).entries;

it('retries a short burst of 429s and succeeds', async () => {
  const mark = (await sandboxLog(h.sandbox, { limit: 1 })).lastId;
  await control(h.sandbox, 'throttle', { operation: 'getListingsItem', count: 2 });
  const res = await getPrice();
  expect(res.status, await res.clone().text()).toBe(200);
  expect((await attempts(mark)).map((e) => e.status)).toEqual([429, 429, 200]);
});

it('ends sustained 429s in a rate-limited problem after bounded attempts', async () => {
  const mark = (await sandboxLog(h.sandbox, { limit: 1 })).lastId;
  await control(h.sandbox, 'throttle', { operation: 'getListingsItem', count: 1000 });
  const started = Date.now();
  const res = await getPrice();
  const elapsed = Date.now() - started;
  expect(res.status).toBe(429);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  const problem = await json<{ type: string; code: string; detail: string; retryAfter: number; platformError: { code: string } }>(res);
  expect(problem).toMatchObject({ code: 'rate_limited', platformError: { code: 'QuotaExceeded' } });
  expect(problem.detail).toMatch(/kept throttling getListingsItem/);
  const tries = await attempts(mark);
  expect(tries.length).toBeLessThanOrEqual(6);
  expect(tries.every((t) => t.status === 429)).toBe(true);
  expect(elapsed).toBeLessThan(60_000);
  await fetch(`${h.sandbox.url}/_sandbox/amazon/throttle`, { method: 'DELETE' });
}, 90_000);
