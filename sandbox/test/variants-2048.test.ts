// Since API 2026-01 a product may have 2,048 variants: the control API seeds one (generate.variantsPerProduct
// up to 2,048; more is refused, as Shopify refuses a 2,049th variant), its variants page 250 at a time, and
// productVariantsBulkUpdate still takes at most 250 variants a call (MAX_INPUT_SIZE_EXCEEDED beyond).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminApiClient } from '@shopify/admin-api-client';
import { adminClient, control, installToken, SHOP, startTestContext, type TestContext } from './helpers';

let t: TestContext;
let client: AdminApiClient;

beforeAll(async () => {
  t = await startTestContext({ timeScale: 200, seed: 'none' });
  expect((await control(t.sandbox, 'POST', 'shopify/shops', { domain: SHOP, install: true, generate: { count: 1, variantsPerProduct: 2048, prefix: 'BIG' } })).status).toBe(201);
  client = adminClient(await installToken(t.sandbox), SHOP, '2026-10');
}, 60_000);
afterAll(() => t?.close());

describe('a product with 2,048 variants', () => {
  it('is seeded whole, and a 2,049th variant is refused', async () => {
    const raw = await control<{ products: Array<{ variants: unknown[] }> }>(t.sandbox, 'GET', `shopify/shops/${SHOP}/products`);
    expect(raw.body.products.map((p) => p.variants.length)).toEqual([2048]);
    const over = await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/products`, { generate: { count: 1, variantsPerProduct: 2049 } });
    expect(over.status).toBe(400);
    const explicit = await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/products`, { products: [{ title: 'Too many', variants: Array.from({ length: 2049 }, (_, i) => ({ sku: `X-${i}`, price: '1.00' })) }] });
    expect(explicit.status).toBe(400);
  });

  it('pages its variants 250 at a time, and updates them 250 a call at most', async () => {
    const { data } = await client.request(`{ products(first: 1) { nodes { id } } }`);
    const productId = data.products.nodes[0].id as string;
    const ids: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      type Page = { product: { variants: { nodes: Array<{ id: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } };
      const page: { data?: Page } = await client.request<Page>(`query($id: ID!, $after: String) { product(id: $id) { variants(first: 250, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } } }`, { variables: { id: productId, after } });
      const variants = page.data!.product.variants;
      ids.push(...variants.nodes.map((n) => n.id));
      after = variants.pageInfo.hasNextPage ? variants.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(ids).toHaveLength(2048);
    expect(new Set(ids).size).toBe(2048);
    expect(pages).toBe(9);

    const UPDATE = `mutation($p: ID!, $v: [ProductVariantsBulkInput!]!) { productVariantsBulkUpdate(productId: $p, variants: $v) { productVariants { id } userErrors { code message } } }`;
    const tooMany = await client.request(UPDATE, { variables: { p: productId, v: ids.slice(0, 251).map((id) => ({ id, price: '9.99' })) } });
    expect(tooMany.errors?.graphQLErrors?.[0]?.extensions?.code).toBe('MAX_INPUT_SIZE_EXCEEDED');
    const ok = await client.request(UPDATE, { variables: { p: productId, v: ids.slice(1798).map((id) => ({ id, price: '9.99' })) } });
    expect(ok.data.productVariantsBulkUpdate.userErrors).toEqual([]);
    expect(ok.data.productVariantsBulkUpdate.productVariants).toHaveLength(250);
  });
});
