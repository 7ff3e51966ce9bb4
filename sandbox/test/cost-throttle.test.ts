// Calculated query cost and the leaky bucket, with the numbers Shopify documents: scalars 0, objects 1,
// connections 2 + first x node cost, mutations 10, single queries capped at 1000; Standard 2000 points
// restoring 100/s, Advanced 4000/200, Plus 20000/1000; THROTTLED with HTTP 200 when short.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, control, installToken, rawGraphql, SHOP, startTestContext, type TestContext } from './helpers';

let t: TestContext;
let token: string;
const BIG = 'bucket-shop.myshopify.com';
let bigToken: string;

beforeAll(async () => {
  t = await startTestContext({ timeScale: 1 });
  token = await installToken(t.sandbox);
  await control(t.sandbox, 'POST', 'shopify/shops', { domain: BIG, generate: { count: 260, variantsPerProduct: 2 } });
  bigToken = await installToken(t.sandbox, BIG);
});
afterAll(() => t?.close());

const cost = async (query: string, tok = token, shop = SHOP) => {
  const { extensions, errors } = await adminClient(tok, shop).request(query);
  return { ...(extensions?.cost as { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: Record<string, number> }), errors };
};

describe('calculated query cost', () => {
  it('prices objects 1 and scalars 0', async () => {
    const c = await cost('{ shop { id name currencyCode myshopifyDomain } }');
    expect([c.requestedQueryCost, c.actualQueryCost]).toEqual([1, 1]);
    const nested = await cost('{ shop { name plan { displayName } primaryDomain { host } } }');
    expect([nested.requestedQueryCost, nested.actualQueryCost]).toEqual([3, 3]);
  });

  it('sizes connections by first, and the actual cost by what came back', async () => {
    const c = await cost('{ products(first: 10) { edges { node { title } } pageInfo { hasNextPage } } }');
    expect(c.requestedQueryCost).toBe(12);
    expect(c.actualQueryCost).toBe(12);
    const few = await cost('{ products(first: 10, query: "sku:CAL-TRAI*") { edges { node { title } } } }');
    expect([few.requestedQueryCost, few.actualQueryCost]).toEqual([12, 3]);
    const nested = await cost('{ products(first: 5) { nodes { id variants(first: 10) { nodes { sku } } } } }');
    expect(nested.requestedQueryCost).toBe(2 + 5 * (1 + 2 + 10));
  });

  it('prices a mutation 10', async () => {
    const c = await cost('mutation { productVariantsBulkUpdate(productId: "gid://shopify/Product/1", variants: []) { userErrors { message } } }');
    expect([c.requestedQueryCost, c.actualQueryCost]).toEqual([10, 10]);
  });

  it('refuses a single query over 1000 points', async () => {
    const r = await rawGraphql(token, { query: '{ products(first: 250) { nodes { variants(first: 250) { nodes { id } } } } }' });
    expect(r.status).toBe(200);
    expect(r.json.errors[0].extensions).toMatchObject({ code: 'MAX_COST_EXCEEDED', cost: 2 + 250 * (1 + 252), maxCost: 1000 });
  });
});

describe('leaky bucket', () => {
  it('reports the Standard plan bucket and refunds unused points', async () => {
    const c = await cost('{ products(first: 250, query: "sku:CAL-TRAI*") { nodes { id } } }');
    expect(c.throttleStatus).toMatchObject({ maximumAvailable: 2000, restoreRate: 100 });
    expect(c.requestedQueryCost).toBe(252);
    expect(c.actualQueryCost).toBe(3);
    expect(c.throttleStatus.currentlyAvailable).toBeGreaterThan(2000 - 252);
  });

  it('throttles with HTTP 200 and THROTTLED when a query costs more than is available', async () => {
    const query = '{ products(first: 250) { nodes { id } } }';
    const statuses: Array<{ status: number; json: any }> = []; // eslint-disable-line @typescript-eslint/no-explicit-any
    const started = Date.now();
    for (let i = 0; i < 9; i++) statuses.push(await rawGraphql(bigToken, { query }, BIG));
    const elapsedS = (Date.now() - started) / 1000;
    const ok = statuses.filter((s) => !s.json.errors);
    const throttled = statuses.filter((s) => s.json.errors?.[0]?.extensions?.code === 'THROTTLED');
    expect(ok[0]!.json.extensions.cost).toMatchObject({ requestedQueryCost: 252, actualQueryCost: 252 });
    // 2000 points plus 100/s restored while the requests ran: at most that much was spent.
    expect(ok.length * 252).toBeLessThanOrEqual(2000 + 100 * elapsedS);
    expect(ok.length).toBeGreaterThanOrEqual(7);
    expect(throttled.length).toBe(9 - ok.length);
    expect(throttled.length).toBeGreaterThan(0);
    for (const th of throttled) {
      expect(th.status).toBe(200);
      expect(th.json.data).toBeUndefined();
      expect(th.json.errors[0]).toEqual({ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } });
      const c = th.json.extensions.cost;
      expect(c.actualQueryCost).toBeNull();
      expect(c.throttleStatus.currentlyAvailable).toBeLessThan(252);
      expect(c.throttleStatus).toMatchObject({ maximumAvailable: 2000, restoreRate: 100 });
    }
    // The client waits (252 - available) / 100 seconds, then gets through.
    const last = throttled[throttled.length - 1]!.json.extensions.cost.throttleStatus.currentlyAvailable as number;
    await new Promise((r) => setTimeout(r, ((252 - last) / 100) * 1000 + 50));
    // Under a loaded CI the request may land a few ms early of the bucket's restore: it gets through within a second more.
    await expect.poll(async () => (await rawGraphql(bigToken, { query }, BIG)).json.errors, { timeout: 1_000, interval: 100 }).toBeUndefined();
  });

  it('gives Advanced and Plus stores their bigger buckets', async () => {
    await control(t.sandbox, 'POST', `shopify/shops/${BIG}/plan`, { plan: 'advanced' });
    expect((await cost('{ shop { name } }', bigToken, BIG)).throttleStatus).toMatchObject({ maximumAvailable: 4000, restoreRate: 200 });
    await control(t.sandbox, 'POST', `shopify/shops/${BIG}/plan`, { plan: 'plus' });
    expect((await cost('{ shop { name } }', bigToken, BIG)).throttleStatus).toMatchObject({ maximumAvailable: 20000, restoreRate: 1000 });
  });

  it('forced throttling (fault injection) empties the bucket for the next request', async () => {
    const f = await control<{ id: string }>(t.sandbox, 'POST', 'faults', { platform: 'shopify', kind: 'throttle', host: SHOP, count: 1 });
    expect(f.status).toBe(201);
    const r = await rawGraphql(token, { query: '{ shop { name } }' });
    expect(r.json.errors[0].extensions.code).toBe('THROTTLED');
    expect(r.json.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(50);
    await new Promise((res) => setTimeout(res, 30));
    expect((await rawGraphql(token, { query: '{ shop { name } }' })).json.data.shop.name).toBe('Calibrate Demo Outfitters');
  });
});

describe('time scale', () => {
  it('restores faster by the time scale, reporting the scaled rate', async () => {
    const fast = await startTestContext({ timeScale: 50 });
    try {
      const tok = await installToken(fast.sandbox);
      await control(fast.sandbox, 'POST', `shopify/shops/${SHOP}/throttle`, {});
      await new Promise((r) => setTimeout(r, 200));
      const c = (await adminClient(tok).request('{ shop { name } }')).extensions!.cost as { throttleStatus: { currentlyAvailable: number; restoreRate: number; maximumAvailable: number } };
      expect(c.throttleStatus.restoreRate).toBe(5000);
      expect(c.throttleStatus.maximumAvailable).toBe(2000);
      // 0.2 s at 100/s x 50 = ~1000 points (timers are not exact).
      expect(c.throttleStatus.currentlyAvailable).toBeGreaterThan(800);
      expect(c.throttleStatus.currentlyAvailable).toBeLessThan(2000);
    } finally {
      await fast.close();
    }
  });
});
