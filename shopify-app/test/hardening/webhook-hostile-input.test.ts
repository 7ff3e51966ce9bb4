// Hostile input against the webhook routes (fast-check, bounded runs): bodies signed over a different
// body, unsigned or forged, malformed JSON, wrong content types, bodies over the size limit (declared or
// streamed), and validly signed deliveries carrying impossible prices. Nothing may change the shop's
// listings or record a delivery; answers are RFC 9457 problems (401, 400, 415, 413).
import { createHmac, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOAD_API_SECRET, startLoadWorld, type LoadWorld } from './support/load-world';
import { drainDeliveries, planWebhookLoad, priceOf, productGid, seedLoadCatalog, sendDeliveries } from './support/webhook-load';

const SHOP = 'h9-hostile.myshopify.com';
let world: LoadWorld;

/** Every webhook route the app serves (shopify.app.toml's per-topic paths and the one generic receiver), with a topic it takes. */
const ROUTES = [
  ['/webhooks/products/update', 'products/update'],
  ['/webhooks/app/uninstalled', 'app/uninstalled'],
  ['/webhooks/app/scopes_update', 'app/scopes_update'],
  ['/webhooks/customers/data_request', 'customers/data_request'],
  ['/webhooks/customers/redact', 'customers/redact'],
  ['/webhooks/shop/redact', 'shop/redact'],
  ['/api/integrations/shopify/webhooks', 'products/update'],
] as const;
/** The app's default body limit (app/platforms/shopify/webhooks/request-body.server.ts). */
const BODY_LIMIT = 4 * 1024 * 1024;

function post(
  body: string | ReadableStream<Uint8Array>,
  options: { hmac?: string; contentType?: string | null; webhookId?: string; path?: string; topic?: string; signedBody?: string } = {},
) {
  const hmac = options.hmac ?? createHmac('sha256', LOAD_API_SECRET).update(options.signedBody ?? (body as string)).digest('base64');
  const headers: Record<string, string> = {
    'x-shopify-topic': options.topic ?? 'products/update',
      'x-shopify-shop-domain': SHOP,
      'x-shopify-api-version': '2025-10',
      'x-shopify-webhook-id': options.webhookId ?? randomUUID(),
      'x-shopify-triggered-at': new Date().toISOString(),
    'x-shopify-hmac-sha256': hmac,
  };
  if (options.contentType !== null) headers['content-type'] = options.contentType ?? 'application/json';
  return fetch(`${world.app.url}${options.path ?? '/webhooks/products/update'}`, {
    method: 'POST',
    headers,
    body,
    ...(typeof body === 'string' ? {} : { duplex: 'half' }),
  } as RequestInit);
}

async function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await res.json()) as { status: number; title: string; type: string };
  expect(problem.status).toBe(status);
  expect(problem.title.length).toBeGreaterThan(0);
}

/** A body of `size` bytes sent as a stream (chunked, no Content-Length). */
function streamOf(size: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close();
      const n = Math.min(chunk.length, size - sent);
      controller.enqueue(chunk.subarray(0, n));
      sent += n;
    },
  });
}

async function snapshot() {
  const db = world.database.db;
  return {
    listings: await db.listing.findMany({ orderBy: { externalId: 'asc' }, select: { externalId: true, priceAmount: true, currency: true, platformUpdatedAt: true } }),
    processed: await db.processedWebhook.count({ where: { status: 'processed' } }),
  };
}

/** A products/update body for the one product the shop holds, newer than its state, at `price`. */
function productBody(price: unknown, updatedAt = new Date(Date.parse('2031-01-01T00:00:00Z') + Math.floor(Math.random() * 1e9)).toISOString()) {
  return JSON.stringify({
    id: 8_800_000_000,
    admin_graphql_api_id: productGid(0),
    title: 'Load product 0',
    status: 'active',
    updated_at: updatedAt,
    variants: [0, 1].map((v) => ({ id: 88_000_000_000 + v, admin_graphql_api_id: `gid://shopify/ProductVariant/${88_000_000_000 + v}`, sku: `LOAD-0-${v}`, price })),
  });
}

beforeAll(async () => {
  world = await startLoadWorld('sqlite', SHOP);
  const plan = planWebhookLoad({ shop: SHOP, secret: LOAD_API_SECRET, deliveries: 1, products: 1 });
  await seedLoadCatalog(world.database.db, plan);
  const sent = await sendDeliveries(world.app.url, SHOP, plan.catalog, 1);
  expect(sent.failures).toEqual({});
  expect(await drainDeliveries(world.database.db, SHOP, 60_000)).toBe(true);
  const listing = await world.database.db.listing.findFirstOrThrow({ where: { productExternalId: productGid(0) } });
  expect(listing.priceAmount).toBe(priceOf(0, 0));
});
afterAll(() => world?.close());

describe('products/update webhook: hostile input', () => {
  it('a body signed over a different body, or not signed by our secret, gets a 4xx and records nothing', async () => {
    const before = await snapshot();
    const deliveries = await world.database.db.processedWebhook.count();
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), fc.string({ minLength: 1, maxLength: 200 }), fc.boolean(), async (signed, extra, forgeSecret) => {
        const sentBody = productBody('1.00');
        const hmac = forgeSecret
          ? createHmac('sha256', `${LOAD_API_SECRET}${extra}`).update(sentBody).digest('base64')
          : createHmac('sha256', LOAD_API_SECRET).update(`${sentBody}${extra}${signed}`).digest('base64');
        const res = await post(sentBody, { hmac });
        await expectProblem(res, 401);
      }),
      { numRuns: 15 },
    );
    // No signature at all: the delivery can't be verified (400, the headers are incomplete).
    await expectProblem(await post(productBody('1.00'), { hmac: '' }), 400);
    expect(await world.database.db.processedWebhook.count()).toBe(deliveries);
    expect(await snapshot()).toEqual(before);
  });

  it('malformed JSON, validly signed, gets a 400 problem and records nothing', async () => {
    const before = await snapshot();
    const deliveries = await world.database.db.processedWebhook.count();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 100 }).filter((s) => {
            try {
              JSON.parse(s);
              return false;
            } catch {
              return true;
            }
          }),
          // JSON, but not an object: no webhook payload looks like this.
          fc.constantFrom('[]', '1', '"text"', 'null', 'true'),
        ),
        async (text) => {
          await expectProblem(await post(text), 400);
        },
      ),
      { numRuns: 15 },
    );
    expect(await world.database.db.processedWebhook.count()).toBe(deliveries);
    expect(await snapshot()).toEqual(before);
  });

  it('every webhook route: wrong content type 415, body over the limit 413 (declared or streamed), malformed JSON 400, HMAC over another body 401; nothing recorded', async () => {
    const before = await snapshot();
    const deliveries = await world.database.db.processedWebhook.count();
    const valid = productBody('1.00');
    for (const [path, topic] of ROUTES) {
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx', null]) {
        await expectProblem(await post(valid, { path, topic, contentType }), 415);
      }
      const huge = `{"padding":"${'x'.repeat(BODY_LIMIT)}"}`;
      await expectProblem(await post(huge, { path, topic }), 413);
      await expectProblem(await post(streamOf(BODY_LIMIT + 1), { path, topic, signedBody: '' }), 413);
      await expectProblem(await post('{"id": 1,', { path, topic }), 400);
      await expectProblem(await post(valid, { path, topic, signedBody: `${valid} ` }), 401);
    }
    expect(await world.database.db.processedWebhook.count()).toBe(deliveries);
    expect(await snapshot()).toEqual(before);
    // Just under the limit, a validly signed delivery is accepted.
    const padded = JSON.stringify({ ...JSON.parse(valid), body_html: 'x'.repeat(BODY_LIMIT - valid.length - 20) });
    expect(Buffer.byteLength(padded)).toBeLessThanOrEqual(BODY_LIMIT);
    expect((await post(padded)).status).toBe(200);
    expect(await drainDeliveries(world.database.db, SHOP, 60_000)).toBe(true);
  });

  it('impossible prices in a validly signed delivery never reach the listings', async () => {
    const before = await snapshot();
    const sent: Array<{ webhookId: string; price: unknown }> = [];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom<unknown>('1e3', '-0', 'NaN', '19.999', '-1.00', 'Infinity', '', ' 1.00', '1,00', '0x10', null, 19.99, {}, []),
          fc.string({ maxLength: 12 }).filter((s) => !/^\d{1,12}(\.\d{1,2})?$/.test(s)),
        ),
        async (price) => {
          const webhookId = randomUUID();
          const res = await post(productBody(price), { webhookId });
          // Signed deliveries are acknowledged (Shopify would only retry them); processing refuses the price.
          expect(res.status, JSON.stringify(price)).toBe(200);
          sent.push({ webhookId, price });
        },
      ),
      { seed: 20_184, numRuns: 25 },
    );
    expect(await drainDeliveries(world.database.db, SHOP, 60_000)).toBe(true);
    expect((await snapshot()).listings).toEqual(before.listings);
    // Each delivery is recorded and is a permanent failure: marked failed with the reason after one attempt, never retried.
    const rows = await world.database.db.processedWebhook.findMany({ where: { webhookId: { in: sent.map((d) => d.webhookId) } }, select: { webhookId: true, status: true, lastError: true, attempts: true } });
    const byId = new Map(rows.map((r) => [r.webhookId, r]));
    for (const { webhookId, price } of sent) {
      const row = byId.get(webhookId);
      expect(row, `delivery with price ${JSON.stringify(price)} recorded`).toBeDefined();
      expect({ status: row?.status, attempts: row?.attempts }, JSON.stringify(price)).toEqual({ status: 'failed', attempts: 1 });
      expect(row?.lastError ?? '', JSON.stringify(price)).toMatch(/^ValidationError validation: .*amount/);
    }
  });
});
