// Admin GraphQL through Shopify's own client: pagination, filters, productVariantsBulkUpdate with
// userErrors, Shopify's error shapes, 401s and access scopes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, control, installToken, rawGraphql, SHOP, startTestContext, type TestContext } from './helpers';

let t: TestContext;
let token: string;

beforeAll(async () => {
  t = await startTestContext();
  token = await installToken(t.sandbox);
});
afterAll(() => t?.close());

const VARIANTS_PAGE = `query Variants($first: Int, $after: String, $last: Int, $before: String, $query: String) {
  productVariants(first: $first, after: $after, last: $last, before: $before, query: $query) {
    edges { cursor node { id sku price product { id } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

describe('pagination', () => {
  it('walks every variant with cursors, without gaps or repeats', async () => {
    const client = adminClient(token);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res: { data?: any; errors?: unknown } = await client.request(VARIANTS_PAGE, { variables: { first: 10, after } }); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(res.errors).toBeUndefined();
      const conn: { edges: Array<{ node: { sku: string } }>; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string } } = res.data.productVariants;
      seen.push(...conn.edges.map((e: { node: { sku: string } }) => e.node.sku));
      pages++;
      expect(conn.pageInfo.hasPreviousPage).toBe(pages > 1);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    const shop = await control<{ shop: { variants: number } }>(t.sandbox, 'GET', `shopify/shops/${SHOP}`);
    expect(seen.length).toBe(shop.body.shop.variants);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(Math.ceil(seen.length / 10));
  });

  it('pages backwards with last/before', async () => {
    const client = adminClient(token);
    const first = await client.request(VARIANTS_PAGE, { variables: { first: 6 } });
    const edges = first.data.productVariants.edges;
    const back = await client.request(VARIANTS_PAGE, { variables: { last: 3, before: edges[5].cursor } });
    expect(back.data.productVariants.edges.map((e: { node: { sku: string } }) => e.node.sku)).toEqual(
      edges.slice(2, 5).map((e: { node: { sku: string } }) => e.node.sku),
    );
    expect(back.data.productVariants.pageInfo.hasPreviousPage).toBe(true);
  });

  it('filters by sku (exact and prefix) and by updated_at', async () => {
    const client = adminClient(token);
    const exact = await client.request(VARIANTS_PAGE, { variables: { first: 50, query: 'sku:CAL-TRAI-RUNN-9' } });
    expect(exact.data.productVariants.edges.map((e: { node: { sku: string } }) => e.node.sku)).toEqual(['CAL-TRAI-RUNN-9']);
    const prefix = await client.request(VARIANTS_PAGE, { variables: { first: 50, query: 'sku:CAL-TRAI*' } });
    expect(prefix.data.productVariants.edges).toHaveLength(4); // size 12 is sold on Amazon only
    const since = new Date(Date.now() - 1000).toISOString();
    await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/prices`, { sku: 'CAL-FIRE-HEAD', price: '41.00' });
    const recent = await client.request(VARIANTS_PAGE, { variables: { first: 50, query: `updated_at:>'${since}'` } });
    expect(recent.data.productVariants.edges.map((e: { node: { sku: string; price: string } }) => [e.node.sku, e.node.price])).toEqual([['CAL-FIRE-HEAD', '41.00']]);
  });

  it('products connection with nested variants, and the first/last rule', async () => {
    const client = adminClient(token);
    const { data } = await client.request(`{ products(first: 2, query: "sku:CAL-TRAI-RUNN-10") { nodes { title variants(first: 10) { nodes { sku } } } } }`);
    expect(data.products.nodes).toHaveLength(1);
    expect(data.products.nodes[0].title).toBe('Trailhead Running Shoe');
    const bad = await rawGraphql(token, { query: '{ products { nodes { id } } }' });
    expect(bad.status).toBe(200);
    expect(bad.json.errors[0].message).toBe('you must provide one of first or last');
  });
});

const BULK_UPDATE = `mutation Update($productId: ID!, $variants: [ProductVariantsBulkInput!]!, $partial: Boolean) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants, allowPartialUpdates: $partial) {
    product { id }
    productVariants { id price compareAtPrice }
    userErrors { code field message }
  }
}`;

async function product(handleSku: string) {
  const { data } = await adminClient(token).request(`query($q: String) { products(first: 1, query: $q) { nodes { id variants(first: 10) { nodes { id sku price } } } } }`, {
    variables: { q: `sku:${handleSku}` },
  });
  return data.products.nodes[0] as { id: string; variants: { nodes: Array<{ id: string; sku: string; price: string }> } };
}

describe('productVariantsBulkUpdate', () => {
  it('updates prices of one product', async () => {
    const shoe = await product('CAL-TRAI-RUNN-8');
    const [a, b] = shoe.variants.nodes;
    const { data, errors } = await adminClient(token).request(BULK_UPDATE, {
      variables: { productId: shoe.id, variants: [{ id: a!.id, price: '119.99' }, { id: b!.id, price: '118', compareAtPrice: '149.00' }] },
    });
    expect(errors).toBeUndefined();
    expect(data.productVariantsBulkUpdate.userErrors).toEqual([]);
    expect(data.productVariantsBulkUpdate.productVariants).toEqual([
      { id: a!.id, price: '119.99', compareAtPrice: '149.00' },
      { id: b!.id, price: '118.00', compareAtPrice: '149.00' },
    ]);
  });

  it('returns userErrors and changes nothing when one input is bad (allowPartialUpdates false)', async () => {
    const shoe = await product('CAL-TRAI-RUNN-8');
    const other = await product('CAL-FIRE-HEAD');
    const before = shoe.variants.nodes.map((v) => v.price);
    const { data } = await adminClient(token).request(BULK_UPDATE, {
      variables: {
        productId: shoe.id,
        variants: [
          { id: shoe.variants.nodes[0]!.id, price: '99.00' },
          { id: shoe.variants.nodes[1]!.id, price: '-1.00' },
          { id: 'gid://shopify/ProductVariant/1', price: '10.00' },
          { id: other.variants.nodes[0]!.id, price: '10.00' },
          { price: '10.00' },
        ],
      },
    });
    const out = data.productVariantsBulkUpdate;
    expect(out.productVariants).toBeNull();
    expect(out.userErrors).toEqual([
      { code: 'GREATER_THAN_OR_EQUAL_TO', field: ['variants', '1', 'price'], message: 'Price must be greater than or equal to 0' },
      { code: 'PRODUCT_VARIANT_DOES_NOT_EXIST', field: ['variants', '2', 'id'], message: 'Product variant does not exist' },
      { code: 'MUST_BE_FOR_THIS_PRODUCT', field: ['variants', '3', 'id'], message: 'Product variant does not belong to the product.' },
      { code: 'PRODUCT_VARIANT_ID_MISSING', field: ['variants', '4', 'id'], message: 'Product variant is missing ID attribute.' },
    ]);
    expect((await product('CAL-TRAI-RUNN-8')).variants.nodes.map((v) => v.price)).toEqual(before);
  });

  it('applies the valid inputs when allowPartialUpdates is true', async () => {
    const shoe = await product('CAL-TRAI-RUNN-8');
    const { data } = await adminClient(token).request(BULK_UPDATE, {
      variables: { productId: shoe.id, partial: true, variants: [{ id: shoe.variants.nodes[0]!.id, price: '97.50' }, { id: shoe.variants.nodes[1]!.id, price: '-5' }] },
    });
    expect(data.productVariantsBulkUpdate.productVariants).toEqual([{ id: shoe.variants.nodes[0]!.id, price: '97.50', compareAtPrice: '149.00' }]);
    expect(data.productVariantsBulkUpdate.userErrors.map((e: { code: string }) => e.code)).toEqual(['GREATER_THAN_OR_EQUAL_TO']);
  });

  it('rejects a product that does not exist, a price that is not money, and more than 250 variants', async () => {
    const client = adminClient(token);
    const missing = await client.request(BULK_UPDATE, { variables: { productId: 'gid://shopify/Product/42', variants: [] } });
    expect(missing.data.productVariantsBulkUpdate.userErrors).toEqual([{ code: 'PRODUCT_DOES_NOT_EXIST', field: ['productId'], message: 'Product does not exist' }]);

    const shoe = await product('CAL-TRAI-RUNN-8');
    const notMoney = await rawGraphql(token, { query: BULK_UPDATE, variables: { productId: shoe.id, variants: [{ id: shoe.variants.nodes[0]!.id, price: 'twelve' }] } });
    expect(notMoney.json.data).toBeUndefined();
    expect(notMoney.json.errors[0].extensions.code).toBe('INVALID_VARIABLE');
    expect(notMoney.json.errors[0].message).toBe('Variable $variants of type [ProductVariantsBulkInput!]! was provided invalid value for 0.price (Could not coerce value "twelve" to Money)');
    expect(notMoney.json.errors[0].extensions.problems[0].path).toEqual([0, 'price']);

    const many = Array.from({ length: 251 }, () => ({ id: shoe.variants.nodes[0]!.id, price: '1.00' }));
    const tooMany = await rawGraphql(token, { query: BULK_UPDATE, variables: { productId: shoe.id, variants: many } });
    expect(tooMany.json.errors[0].extensions.code).toBe('MAX_INPUT_SIZE_EXCEEDED');
    expect(tooMany.json.data.productVariantsBulkUpdate).toBeNull();
  });
});

describe('node and nodes', () => {
  it('looks global ids up by type, null for unknown, at most 250 at once', async () => {
    const shoe = await product('CAL-TRAI-RUNN-8');
    const { data } = await adminClient(token).request(
      `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Product { title } ... on ProductVariant { sku } } }`,
      { variables: { ids: [shoe.id, shoe.variants.nodes[0]!.id, 'gid://shopify/Product/1'] } },
    );
    expect(data.nodes).toEqual([
      { __typename: 'Product', id: shoe.id, title: 'Trailhead Running Shoe' },
      { __typename: 'ProductVariant', id: shoe.variants.nodes[0]!.id, sku: 'CAL-TRAI-RUNN-8' },
      null,
    ]);
    const tooMany = await rawGraphql(token, { query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids: Array.from({ length: 251 }, (_, i) => `gid://shopify/Product/${i}`) } });
    expect(tooMany.json.errors[0].extensions.code).toBe('MAX_INPUT_SIZE_EXCEEDED');
  });
});

describe('errors', () => {
  it('a document that does not validate gets Shopify error shape, HTTP 200, no data', async () => {
    const r = await rawGraphql(token, { query: '{ shop { name nam } products(first: 1, foo: 2) { nodes { id } } }' });
    expect(r.status).toBe(200);
    expect(r.json.data).toBeUndefined();
    expect(r.json.errors).toEqual([
      expect.objectContaining({ message: "Field 'nam' doesn't exist on type 'Shop'", path: ['query', 'shop', 'nam'], extensions: { code: 'undefinedField', typeName: 'Shop', fieldName: 'nam' } }),
      expect.objectContaining({ message: "Field 'products' doesn't accept argument 'foo'", path: ['query', 'products', 'foo'], extensions: expect.objectContaining({ code: 'argumentNotAccepted', argumentName: 'foo' }) }),
    ]);
    const parse = await rawGraphql(token, { query: '{ shop { name }' });
    expect(parse.json.errors[0].message).toMatch(/^Parse error on .* at \[1, 16\]$/);
    const noQuery = await rawGraphql(token, { variables: {} });
    expect(noQuery.status).toBe(400);
    expect(noQuery.json).toEqual({ errors: { query: 'Required parameter missing or invalid' } });
  });

  it('answers 401 for a missing, bad or revoked token', async () => {
    for (const bad of [null, 'shpat_0000', 'not-a-token']) {
      const r = await rawGraphql(bad, { query: '{ shop { name } }' });
      expect(r.status).toBe(401);
      expect(r.json.errors).toBe('[API] Invalid API key or access token (unrecognized login or wrong password)');
    }
    const client = adminClient('shpat_0000');
    await expect(client.request('{ shop { name } }')).resolves.toMatchObject({ errors: { networkStatusCode: 401 } });
  });

  it('denies fields outside the granted scopes', async () => {
    const readOnly = await control<{ token: { access_token: string } }>(t.sandbox, 'POST', 'shopify/shops', {
      domain: 'scoped-shop',
      generate: { count: 2, variantsPerProduct: 1 },
      install: false,
    });
    expect(readOnly.status).toBe(201);
    const tok = await installToken(t.sandbox, 'scoped-shop.myshopify.com', { scopes: ['read_orders'] });
    const r = await rawGraphql(tok, { query: '{ shop { name } products(first: 1) { nodes { id } } }' }, 'scoped-shop.myshopify.com');
    // products is non-null (ProductConnection!), so the denial nulls the whole data, as graphql-ruby does.
    expect(r.json.data).toBeNull();
    expect(r.json.errors[0]).toMatchObject({ path: ['products'], extensions: { code: 'ACCESS_DENIED', requiredAccess: '`read_products` access scope.' } });
  });

  it('keeps shops apart: a token for one shop is refused by another', async () => {
    const r = await rawGraphql(token, { query: '{ shop { name } }' }, 'calibr-demo-eu.myshopify.com');
    expect(r.status).toBe(401);
  });
});
