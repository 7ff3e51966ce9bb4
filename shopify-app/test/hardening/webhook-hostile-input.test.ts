// Hostile input against the products/update webhook (fast-check, bounded runs): bodies signed over a
// different body, unsigned or forged, malformed JSON, wrong content types, a huge body, and validly signed
// deliveries carrying impossible prices. Nothing may change the shop's listings; answers are clear.
import { createHmac, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOAD_API_SECRET, startLoadWorld, type LoadWorld } from './support/load-world';
import { drainDeliveries, planWebhookLoad, priceOf, productGid, sendDeliveries } from './support/webhook-load';

const SHOP = 'h9-hostile.myshopify.com';
let world: LoadWorld;

function post(body: string, options: { hmac?: string; contentType?: string; webhookId?: string } = {}) {
  const hmac = options.hmac ?? createHmac('sha256', LOAD_API_SECRET).update(body).digest('base64');
  return fetch(`${world.app.url}/webhooks/products/update`, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/json',
      'x-shopify-topic': 'products/update',
      'x-shopify-shop-domain': SHOP,
      'x-shopify-api-version': '2025-10',
      'x-shopify-webhook-id': options.webhookId ?? randomUUID(),
      'x-shopify-triggered-at': new Date().toISOString(),
      'x-shopify-hmac-sha256': hmac,
    },
    body,
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
        // Shopify's library answers 401 for a bad HMAC, 400 when it can't read the signature at all.
        expect([400, 401]).toContain(res.status);
      }),
      { numRuns: 15 },
    );
    expect([400, 401]).toContain((await post(productBody('1.00'), { hmac: '' })).status);
    expect(await world.database.db.processedWebhook.count()).toBe(deliveries);
    expect(await snapshot()).toEqual(before);
  });

  it('malformed JSON, validly signed, is refused and changes nothing', async () => {
    const before = await snapshot();
    const statuses: number[] = [];
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 100 }).filter((s) => { try { JSON.parse(s); return false; } catch { return true; } }), async (text) => {
        statuses.push((await post(text)).status);
      }),
      { numRuns: 10 },
    );
    await drainDeliveries(world.database.db, SHOP, 30_000);
    expect((await snapshot()).listings).toEqual(before.listings);
    // Known gap (see the H9 report): the route answers 500, not a 4xx, because authenticate.webhook's JSON.parse throws.
    expect(statuses.every((s) => s >= 400), JSON.stringify(statuses)).toBe(true);
  });

  // Known gaps found by H9, to become real tests when the receive path is fixed:
  it.todo('a validly signed body with a content type other than application/json gets 415 and changes nothing (today: accepted and applied)');
  it.todo('a body over the size limit gets 413 and changes nothing (today: a 12 MB body is accepted, stored and applied: no limit)');

  it('impossible prices in a validly signed delivery never reach the listings', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom<unknown>('1e3', '-0', 'NaN', '19.999', '-1.00', 'Infinity', '', ' 1.00', '1,00', '0x10', null, 19.99, {}, []),
          fc.string({ maxLength: 12 }).filter((s) => !/^\d{1,12}(\.\d{1,2})?$/.test(s)),
        ),
        async (price) => {
          const res = await post(productBody(price));
          // Signed deliveries are acknowledged (Shopify would only retry them); processing refuses the price.
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 25 },
    );
    expect(await drainDeliveries(world.database.db, SHOP, 60_000)).toBe(true);
    expect((await snapshot()).listings).toEqual(before.listings);
    const failed = await world.database.db.processedWebhook.findMany({ where: { status: 'failed' }, select: { lastError: true } });
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((f) => (f.lastError ?? '').length > 0)).toBe(true);
  });
});
