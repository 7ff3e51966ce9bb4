// A world for pushing thousands of price changes: the sandbox (in this process, so its log and feed
// documents can be counted exactly), the Amazon service (in this process, on a database of its own), a
// shop with N single-variant products on Shopify and the same N SKUs listed on Amazon, all already synced
// and linked (in the app's database, and in the service's own listing copy), and N pending suggestions (each +1.00). The app runs as child processes
// (app-process.ts), so a test can kill one for real.
import { createTestDatabase, type TestDatabase } from '@calibr/db';
import { sandboxRuntimeHooks } from '@calibr/sandbox/routing';
import { startAmazonService, type RunningAmazonService } from '@calibr/amazon-service';
import { startSandbox, type RunningSandbox } from '@calibr/sandbox';
import { createAmazonTestDatabase, type AmazonTestDatabase } from '../../support/amazon-database';
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import pino from 'pino';
import { fetchWithSessionToken, sandboxControl } from '../../support/app-http';
import { startAppProcess, type AppProcess } from './app-process';

export const API_KEY = 'c0ffee00c0ffee00c0ffee00c0ffee08';
export const API_SECRET = 'shpss_pricing_push_suite_secret_0123456789';
export const SHARED_SECRET = 'pricing-push-suite-shared-secret-0123456789abcdef';
export const SELLER = 'A2CALIBRDEMONA';
export const US = 'ATVPDKIKX0DER';

interface AmazonWorldLike {
  state: {
    sellers: Record<string, { listings: Record<string, Record<string, unknown> & { sku: string; asin: string; offers: Record<string, { marketplaceId: string; price: { currency: string; minor: string } }> }> }>;
    catalog: Record<string, Record<string, unknown>>;
    feeds: Record<string, { feedId: string; inputFeedDocumentId: string; feedType: string }>;
    documents: Record<string, { content?: string; compression?: string }>;
  };
}

export interface PushCounts {
  /** products/update events per Shopify product id (the sandbox logs one each time a price really changes). */
  shopifyChanges: Map<string, number>;
  /** patchListingsItem calls per SKU. */
  amazonPatches: Map<string, number>;
}

export interface PushWorld {
  database: TestDatabase;
  /** the Amazon service's own database */
  amazonDatabase: AmazonTestDatabase;
  sandbox: RunningSandbox;
  amazon: RunningAmazonService;
  shop: string;
  projectId: string;
  counts: PushCounts;
  /** Every JSON_LISTINGS_FEED message the sandbox received, per SKU. */
  feedMessagesPerSku(): Map<string, number>;
  /** The shop's products and Amazon listings as the sandbox holds them: sku → price. */
  shopifyPrices(): Promise<Map<string, string>>;
  amazonPrices(): Map<string, string>;
  startApp(extraEnv?: Record<string, string>): Promise<AppProcess>;
  api(app: AppProcess, path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

export async function startPushWorld(options: { size: number; provider?: 'sqlite' | 'postgresql'; shop?: string }): Promise<PushWorld> {
  const database = await createTestDatabase(options.provider ? { provider: options.provider } : {});
  const amazonDatabase = await createAmazonTestDatabase(options.provider ?? 'sqlite');
  // Time runs 10x in the sandbox: Shopify's bucket restores 10x faster, feeds process 10x faster.
  const sandbox = await startSandbox({ port: 0, timeScale: 10, appConfig: { apiKey: API_KEY, apiSecret: API_SECRET }, amazon: { feedQueueSeconds: 2, feedProcessingSeconds: 5 } });
  const control = <T>(path: string, body?: unknown): Promise<T> => sandboxControl<T>(sandbox, path, body);

  // Exact counts from the sandbox's own log, as it is written (its buffer keeps only the last 10,000).
  const counts: PushCounts = { shopifyChanges: new Map(), amazonPatches: new Map() };
  const add = sandbox.log.add.bind(sandbox.log);
  sandbox.log.add = (entry) => {
    const detail = entry.detail as { event?: string; productId?: string | number; source?: string } | undefined;
    if (entry.platform === 'shopify' && entry.kind === 'event' && detail?.event === 'products/update' && detail.source !== 'merchant') {
      const id = String(detail.productId);
      counts.shopifyChanges.set(id, (counts.shopifyChanges.get(id) ?? 0) + 1);
    }
    const patch = entry.kind === 'request' && entry.method === 'PATCH' ? /\/listings\/2021-08-01\/items\/[^/]+\/([^/?]+)/.exec(entry.path ?? '') : null;
    if (patch) {
      const sku = decodeURIComponent(patch[1]!);
      counts.amazonPatches.set(sku, (counts.amazonPatches.get(sku) ?? 0) + 1);
    }
    return add(entry);
  };

  const seed = await control<{ amazon: { apps: Array<{ applicationId: string; clientId: string; clientSecret: string }>; sellers: Array<{ sellerId: string; lwa: { clientId: string; clientSecret: string; refreshToken: string } }> } }>('seed');
  const lwaApp = seed.amazon.apps[0]!;
  const amazon = await startAmazonService({
    port: 0,
    db: amazonDatabase.db,
    logger: pino({ level: 'silent' }),
    env: {} as NodeJS.ProcessEnv,
    hooks: sandboxRuntimeHooks(sandbox.url),
      config: { sharedSecret: SHARED_SECRET, lwaClientId: lwaApp.clientId, lwaClientSecret: lwaApp.clientSecret, applicationId: lwaApp.applicationId, draftApp: true, logLevel: 'silent' },
    feedTiming: { firstPollMs: 200, maxPollMs: 1000 },
    workerTickMs: 200,
  });

  // The shop: N single-variant products. Webhooks off: this world measures the push, not webhooks.
  const shop = options.shop ?? 'calibr-push.myshopify.com';
  await control('shopify/apps', { apiKey: API_KEY, apiSecret: API_SECRET, webhooks: [] });
  await control('shopify/shops', { domain: shop, plan: 'plus', currencyCode: 'USD', generate: { count: options.size, variantsPerProduct: 1, prefix: 'PUSH' }, install: false });
  await control(`shopify/shops/${shop}/install`, { apiKey: API_KEY, token: false });
  const { products } = await control<{ products: Array<{ id: number | string; title: string; variants: Array<{ id: number | string; sku: string; price: string }> }> }>(`shopify/shops/${shop}/products`);

  // The same SKUs listed on Amazon (cloned from a demo listing, so they carry a real product type).
  const platform = sandbox.platforms.find((p) => p.name === 'amazon') as unknown as { world: AmazonWorldLike };
  const world = platform.world;
  const seller = world.state.sellers[SELLER]!;
  const template = Object.values(seller.listings).find((l) => l.offers[US])!;
  const catalogTemplate = world.state.catalog[template.asin]!;
  const items = products.map((p, i) => {
    const variant = p.variants[0]!;
    const asin = `B${String(900_000_000 + i).padStart(9, '0')}`;
    return { productId: String(p.id), variantId: String(variant.id), sku: variant.sku, price: variant.price, title: p.title, asin };
  });
  for (const item of items) {
    const minor = item.price.replace('.', '').replace(/^0+(?=\d)/, '');
    seller.listings[item.sku] = { ...structuredClone(template), sku: item.sku, asin: item.asin, offers: { [US]: { ...structuredClone(template.offers[US]!), marketplaceId: US, price: { currency: 'USD', minor } } } };
    world.state.catalog[item.asin] = { ...structuredClone(catalogTemplate), asin: item.asin };
  }

  // Long-lived tokens: a cold app (Vite compiling its routes on a loaded machine) may take over a minute
  // to reach the token check of its first request.
  const sessionToken = async () => (await control<{ token: string }>(`shopify/shops/${shop}/session-token`, { apiKey: API_KEY, lifetimeSeconds: 900 })).token;
  const api = async (app: AppProcess, path: string, init: RequestInit & { json?: unknown } = {}) =>
    fetchWithSessionToken(`${app.url}${path}`, await sessionToken(), { ...init, signal: AbortSignal.timeout(600_000) });
  const baseEnv = {
    DATABASE_URL: database.url,
    SANDBOX_URL: sandbox.url,
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    AMAZON_SERVICE_URL: amazon.url,
    SERVICE_SHARED_SECRET: SHARED_SECRET,
    PRICING_MONITOR: 'off',
    PRICING_PUSH_LEASE_MS: '3000',
    PRICING_PUSH_POLL_MS: '250',
    PRICING_PENDING_POLL_MS: '1000',
    PRICING_PUSH_BATCH: String(options.size),
    CALIBR_TEST_PLATFORMS: '',
    LOG_LEVEL: 'error',
  };
  const startApp = async (extraEnv: Record<string, string> = {}) => {
    const app = await startAppProcess({ ...baseEnv, ...extraEnv });
    await control('shopify/apps', { apiKey: API_KEY, apiSecret: API_SECRET, applicationUrl: app.url, webhooks: [] });
    // Warm it up (compiles the routes) before a test relies on its timing.
    const warm = await api(app, '/api/pricing/progress');
    if (warm.status !== 200) throw new Error(`warming up the app: ${warm.status} ${await warm.text()}`);
    return app;
  };

  // The first app process installs the shop (token exchange on the first API call) and connects Amazon.
  const first = await startApp();
  try {
    const hello = await api(first, '/api/pricing/progress');
    if (hello.status !== 200) throw new Error(`first API call: ${hello.status} ${await hello.text()}`);
    const lwa = seed.amazon.sellers.find((s) => s.sellerId === SELLER)!.lwa;
    const connect = await api(first, '/api/platforms/amazon/connect', {
      json: { credentials: { platform: 'amazon', sellingPartnerId: SELLER, region: 'na', marketplaceIds: [US], lwaClientId: lwa.clientId, lwaClientSecret: lwa.clientSecret, refreshToken: lwa.refreshToken } },
    });
    if (connect.status !== 200) throw new Error(`connect Amazon: ${connect.status} ${await connect.text()}`);
  } finally {
    await first.kill('SIGTERM');
  }
  const db = database.db;
  const project = await db.project.findUniqueOrThrow({ where: { shopDomain: shop } });
  const projectId = project.id;
  // The service's own copy of the listings, as its listings sync would have stored it (product types for feeds).
  const tenant = await amazonDatabase.db.amazonTenant.findUniqueOrThrow({ where: { shopDomain: shop } });
  for (let i = 0; i < items.length; i += 500) {
    await amazonDatabase.db.amazonListing.createMany({
      data: items.slice(i, i + 500).map((item) => ({ projectId: tenant.id, marketplaceId: US, externalId: item.sku, productExternalId: item.asin, asin: item.asin, sku: item.sku, title: item.title, currency: 'USD', priceAmount: item.price, data: { productType: String(template.productType) } })),
    });
  }

  // The catalog as a sync and auto-linking would have stored it.
  const rows = items.map((item) => ({ ...item, linkId: randomUUID(), shopifyId: randomUUID(), amazonId: randomUUID(), target: plusOne(item.price) }));
  for (let i = 0; i < rows.length; i += 500) {
    const part = rows.slice(i, i + 500);
    await db.productLink.createMany({ data: part.map((r) => ({ id: r.linkId, projectId, sku: r.sku.toUpperCase(), title: r.title, source: 'auto' })) });
    await db.listing.createMany({
      data: part.flatMap((r) => [
        { id: r.shopifyId, projectId, platform: 'shopify', externalId: `gid://shopify/ProductVariant/${r.variantId}`, productExternalId: `gid://shopify/Product/${r.productId}`, sku: r.sku, title: r.title, currency: 'USD', priceAmount: r.price, productLinkId: r.linkId, linkSource: 'auto', data: {} },
        { id: r.amazonId, projectId, platform: 'amazon', marketplaceId: US, externalId: r.sku, productExternalId: r.asin, asin: r.asin, sku: r.sku, title: r.title, currency: 'USD', priceAmount: r.price, productLinkId: r.linkId, linkSource: 'auto', data: { productType: String(template.productType) } },
      ]),
    });
    await db.priceSuggestion.createMany({
      data: part.map((r) => ({ id: randomUUID(), projectId, productLinkId: r.linkId, listingId: r.amazonId, currency: 'USD', currentAmount: r.price, suggestedAmount: r.target, explanation: { summary: `push test: ${r.price} → ${r.target}` } })),
    });
  }

  return {
    database,
    amazonDatabase,
    sandbox,
    amazon,
    shop,
    projectId,
    counts,
    feedMessagesPerSku() {
      const perSku = new Map<string, number>();
      for (const feed of Object.values(world.state.feeds)) {
        if (feed.feedType !== 'JSON_LISTINGS_FEED') continue;
        const doc = world.state.documents[feed.inputFeedDocumentId];
        if (!doc?.content) continue;
        const bytes = Buffer.from(doc.content, 'base64');
        const text = (doc.compression === 'GZIP' ? gunzipSync(bytes) : bytes).toString('utf8');
        const parsed = JSON.parse(text) as { messages?: Array<{ sku: string }> };
        for (const m of parsed.messages ?? []) perSku.set(m.sku, (perSku.get(m.sku) ?? 0) + 1);
      }
      return perSku;
    },
    async shopifyPrices() {
      const { products: now } = await control<{ products: Array<{ variants: Array<{ sku: string; price: string }> }> }>(`shopify/shops/${shop}/products`);
      return new Map(now.flatMap((p) => p.variants.map((v) => [v.sku, v.price] as const)));
    },
    amazonPrices() {
      return new Map(
        Object.values(seller.listings)
          .filter((l) => l.offers[US])
          .map((l) => {
            const p = l.offers[US]!.price;
            const minor = p.minor.padStart(3, '0');
            return [l.sku, `${minor.slice(0, -2)}.${minor.slice(-2)}`] as const;
          }),
      );
    },
    startApp,
    api,
    async close() {
      await amazon.close().catch(() => undefined);
      await sandbox.close().catch(() => undefined);
      await database.cleanup().catch(() => undefined);
      await amazonDatabase.cleanup().catch(() => undefined);
    },
  };
}

export function plusOne(amount: string): string {
  const minor = (BigInt(amount.replace('.', '')) + 100n).toString().padStart(3, '0');
  return `${minor.slice(0, -2)}.${minor.slice(-2)}`;
}
