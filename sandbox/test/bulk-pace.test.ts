// POST /_sandbox/shopify/shops/{shop}/bulk-pace: a shop's bulk operations take a while (each step waits the
// given real seconds), so currentBulkOperation shows one still running; "off" goes back to the default pace;
// bad values are refused.
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

const pace = (body: unknown) =>
  fetch(`${t.sandbox.url}/_sandbox/shopify/shops/${SHOP}/bulk-pace`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function current() {
  const { data } = await client.request(`{ currentBulkOperation(type: MUTATION) { id status objectCount query } }`);
  return data.currentBulkOperation as { id: string; status: string; objectCount: string; query: string } | null;
}

async function runPriceMutation(price: string): Promise<string> {
  const { data: products } = await client.request(`{ products(first: 1, sortKey: TITLE) { nodes { id variants(first: 1) { nodes { id } } } } }`);
  const product = products.products.nodes[0] as { id: string; variants: { nodes: Array<{ id: string }> } };
  const { data } = await client.request(
    `mutation($input: [StagedUploadInput!]!) { stagedUploadsCreate(input: $input) { stagedTargets { url parameters { name value } } userErrors { message } } }`,
    { variables: { input: [{ resource: 'BULK_MUTATION_VARIABLES', filename: 'vars.jsonl', mimeType: 'text/jsonl', httpMethod: 'POST' }] } },
  );
  const target = data.stagedUploadsCreate.stagedTargets[0] as { url: string; parameters: Array<{ name: string; value: string }> };
  const form = new FormData();
  for (const p of target.parameters) form.append(p.name, p.value);
  form.append('file', new Blob([JSON.stringify({ productId: product.id, variants: [{ id: product.variants.nodes[0]!.id, price }] })], { type: 'text/jsonl' }), 'vars.jsonl');
  expect((await fetch(target.url, { method: 'POST', body: form })).status).toBe(201);
  const run = await client.request(
    `mutation($m: String!, $path: String!) { bulkOperationRunMutation(mutation: $m, stagedUploadPath: $path) { bulkOperation { id } userErrors { code message } } }`,
    {
      variables: {
        m: `mutation PaceCheck($productId: ID!, $variants: [ProductVariantsBulkInput!]!) { productVariantsBulkUpdate(productId: $productId, variants: $variants) { productVariants { id price } userErrors { message } } }`,
        path: target.parameters.find((p) => p.name === 'key')!.value,
      },
    },
  );
  expect(run.data.bulkOperationRunMutation.userErrors).toEqual([]);
  return run.data.bulkOperationRunMutation.bulkOperation.id as string;
}

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('never happened');
}

describe('bulk-pace', () => {
  it('slows a shop\'s bulk operations so one is seen running, and the one-at-a-time rule holds meanwhile', async () => {
    expect(await (await pace({ seconds: 1 })).json()).toEqual({ shop: SHOP, stepSeconds: 1 });
    const id = await runPriceMutation('41.00');
    const running = await until(async () => {
      const op = await current();
      return op?.id === id && op.status === 'RUNNING' ? op : undefined;
    });
    expect(running.query).toContain('PaceCheck');
    // Seen RUNNING at all: at the default pace (1 ms a step at time scale 200) it is done before any poll.
    const second = await client.request(
      `mutation($m: String!, $path: String!) { bulkOperationRunMutation(mutation: $m, stagedUploadPath: $path) { bulkOperation { id } userErrors { code message } } }`,
      { variables: { m: 'mutation { productVariantsBulkUpdate(productId: "gid://shopify/Product/1", variants: []) { userErrors { message } } }', path: 'tmp/x' } },
    );
    expect(second.data.bulkOperationRunMutation.userErrors[0]).toMatchObject({ code: 'OPERATION_IN_PROGRESS' });
    const done = await until(async () => {
      const op = await current();
      return op?.id === id && op.status === 'COMPLETED' ? op : undefined;
    });
    expect(done.objectCount).toBe('1');
  }, 30_000);

  it('"off" goes back to the default pace', async () => {
    expect(await (await pace({ seconds: 'off' })).json()).toEqual({ shop: SHOP, stepSeconds: null });
    const id = await runPriceMutation('42.00');
    await until(async () => {
      const op = await current();
      return op?.id === id && op.status === 'COMPLETED' ? op : undefined;
    });
  }, 30_000);

  it('a sandbox reset forgets the pace, as it forgets everything else', async () => {
    expect((await pace({ seconds: 600 })).status).toBe(200);
    expect((await fetch(`${t.sandbox.url}/_sandbox/reset`, { method: 'POST' })).status).toBe(200);
    client = adminClient(await installToken(t.sandbox));
    const id = await runPriceMutation('43.00');
    // At 600 s a step it would still be CREATED for ten minutes.
    await until(async () => {
      const op = await current();
      return op?.id === id && op.status === 'COMPLETED' ? op : undefined;
    });
  }, 30_000);

  it('refuses bad values', async () => {
    for (const seconds of [0, -1, 601, 'soon', null]) {
      const res = await pace({ seconds });
      expect(res.status, String(seconds)).toBe(400);
    }
  });
});
