// The `drop_answer` fault over real HTTP: Shopify handles the request in full (the price changes,
// products/update is delivered) and then the connection is destroyed before any byte of the answer, so the
// client sees a reset. `bodyContains` aims it at one GraphQL operation; other requests are answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { control, installToken, rawGraphql, SHOP, startTestContext, type TestContext } from './helpers';

let t: TestContext;
let token: string;

beforeAll(async () => {
  t = await startTestContext();
  token = await installToken(t.sandbox);
});
afterAll(() => t?.close());

const GRAPHQL = '/admin/api/*/graphql.json';
const BULK_UPDATE = `mutation Update($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants) { productVariants { id price } userErrors { message } }
}`;

interface Variant {
  id: string;
  sku: string;
  price: string;
  productId: string;
}

async function variant(sku: string): Promise<Variant> {
  const res = await rawGraphql(token, {
    query: `query($q: String) { productVariants(first: 1, query: $q) { nodes { id sku price product { id } } } }`,
    variables: { q: `sku:${sku}` },
  });
  const node = res.json.data.productVariants.nodes[0] as { id: string; sku: string; price: string; product: { id: string } };
  return { id: node.id, sku: node.sku, price: node.price, productId: node.product.id };
}

describe('drop_answer', () => {
  it('refuses a bad bodyContains', async () => {
    const r = await control(t.sandbox, 'POST', 'faults', { kind: 'drop_answer', bodyContains: 42 });
    expect(r.status).toBe(400);
  });

  it('applies productVariantsBulkUpdate, fires products/update, and resets the connection before answering', async () => {
    const before = await variant('CAL-RIVE-COFF');
    expect(before.price).not.toBe('12.34');
    const since = (await control<{ lastId: number }>(t.sandbox, 'GET', 'log?limit=1')).body.lastId;
    const fault = await control<{ id: string }>(t.sandbox, 'POST', 'faults', {
      platform: 'shopify',
      kind: 'drop_answer',
      path: GRAPHQL,
      bodyContains: 'productVariantsBulkUpdate',
      count: 1,
    });
    expect(fault.status).toBe(201);

    // A query doesn't match the body filter: answered, and the fault is still waiting.
    expect((await rawGraphql(token, { query: '{ shop { name } }' })).status).toBe(200);
    expect((await control<{ faults: Array<{ hits: number }> }>(t.sandbox, 'GET', 'faults')).body.faults).toMatchObject([{ hits: 0, remaining: 1 }]);

    // The mutation: the client never sees an answer.
    await expect(rawGraphql(token, { query: BULK_UPDATE, variables: { productId: before.productId, variants: [{ id: before.id, price: '12.34' }] } })).rejects.toThrow(
      /fetch failed/,
    );
    // …yet Shopify acted: the price changed and the app got products/update with it.
    expect((await variant('CAL-RIVE-COFF')).price).toBe('12.34');
    const numericProductId = Number(before.productId.split('/').pop());
    const hook = await t.app.waitFor((r) => r.path === '/webhooks/products/update' && JSON.parse(r.rawBody).id === numericProductId && r.rawBody.includes('12.34'));
    expect(hook.headers['x-shopify-topic']).toBe('products/update');

    // The log keeps the request with the status it had, marked as an answer that never left.
    const log = await control<{ entries: Array<{ kind: string; status?: number; path: string; detail?: { answerDropped?: boolean } }> }>(
      t.sandbox,
      'GET',
      `log?since=${since}&platform=shopify&kind=request`,
    );
    const dropped = log.body.entries.filter((e) => e.detail?.answerDropped);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ status: 200, path: '/admin/api/2025-01/graphql.json' });
    // count: 1 → gone after one hit; the next mutation is answered.
    expect((await control<{ faults: unknown[] }>(t.sandbox, 'GET', 'faults')).body.faults).toEqual([]);
    const again = await rawGraphql(token, { query: BULK_UPDATE, variables: { productId: before.productId, variants: [{ id: before.id, price: before.price }] } });
    expect(again.status).toBe(200);
    expect(again.json.data.productVariantsBulkUpdate.productVariants[0].price).toBe(before.price);
  });

  it('a merchant edit through the control API is untouched by a Shopify-host fault', async () => {
    await control(t.sandbox, 'POST', 'faults', { platform: 'shopify', kind: 'drop_answer' });
    const edited = await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/prices`, { sku: 'CAL-LUME-SOLA', price: '39.95' });
    expect(edited.status).toBe(200);
    await expect(rawGraphql(token, { query: '{ shop { name } }' })).rejects.toThrow(/fetch failed/);
    await control(t.sandbox, 'DELETE', 'faults');
    expect((await variant('CAL-LUME-SOLA')).price).toBe('39.95');
  });
});
