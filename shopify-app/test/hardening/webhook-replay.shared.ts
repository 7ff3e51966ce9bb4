// Captured webhook deliveries re-sent with other headers (issue 13 §4), over real HTTP against the app and
// the sandbox. Shopify's HMAC covers only the body, so an attacker holding one signed delivery can send it
// again under any X-Shopify-Topic, -Shop-Domain, -Webhook-Id, -Event-Id and -Triggered-At. Each replay
// below is refused (400, nothing recorded) or recorded and ignored with a log line naming the shop and the
// delivery, and the shops' data is the same before and after. The legitimate flows still work: a real
// uninstall from the sandbox deactivates the shop, a real shop/redact after it erases the shop, and a new
// product reaches the catalog read from its shop's Admin API in the shop's currency.
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseProvider } from '@calibr/db';
import { API_KEY, API_SECRET, readJson, startShopifyWorld, syncShopify, waitFor, type ShopifyWorld } from '../support/shopify-world';
import { appContext } from '../../app/app-context.server';

interface LogLine {
  level: string;
  msg: string;
  shop?: string;
  webhookId?: string;
  [key: string]: unknown;
}

interface SandboxDelivery {
  webhookId: string;
  eventId: string;
  topic: string;
  shop: string;
  triggeredAt: string;
  body: string;
}

interface Replay {
  route: string;
  topic: string;
  shop: string;
  body: string;
  webhookId?: string;
  eventId?: string;
  triggeredAt?: string;
}

export function webhookReplaySuite(provider: DatabaseProvider): void {
  const A = `replay-a-${provider}.myshopify.com`;
  const B = `replay-b-${provider}.myshopify.com`; // an EUR shop
  const C = `replay-c-${provider}.myshopify.com`;
  const D = `replay-d-${provider}.myshopify.com`;
  let world: ShopifyWorld;
  const logs: LogLine[] = [];
  let capturedProductUpdate: SandboxDelivery;

  /** POST a delivery as the attacker sends it: the captured body and its (valid) HMAC, headers of their choosing. */
  function replay(r: Replay): Promise<Response> {
    return fetch(`${world.app.url}${r.route}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': r.topic,
        'x-shopify-shop-domain': r.shop,
        'x-shopify-api-version': '2026-10',
        'x-shopify-webhook-id': r.webhookId ?? randomUUID(),
        'x-shopify-event-id': r.eventId ?? randomUUID(),
        'x-shopify-triggered-at': r.triggeredAt ?? new Date().toISOString(),
        'x-shopify-hmac-sha256': createHmac('sha256', API_SECRET).update(r.body).digest('base64'),
      },
      body: r.body,
    });
  }

  async function lastDelivery(topic: string, shop: string): Promise<SandboxDelivery> {
    const { deliveries } = await world.control<{ deliveries: SandboxDelivery[] }>(`shopify/webhooks/deliveries?topic=${encodeURIComponent(topic)}&shop=${shop}`);
    expect(deliveries.length).toBeGreaterThan(0);
    return deliveries.at(-1)!;
  }

  /** Everything of the shop a replay could change (its webhook records are checked apart: a recorded replay adds one). */
  async function snapshot(shop: string) {
    const db = world.database.db;
    const project = await db.project.findUnique({ where: { shopDomain: shop }, select: { id: true, status: true } });
    const projectId = project?.id ?? '-';
    return {
      project,
      integration: await db.shopifyIntegration.findUnique({ where: { shopDomain: shop }, select: { isActive: true, uninstalledAt: true, scope: true } }),
      sessions: (await db.session.findMany({ where: { shop }, select: { id: true, expires: true }, orderBy: { id: 'asc' } })).map((s) => `${s.id}@${s.expires?.toISOString()}`),
      rules: await db.pricingRule.findMany({ where: { projectId }, select: { id: true, isActive: true }, orderBy: { id: 'asc' } }),
      listings: await db.listing.findMany({
        where: { projectId },
        select: { externalId: true, productExternalId: true, priceAmount: true, currency: true, status: true },
        orderBy: { externalId: 'asc' },
      }),
      platformIntegrations: await db.platformIntegration.findMany({ where: { projectId }, select: { status: true } }),
    };
  }

  async function webhookRecords(shop: string): Promise<string[]> {
    return (await world.database.db.processedWebhook.findMany({ where: { shop }, select: { webhookId: true } })).map((r) => r.webhookId).sort();
  }

  async function processed(webhookId: string) {
    return waitFor(`delivery ${webhookId} processed`, async () => {
      const row = await world.database.db.processedWebhook.findUnique({ where: { webhookId } });
      return row && row.status !== 'received' && row.status !== 'processing' ? row : undefined;
    });
  }

  function logged(msg: string, webhookId: string): LogLine | undefined {
    return logs.find((l) => l.msg.startsWith(msg) && l.webhookId === webhookId);
  }

  /** Admin API requests the sandbox served for `shop` since log entry `since`. */
  async function adminCalls(shop: string, since: number): Promise<number> {
    const { entries } = await world.control<{ entries: Array<{ host?: string; path?: string }> }>(`log?platform=shopify&path=graphql.json&since=${since}`);
    return entries.filter((e) => e.host === shop).length;
  }

  async function logMark(): Promise<number> {
    return (await world.control<{ lastId: number }>('log?limit=1')).lastId;
  }

  async function expectRefused(res: Response, code: string) {
    expect(res.status).toBe(400);
    const problem = await readJson<{ errors?: Array<{ code?: string }> }>(res);
    expect(problem.errors?.[0]?.code).toBe(code);
  }

  beforeAll(async () => {
    // The app logs through the app context's logger (app/app-context.server.ts): give it one that keeps its
    // lines here before the app's modules load (they load with the first request).
    const { createLogger } = await import('../../app/lib/logger.server');
    appContext().logger = createLogger({ name: 'shopify-app', level: 'info', destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) } });
    world = await startShopifyWorld({ provider });
    await world.createShop(A, { products: 2, variantsPerProduct: 1 });
    await world.control('shopify/shops', { domain: B, plan: 'standard', currencyCode: 'EUR', generate: { count: 2, variantsPerProduct: 1, prefix: 'REPLAYB' } });
    await world.createShop(C, { products: 2, variantsPerProduct: 1 });
    await world.createShop(D, { products: 1, variantsPerProduct: 1 });
    for (const shop of [A, B, C, D]) await syncShopify(world, shop);
    const c = await world.database.db.project.findUniqueOrThrow({ where: { shopDomain: C } });
    await world.database.db.pricingRule.create({ data: { projectId: c.id, name: 'Beat the lowest by 0.50', scope: 'shop', kind: 'beat_lowest_amount', params: { amount: '0.50' }, currency: 'USD' } });

    // The delivery the attacker captured: a merchant's price edit in shop A, delivered by the sandbox.
    const [product] = (await world.control<{ products: Array<{ variants: Array<{ id: number }> }> }>(`shopify/shops/${A}/products`)).products;
    await world.control(`shopify/shops/${A}/prices`, { changes: [{ variantId: `gid://shopify/ProductVariant/${product!.variants[0]!.id}`, price: '31.17' }] });
    capturedProductUpdate = await lastDelivery('products/update', A);
    await processed(capturedProductUpdate.webhookId);
  }, 180_000);
  afterAll(() => world?.close());

  it('the sandbox delivers as Shopify does: X-Shopify-Event-Id and X-Shopify-Triggered-At reach the app with every delivery', async () => {
    const row = await world.database.db.processedWebhook.findUniqueOrThrow({ where: { webhookId: capturedProductUpdate.webhookId } });
    expect(row.eventId).toBe(capturedProductUpdate.eventId);
    expect(row.triggeredAt?.toISOString()).toBe(new Date(capturedProductUpdate.triggeredAt).toISOString());
  });

  it("A's products/update re-sent as app/uninstalled or shop/redact for shop C: refused (400), logged, nothing recorded, C unchanged", async () => {
    const before = { c: await snapshot(C), webhooks: await webhookRecords(C) };
    expect(before.c.rules).toHaveLength(1);
    expect(before.c.listings).toHaveLength(2);
    const body = capturedProductUpdate.body;
    const attempts: Array<[Replay, string]> = [
      // The body names no shop: an app/uninstalled or shop/redact body names its own.
      [{ route: '/webhooks/app/uninstalled', topic: 'app/uninstalled', shop: C, body }, 'shop_mismatch'],
      [{ route: '/webhooks/shop/redact', topic: 'shop/redact', shop: C, body }, 'shop_mismatch'],
      // A route takes its own topics only.
      [{ route: '/webhooks/products/update', topic: 'app/uninstalled', shop: C, body }, 'topic_not_served_here'],
      [{ route: '/webhooks/products/update', topic: 'shop/redact', shop: C, body }, 'topic_not_served_here'],
      [{ route: '/api/integrations/shopify/webhooks', topic: 'app/uninstalled', shop: C, body }, 'topic_not_served_here'],
      [{ route: '/webhooks/customers/redact', topic: 'shop/redact', shop: C, body }, 'topic_not_served_here'],
    ];
    for (const [attempt, code] of attempts) {
      const webhookId = randomUUID();
      await expectRefused(await replay({ ...attempt, webhookId }), code);
      expect(logged('webhook refused', webhookId)).toMatchObject({ level: 'warn', shop: C, reason: code });
      expect(await world.database.db.processedWebhook.count({ where: { webhookId } })).toBe(0);
    }
    expect(await snapshot(C)).toEqual(before.c);
    expect(await webhookRecords(C)).toEqual(before.webhooks);
  });

  it("A's products/update under shop B's domain: A's product never enters B's catalog (read from B's Admin API, which hasn't it); its event id is a duplicate only under A", async () => {
    const before = await snapshot(B);
    const since = await logMark();
    const webhookId = randomUUID();
    const res = await replay({ route: '/webhooks/products/update', topic: 'products/update', shop: B, body: capturedProductUpdate.body, webhookId });
    expect(res.status).toBe(200);
    expect((await processed(webhookId)).status).toBe('processed');
    expect(logged('products/update ignored: not a product of this shop', webhookId)).toMatchObject({ level: 'warn', shop: B });
    expect(await adminCalls(B, since)).toBeGreaterThan(0);
    const after = await snapshot(B);
    expect(after).toEqual(before);
    expect(after.listings.every((l) => l.currency === 'EUR')).toBe(true);

    // Event ids are deduplicated per shop: A's event id under B's domain is B's own (ignored) delivery, never
    // a way to make B drop one; under A's domain with a fresh webhook id it is a duplicate.
    const underB = randomUUID();
    const asB = await replay({ route: '/webhooks/products/update', topic: 'products/update', shop: B, body: capturedProductUpdate.body, webhookId: underB, eventId: capturedProductUpdate.eventId });
    expect(asB.status).toBe(200);
    expect(asB.headers.get('x-calibr-webhook')).toBeNull();
    expect((await processed(underB)).status).toBe('processed');
    expect(await snapshot(B)).toEqual(before);
    const beforeA = await snapshot(A);
    const again = await replay({ route: '/webhooks/products/update', topic: 'products/update', shop: A, body: capturedProductUpdate.body, eventId: capturedProductUpdate.eventId });
    expect(again.status).toBe(200);
    expect(again.headers.get('x-calibr-webhook')).toBe('duplicate');
    expect(await snapshot(A)).toEqual(beforeA);
  });

  it("a known product's update is applied from its body with no Admin API call; a new product is read from its shop's Admin API, in the shop's currency", async () => {
    const since = await logMark();
    const [known] = (await world.control<{ products: Array<{ id: number; variants: Array<{ id: number }> }> }>(`shopify/shops/${A}/products`)).products;
    const variant = `gid://shopify/ProductVariant/${known!.variants[0]!.id}`;
    await world.control(`shopify/shops/${A}/prices`, { changes: [{ variantId: variant, price: '32.45' }] });
    await processed((await lastDelivery('products/update', A)).webhookId);
    expect((await world.database.db.listing.findFirstOrThrow({ where: { externalId: variant } })).priceAmount).toBe('32.45');
    expect(await adminCalls(A, since)).toBe(0);

    // A product added in B after the sync: its first products/update is for a product we don't hold.
    const added = await world.control<{ products: Array<{ id: string; variants: Array<{ id: string }> }> }>(`shopify/shops/${B}/products`, {
      products: [{ title: 'New in B', variants: [{ sku: 'REPLAYB-NEW', price: '12.00' }] }],
    });
    const newVariant = added.products[0]!.variants[0]!.id;
    await world.control(`shopify/shops/${B}/prices`, { changes: [{ variantId: newVariant, price: '12.50' }] });
    await processed((await lastDelivery('products/update', B)).webhookId);
    const listing = await world.database.db.listing.findFirstOrThrow({ where: { externalId: newVariant, project: { shopDomain: B } } });
    expect({ price: listing.priceAmount, currency: listing.currency }).toEqual({ price: '12.50', currency: 'EUR' });
    expect(await adminCalls(B, since)).toBeGreaterThan(0);
  });

  it("D's captured app/uninstalled replayed after D reinstalled: ignored while Shopify accepts D's token; stale or duplicate copies refused", async () => {
    // The real uninstall: Shopify revokes the token, then delivers app/uninstalled.
    await world.control(`shopify/shops/${D}/uninstall`, { apiKey: API_KEY });
    const captured = await lastDelivery('app/uninstalled', D);
    await processed(captured.webhookId);
    expect(logged('app/uninstalled: Shopify refuses', captured.webhookId)).toMatchObject({ level: 'info', shop: D });
    expect((await snapshot(D)).integration?.isActive).toBe(false);
    // D installs the app again (Admin loads it: token exchange).
    await world.control(`shopify/shops/${D}/install`, { apiKey: API_KEY, token: false });
    expect((await world.api(D, '/api/integrations/shopify/status')).status).toBe(200);
    await waitFor('D active again', async () => (await snapshot(D)).integration?.isActive === true);
    const before = await snapshot(D);
    expect(before.sessions.length).toBeGreaterThan(0);

    const webhookId = randomUUID();
    const res = await replay({ route: '/webhooks/app/uninstalled', topic: 'app/uninstalled', shop: D, body: captured.body, webhookId });
    expect(res.status).toBe(200);
    expect((await processed(webhookId)).status).toBe('processed');
    expect(logged('app/uninstalled ignored: Shopify still accepts', webhookId)).toMatchObject({ level: 'warn', shop: D, token: 'accepted' });
    expect(await snapshot(D)).toEqual(before);

    // As captured (its event id): a duplicate. With its old Triggered-At past Shopify's retry period: refused.
    const dup = await replay({ route: '/webhooks/app/uninstalled', topic: 'app/uninstalled', shop: D, body: captured.body, eventId: captured.eventId });
    expect(dup.headers.get('x-calibr-webhook')).toBe('duplicate');
    const stale = randomUUID();
    const sixHoursAgo = new Date(Date.now() - 6 * 3_600_000).toISOString();
    await expectRefused(await replay({ route: '/webhooks/app/uninstalled', topic: 'app/uninstalled', shop: D, body: captured.body, webhookId: stale, triggeredAt: sixHoursAgo }), 'stale_delivery');
    expect(logged('webhook refused', stale)).toMatchObject({ shop: D, reason: 'stale_delivery' });
    expect(await snapshot(D)).toEqual(before);
  });

  it("C's captured customers/redact re-sent as shop/redact: ignored while C is installed; after C's real uninstall, Shopify's shop/redact erases it", async () => {
    await world.control(`shopify/shops/${C}/compliance`, { apiKey: API_KEY, topic: 'customers/redact' });
    const captured = await lastDelivery('customers/redact', C);
    await processed(captured.webhookId);
    const before = { c: await snapshot(C), webhooks: await webhookRecords(C) };

    const webhookId = randomUUID();
    const res = await replay({ route: '/webhooks/shop/redact', topic: 'shop/redact', shop: C, body: captured.body, webhookId });
    expect(res.status).toBe(200);
    expect((await processed(webhookId)).status).toBe('processed');
    expect(logged('shop/redact ignored: the app is installed there', webhookId)).toMatchObject({ level: 'warn', shop: C });
    expect(await snapshot(C)).toEqual(before.c);
    expect(await webhookRecords(C)).toEqual([...before.webhooks, webhookId].sort());

    // The legitimate flow: uninstall (verified with Shopify), then Shopify's shop/redact erases every row.
    const others = { a: await snapshot(A), b: await snapshot(B) };
    await world.control(`shopify/shops/${C}/uninstall`, { apiKey: API_KEY });
    const uninstall = await lastDelivery('app/uninstalled', C);
    await processed(uninstall.webhookId);
    const uninstalled = await snapshot(C);
    expect({ active: uninstalled.integration?.isActive, sessions: uninstalled.sessions, listings: uninstalled.listings.length, rules: uninstalled.rules.length }).toEqual({
      active: false,
      sessions: [],
      listings: 2,
      rules: 1,
    });
    await world.control(`shopify/shops/${C}/compliance`, { apiKey: API_KEY, topic: 'shop/redact' });
    const redact = await lastDelivery('shop/redact', C);
    await waitFor('C erased', async () => (await world.database.db.project.count({ where: { shopDomain: C } })) === 0);
    expect(logs.find((l) => l.msg.startsWith('shop/redact: every row') && l.webhookId === redact.webhookId)).toMatchObject({ shop: C });
    expect(await snapshot(C)).toMatchObject({ project: null, integration: null, sessions: [], rules: [], listings: [] });
    expect(await webhookRecords(C)).toEqual([]);
    expect({ a: await snapshot(A), b: await snapshot(B) }).toEqual(others);
  });
}
