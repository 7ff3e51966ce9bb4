// The bulk-operation path: stagedUploadsCreate -> multipart upload to the staged target (routed storage
// host) -> bulkOperationRunMutation over the JSONL -> currentBulkOperation/node until COMPLETED -> the result
// JSONL; and bulkOperationRunQuery for a whole catalog read with nested connections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminApiClient } from '@shopify/admin-api-client';
import { adminClient, installToken, SHOP, startTestContext, type TestContext } from './helpers';

let t: TestContext;
let client: AdminApiClient;

beforeAll(async () => {
  t = await startTestContext({ timeScale: 200 });
  client = adminClient(await installToken(t.sandbox));
});
afterAll(() => t?.close());

const STAGE = `mutation($input: [StagedUploadInput!]!) { stagedUploadsCreate(input: $input) { stagedTargets { url resourceUrl parameters { name value } } userErrors { field message } } }`;
const RUN_MUTATION = `mutation($m: String!, $path: String!) { bulkOperationRunMutation(mutation: $m, stagedUploadPath: $path) { bulkOperation { id status type } userErrors { code field message } } }`;
const BULK_UPDATE_DOC = `mutation call($productId: ID!, $variants: [ProductVariantsBulkInput!]!) { productVariantsBulkUpdate(productId: $productId, variants: $variants) { productVariants { id price } userErrors { code field message } } }`;

async function stageJsonl(jsonl: string, httpMethod: 'POST' | 'PUT' = 'POST'): Promise<string> {
  const { data } = await client.request(STAGE, { variables: { input: [{ resource: 'BULK_MUTATION_VARIABLES', filename: 'bulk_op_vars', mimeType: 'text/jsonl', httpMethod }] } });
  expect(data.stagedUploadsCreate.userErrors).toEqual([]);
  const target = data.stagedUploadsCreate.stagedTargets[0] as { url: string; parameters: Array<{ name: string; value: string }> };
  if (httpMethod === 'PUT') {
    const res = await fetch(target.url, { method: 'PUT', headers: { 'content-type': 'text/jsonl' }, body: jsonl });
    expect(res.status).toBe(200);
    return new URL(target.url).pathname.slice(1);
  }
  const form = new FormData();
  for (const p of target.parameters) form.append(p.name, p.value);
  form.append('file', new Blob([jsonl], { type: 'text/jsonl' }), 'bulk_op_vars');
  const res = await fetch(target.url, { method: 'POST', body: form });
  expect(res.status).toBe(201);
  expect(await res.text()).toContain('<PostResponse>');
  return target.parameters.find((p) => p.name === 'key')!.value;
}

async function waitForBulk(type: 'QUERY' | 'MUTATION') {
  for (let i = 0; i < 200; i++) {
    const { data } = await client.request(`query($type: BulkOperationType) { currentBulkOperation(type: $type) { id status errorCode objectCount rootObjectCount fileSize url } }`, { variables: { type } });
    const op = data.currentBulkOperation;
    if (op && !['CREATED', 'RUNNING'].includes(op.status)) return op;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('bulk operation did not finish');
}

async function download(url: string): Promise<Array<Record<string, any>>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
}

describe('bulk mutation', () => {
  it('runs productVariantsBulkUpdate for each line of an uploaded JSONL', async () => {
    const { data } = await client.request(`{ products(first: 3, sortKey: TITLE) { nodes { id title variants(first: 5) { nodes { id sku price } } } } }`);
    const products = data.products.nodes as Array<{ id: string; variants: { nodes: Array<{ id: string; price: string }> } }>;
    const lines = products.map((p, i) => ({
      productId: p.id,
      variants: p.variants.nodes.map((v) => ({ id: v.id, price: i === 2 ? '-3.00' : `${10 + i}.25` })),
    }));
    const key = await stageJsonl(lines.map((l) => JSON.stringify(l)).join('\n'));
    const run = await client.request(RUN_MUTATION, { variables: { m: BULK_UPDATE_DOC, path: key } });
    expect(run.data.bulkOperationRunMutation.userErrors).toEqual([]);
    expect(run.data.bulkOperationRunMutation.bulkOperation).toMatchObject({ status: 'CREATED', type: 'MUTATION' });

    const op = await waitForBulk('MUTATION');
    expect(op).toMatchObject({ status: 'COMPLETED', errorCode: null, objectCount: '3', rootObjectCount: '3' });
    expect(Number(op.fileSize)).toBeGreaterThan(0);
    expect(new URL(op.url).hostname).toBe('storage.googleapis.com');
    const out = await download(op.url);
    expect(out.map((l) => l.__lineNumber)).toEqual([0, 1, 2]);
    expect(out[0]!.data.productVariantsBulkUpdate.userErrors).toEqual([]);
    expect(out[2]!.data.productVariantsBulkUpdate.userErrors[0]).toMatchObject({ code: 'GREATER_THAN_OR_EQUAL_TO' });

    const node = await client.request(`query($id: ID!) { node(id: $id) { ... on BulkOperation { id status type } } }`, { variables: { id: op.id } });
    expect(node.data.node).toMatchObject({ id: op.id, status: 'COMPLETED', type: 'MUTATION' });
    const after = await client.request(`query($id: ID!) { product(id: $id) { variants(first: 5) { nodes { price } } } }`, { variables: { id: products[0]!.id } });
    expect(after.data.product.variants.nodes.every((v: { price: string }) => v.price === '10.25')).toBe(true);
  });

  it('accepts a PUT upload, and refuses a path with no file or a mutation it cannot run in bulk', async () => {
    const key = await stageJsonl('{"productId":"gid://shopify/Product/1","variants":[]}\n', 'PUT');
    expect(key).toMatch(/^tmp\/\d+\/bulk\//);
    const missing = await client.request(RUN_MUTATION, { variables: { m: BULK_UPDATE_DOC, path: 'tmp/nope/bulk_op_vars' } });
    expect(missing.data.bulkOperationRunMutation).toMatchObject({ bulkOperation: null, userErrors: [{ code: 'NO_SUCH_FILE' }] });
    const invalid = await client.request(RUN_MUTATION, { variables: { m: 'mutation { stagedUploadsCreate(input: []) { userErrors { message } } }', path: key } });
    expect(invalid.data.bulkOperationRunMutation.userErrors[0].code).toBe('INVALID_MUTATION');
  });

  it('refuses a forged upload', async () => {
    const { data } = await client.request(STAGE, { variables: { input: [{ resource: 'BULK_MUTATION_VARIABLES', filename: 'x', mimeType: 'text/jsonl', httpMethod: 'POST' }] } });
    const target = data.stagedUploadsCreate.stagedTargets[0] as { url: string; parameters: Array<{ name: string; value: string }> };
    const form = new FormData();
    for (const p of target.parameters) form.append(p.name, p.name === 'x-goog-signature' ? 'deadbeef' : p.value);
    form.append('file', new Blob(['{}']), 'x');
    const res = await fetch(target.url, { method: 'POST', body: form });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('SignatureDoesNotMatch');
  });
});

describe('bulk query', () => {
  it('reads the whole catalog into JSONL with nested nodes linked by __parentId', async () => {
    const query = `{ products { edges { node { id title variants { edges { node { id sku price } } } } } } }`;
    const run = await client.request(`mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { code field message } } }`, { variables: { q: query } });
    expect(run.data.bulkOperationRunQuery.userErrors).toEqual([]);
    const op = await waitForBulk('QUERY');
    expect(op.status).toBe('COMPLETED');
    const lines = await download(op.url);
    const products = lines.filter((l) => !l.__parentId);
    const variants = lines.filter((l) => l.__parentId);
    const summary = (await (await fetch(`${t.sandbox.url}/_sandbox/shopify/shops/${SHOP}`)).json()) as { shop: { products: number; variants: number } };
    expect(products).toHaveLength(summary.shop.products);
    expect(variants).toHaveLength(summary.shop.variants);
    expect(Number(op.rootObjectCount)).toBe(summary.shop.products);
    expect(Number(op.objectCount)).toBe(lines.length);
    const ids = new Set(products.map((p) => p.id));
    expect(variants.every((v) => ids.has(v.__parentId) && typeof v.sku === 'string')).toBe(true);
    expect(products[0]!.variants).toBeUndefined();
  });

  it('refuses a bulk query without a connection', async () => {
    const run = await client.request(`mutation { bulkOperationRunQuery(query: "{ shop { name } }") { bulkOperation { id } userErrors { code message } } }`);
    expect(run.data.bulkOperationRunQuery).toMatchObject({ bulkOperation: null, userErrors: [{ code: 'INVALID' }] });
  });
});

describe('one bulk operation of each type at a time', () => {
  it('answers OPERATION_IN_PROGRESS while one runs', async () => {
    const slow = await startTestContext({ timeScale: 1 });
    try {
      const c = adminClient(await installToken(slow.sandbox));
      const q = `mutation { bulkOperationRunQuery(query: "{ products { edges { node { id } } } }") { bulkOperation { id } userErrors { code message } } }`;
      const first = await c.request(q);
      expect(first.data.bulkOperationRunQuery.userErrors).toEqual([]);
      const second = await c.request(q);
      expect(second.data.bulkOperationRunQuery.userErrors[0].code).toBe('OPERATION_IN_PROGRESS');
    } finally {
      await slow.close();
    }
  });
});
