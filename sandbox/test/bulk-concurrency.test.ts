// API 2026-10's bulk rules: up to five bulk mutations run at once per shop and app (the sixth is refused
// with OPERATION_IN_PROGRESS until one finishes; a call naming a version before 2026-01 still gets one at a
// time), and `bulkOperations` (a connection with search filters, newest first) and `bulkOperation(id)`
// answer what `currentBulkOperation` alone could not: which of several runs is which.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminApiClient } from '@shopify/admin-api-client';
import { adminClient, control, installToken, SHOP, startTestContext, type TestContext } from './helpers';

let t: TestContext;
let client: AdminApiClient;
let legacy: AdminApiClient;

beforeAll(async () => {
  t = await startTestContext({ timeScale: 200 });
  const token = await installToken(t.sandbox);
  client = adminClient(token, SHOP, '2026-10');
  legacy = adminClient(token, SHOP, '2025-01');
});
afterAll(() => t?.close());

const RUN = `mutation($m: String!, $path: String!, $client: String) { bulkOperationRunMutation(mutation: $m, stagedUploadPath: $path, clientIdentifier: $client) { bulkOperation { id status } userErrors { code message } } }`;
const PRICE_DOC = (name: string) =>
  `mutation ${name}($productId: ID!, $variants: [ProductVariantsBulkInput!]!) { productVariantsBulkUpdate(productId: $productId, variants: $variants) { productVariants { id price } userErrors { message } } }`;
const OPS = `query($q: String, $first: Int, $after: String, $sortKey: BulkOperationsSortKeys, $reverse: Boolean) {
  bulkOperations(first: $first, after: $after, query: $q, sortKey: $sortKey, reverse: $reverse) {
    edges { cursor node { id status type query createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

let variant: { productId: string; variantId: string };

/** A staged JSONL setting our first product's first variant to `price`; returns its stagedUploadPath. */
async function stage(price: string): Promise<string> {
  if (!variant) {
    const { data } = await client.request(`{ products(first: 1, sortKey: TITLE) { nodes { id variants(first: 1) { nodes { id } } } } }`);
    variant = { productId: data.products.nodes[0].id, variantId: data.products.nodes[0].variants.nodes[0].id };
  }
  const { data } = await client.request(
    `mutation($input: [StagedUploadInput!]!) { stagedUploadsCreate(input: $input) { stagedTargets { url parameters { name value } } userErrors { message } } }`,
    { variables: { input: [{ resource: 'BULK_MUTATION_VARIABLES', filename: 'vars.jsonl', mimeType: 'text/jsonl', httpMethod: 'POST' }] } },
  );
  const target = data.stagedUploadsCreate.stagedTargets[0] as { url: string; parameters: Array<{ name: string; value: string }> };
  const form = new FormData();
  for (const p of target.parameters) form.append(p.name, p.value);
  form.append('file', new Blob([JSON.stringify({ productId: variant.productId, variants: [{ id: variant.variantId, price }] })], { type: 'text/jsonl' }), 'vars.jsonl');
  expect((await fetch(target.url, { method: 'POST', body: form })).status).toBe(201);
  return target.parameters.find((p) => p.name === 'key')!.value;
}

async function run(c: AdminApiClient, name: string, path: string) {
  const { data } = await c.request(RUN, { variables: { m: PRICE_DOC(name), path, client: `calibr-test-${name}` } });
  return data.bulkOperationRunMutation as { bulkOperation: { id: string; status: string } | null; userErrors: Array<{ code: string; message: string }> };
}

async function byId(id: string) {
  const { data } = await client.request(`query($id: ID!) { bulkOperation(id: $id) { id status type objectCount query url } }`, { variables: { id } });
  return data.bulkOperation as { id: string; status: string; type: string; objectCount: string; query: string; url: string | null } | null;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('bulk mutations under 2026-10', () => {
  it('runs five at once, refuses the sixth until one finishes, and tells them apart by id and by filter', async () => {
    // Each step takes 2 real seconds: all five are still going when the sixth is asked for.
    expect((await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/bulk-pace`, { seconds: 2 })).status).toBe(200);
    const paths = await Promise.all(['11.01', '11.02', '11.03', '11.04', '11.05', '11.06'].map(stage));
    const started = [];
    for (let i = 0; i < 5; i++) started.push(await run(client, `Run${i}`, paths[i]!));
    for (const s of started) expect(s.userErrors).toEqual([]);
    const ids = started.map((s) => s.bulkOperation!.id);
    expect(new Set(ids).size).toBe(5);

    const sixth = await run(client, 'Run5', paths[5]!);
    expect(sixth.bulkOperation).toBeNull();
    expect(sixth.userErrors).toHaveLength(1);
    expect(sixth.userErrors[0]!.code).toBe('OPERATION_IN_PROGRESS');
    for (const id of ids) expect(sixth.userErrors[0]!.message).toContain(id);

    // bulkOperations: the five unfinished mutations, newest first; the filter excludes queries.
    const { data: unfinished } = await client.request(OPS, { variables: { q: 'operation_type:mutation -status:completed -status:canceled -status:failed', first: 10 } });
    expect(unfinished.bulkOperations.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([...ids].reverse());
    const { data: queries } = await client.request(OPS, { variables: { q: 'operation_type:query', first: 10 } });
    expect(queries.bulkOperations.edges).toEqual([]);
    // Each run is known by its own document (the operation name we gave it).
    for (const [i, id] of ids.entries()) expect((await byId(id))!.query).toContain(`mutation Run${i}(`);

    // Once one finishes, the sixth starts.
    const first = await until('the first run to finish', async () => {
      const op = await byId(ids[0]!);
      return op && op.status === 'COMPLETED' ? op : undefined;
    });
    expect(first).toMatchObject({ type: 'MUTATION', objectCount: '1' });
    const retried = await run(client, 'Run5', paths[5]!);
    expect(retried.userErrors).toEqual([]);
    expect((await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/bulk-pace`, { seconds: 'off' })).status).toBe(200);
  }, 60_000);

  it('a call naming a version before 2026-01 gets one at a time', async () => {
    expect((await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/bulk-pace`, { seconds: 2 })).status).toBe(200);
    // Whatever the first test left running finishes first.
    await until('no bulk mutation running', async () => {
      const { data } = await client.request(OPS, { variables: { q: 'operation_type:mutation status:created OR operation_type:mutation status:running', first: 10 } });
      return data.bulkOperations.edges.length === 0 ? true : undefined;
    });
    const [a, b] = await Promise.all([stage('12.01'), stage('12.02')]);
    expect((await run(legacy, 'Legacy1', a!)).userErrors).toEqual([]);
    const second = await run(legacy, 'Legacy2', b!);
    expect(second.userErrors[0]).toMatchObject({ code: 'OPERATION_IN_PROGRESS' });
    expect(second.userErrors[0]!.message).toMatch(/already in progress/);
    expect((await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/bulk-pace`, { seconds: 'off' })).status).toBe(200);
  }, 60_000);

  it('pages bulkOperations with cursors, filters by id and created_at, and sorts either way', async () => {
    const all = await client.request(OPS, { variables: { first: 250 } });
    const edges = all.data.bulkOperations.edges as Array<{ cursor: string; node: { id: string; createdAt: string } }>;
    expect(edges.length, "six runs of the first test and one of the second").toBe(7);
    const numeric = edges.map((e) => Number(e.node.id.split('/').pop()));
    expect(numeric, 'newest first').toEqual([...numeric].sort((x, y) => y - x));

    const page1 = await client.request(OPS, { variables: { first: 3 } });
    expect(page1.data.bulkOperations.pageInfo.hasNextPage).toBe(true);
    const page2 = await client.request(OPS, { variables: { first: 3, after: page1.data.bulkOperations.pageInfo.endCursor } });
    expect([...page1.data.bulkOperations.edges, ...page2.data.bulkOperations.edges].map((e: { node: { id: string } }) => e.node.id)).toEqual(edges.slice(0, 6).map((e) => e.node.id));

    const oldest = await client.request(OPS, { variables: { first: 1, reverse: true } });
    expect(oldest.data.bulkOperations.edges[0].node.id).toBe(edges[edges.length - 1]!.node.id);

    const pivot = numeric[3]!;
    const byIdRange = await client.request(OPS, { variables: { first: 250, q: `id:>=${pivot}` } });
    expect(byIdRange.data.bulkOperations.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(edges.slice(0, 4).map((e) => e.node.id));
    const future = await client.request(OPS, { variables: { first: 250, q: `created_at:>${new Date(Date.now() + 60_000).toISOString()}` } });
    expect(future.data.bulkOperations.edges).toEqual([]);

    expect(await byId('gid://shopify/BulkOperation/1')).toBeNull();
  });
});
