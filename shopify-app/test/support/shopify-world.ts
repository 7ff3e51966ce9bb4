// One world per test file, over real HTTP on loopback: the sandbox (Shopify), a fresh test database, and
// the Remix app served by Vite in sandbox mode. The sandbox frames the app and delivers its webhooks at
// the app's URL; the app reaches *.myshopify.com through the sandbox's routing dispatcher.
import { createHmac, randomUUID } from 'node:crypto';
import { createTestDatabase, type DatabaseProvider, type TestDatabase } from '@calibr/db';
import { startSandbox, type RunningSandbox } from '@calibr/sandbox';
import { startShopifyApp, type RunningApp } from '../../server/start-app';
import { BROWSER_UA, fetchWithSessionToken, readJson, sandboxControl } from './app-http';
import { waitFor } from './wait-for';

export { BROWSER_UA, readJson, waitFor };

export const API_KEY = '5f0c1d7e3a9b4c26a8e1f2d3c4b5a697';
export const API_SECRET = 'shpss_h5_shopify_app_suite_secret_00000001';

export interface ShopifyWorld {
  sandbox: RunningSandbox;
  database: TestDatabase;
  app: RunningApp;
  control<T = unknown>(path: string, body?: unknown): Promise<T>;
  /** Create a shop in the sandbox (app installed, no token yet unless asked). */
  createShop(domain: string, options?: { products?: number; variantsPerProduct?: number; install?: boolean; ianaTimezone?: string }): Promise<void>;
  sessionToken(shop: string): Promise<string>;
  /** fetch an app route with the shop's session token (Authorization: Bearer). */
  api(shop: string, path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /** POST a webhook to the app signed as Shopify signs it (or with a forged signature). */
  webhook(path: string, topic: string, shop: string, payload: unknown, options?: { webhookId?: string; forge?: boolean; triggeredAt?: string }): Promise<Response>;
  close(): Promise<void>;
}

export async function startShopifyWorld(options: { timeScale?: number; provider?: DatabaseProvider } = {}): Promise<ShopifyWorld> {
  const database = await createTestDatabase({ provider: options.provider ?? 'sqlite' });
  const sandbox = await startSandbox({ port: 0, seed: 'none', timeScale: options.timeScale ?? 10, appConfig: { apiKey: API_KEY, apiSecret: API_SECRET } });
  const app = await startShopifyApp({
    env: {
      DATABASE_URL: database.url,
      SANDBOX_URL: sandbox.url,
      SHOPIFY_API_KEY: API_KEY,
      SHOPIFY_API_SECRET: API_SECRET,
      APP_BRIDGE_URL: undefined,
    },
  });
  const control = <T>(path: string, body?: unknown): Promise<T> => sandboxControl<T>(sandbox, path, body);
  await control('shopify/apps', {
    apiKey: API_KEY,
    applicationUrl: app.url,
    redirectUrls: [`${app.url}/auth/callback`, `${app.url}/api/integrations/shopify/oauth/callback`],
  });
  const sessionToken = async (shop: string) =>
    (await control<{ token: string }>(`shopify/shops/${shop}/session-token`, { apiKey: API_KEY })).token;

  return {
    sandbox,
    database,
    app,
    control,
    async createShop(domain, opts = {}) {
      await control('shopify/shops', {
        domain,
        plan: 'standard',
        install: opts.install ?? true,
        ...(opts.ianaTimezone ? { ianaTimezone: opts.ianaTimezone } : {}),
        ...(opts.products ? { generate: { count: opts.products, variantsPerProduct: opts.variantsPerProduct ?? 1, prefix: domain.split('.')[0]!.toUpperCase() } } : {}),
      });
    },
    sessionToken,
    async api(shop, path, init = {}) {
      return fetchWithSessionToken(`${app.url}${path}`, await sessionToken(shop), init);
    },
    async webhook(path, topic, shop, payload, opts = {}) {
      const body = JSON.stringify(payload);
      const hmac = createHmac('sha256', opts.forge ? `${API_SECRET}-forged` : API_SECRET).update(body).digest('base64');
      return fetch(`${app.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': topic,
          'x-shopify-shop-domain': shop,
          'x-shopify-api-version': '2026-10',
          'x-shopify-webhook-id': opts.webhookId ?? randomUUID(),
          'x-shopify-event-id': randomUUID(),
          'x-shopify-triggered-at': opts.triggeredAt ?? new Date().toISOString(),
          'x-shopify-hmac-sha256': hmac,
        },
        body,
      });
    },
    async close() {
      await app.close().catch(() => undefined);
      await sandbox.close().catch(() => undefined);
      await database.cleanup().catch(() => undefined);
    },
  };
}

/** A full catalog sync of a shop through the app's sync route, waited for: a refused start (not 202) or a failed sync throws. */
export async function syncShopify(world: ShopifyWorld, shop: string): Promise<{ status: string }> {
  const start = await world.api(shop, '/api/integrations/shopify/sync', { json: { mode: 'full' } });
  if (start.status !== 202) throw new Error(`starting the ${shop} sync: ${start.status} ${await start.text()}`);
  const { syncId } = await readJson<{ syncId: string }>(start);
  return waitFor(`${shop} sync`, async () => {
    const body = await readJson<{ status: string }>(await world.api(shop, `/api/integrations/shopify/sync?id=${syncId}`));
    return body.status === 'completed' ? body : body.status === 'failed' ? Promise.reject(new Error(JSON.stringify(body))) : undefined;
  });
}
