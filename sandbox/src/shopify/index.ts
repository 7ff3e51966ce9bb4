// The Shopify platform of the sandbox: {shop}.myshopify.com (Admin GraphQL, OAuth), the storage hosts for
// staged uploads and bulk results, the control API under /_sandbox/shopify, and the Admin shell pages.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostOf, requestUrl, sendJson } from '../core/http';
import type { SandboxContext, SandboxPlatform } from '../platform';
import { handleAdminGraphql } from './admin-api/handler';
import { buildAdminSchema } from './admin-api/schema';
import { forceThrottle, ThrottleBuckets } from './admin-api/throttle';
import { AppTomlSource, defaultTomlPath, type ShopifyAppConfigInput } from './app-config';
import { AppRegistry } from './apps';
import { handleAdminShellPages, shellUrl } from './admin-shell/pages';
import { BulkOperations } from './bulk/operations';
import { handleStorage, RESULTS_HOST, STAGED_UPLOADS_HOST } from './bulk/storage';
import { appSummary, handleShopifyControl } from './control';
import { authenticateAccessToken, handleAccessToken, handleAuthorize, handleInstallGrant } from './oauth';
import type { ShopifyRuntime } from './runtime';
import { seedDemoShops } from './seed';
import { emptyState, findShop, type ShopifyState } from './state';
import { WebhookDispatcher } from './webhooks/dispatcher';

export type { ShopifyAppConfigInput } from './app-config';
export { DEFAULT_APP } from './app-config';

export interface ShopifyPlatformOptions {
  appConfig?: ShopifyAppConfigInput;
  /** Path of shopify.app.toml; false to ignore it; default: the repo's, when present. */
  tomlPath?: string | false;
  /** Duplicate webhook deliveries (same event id, new webhook id): share of deliveries and the generator's seed. Default none. */
  webhookDuplicates?: { rate: number; seed?: number };
}

export interface ShopifyPlatform extends SandboxPlatform {
  readonly runtime: ShopifyRuntime;
  adminShellUrl(baseUrl: string, shop?: string): string;
  shellLinks(): Array<{ label: string; url: string }>;
}

export const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const ADMIN_GRAPHQL = /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/graphql\.json$/;
const INVALID_TOKEN = '[API] Invalid API key or access token (unrecognized login or wrong password)';

export function createShopifyPlatform(options: ShopifyPlatformOptions = {}): ShopifyPlatform {
  let state: ShopifyState = emptyState();
  let ctx: SandboxContext | null = null;
  const toml = new AppTomlSource(options.tomlPath === false ? null : (options.tomlPath ?? defaultTomlPath()));
  const rt: ShopifyRuntime = {
    get state() {
      return state;
    },
    set state(s: ShopifyState) {
      state = s;
    },
    get ctx() {
      if (!ctx) throw new Error('the Shopify platform is not attached to a sandbox yet');
      return ctx;
    },
    apps: new AppRegistry(() => state, options.appConfig, toml),
    throttle: new ThrottleBuckets(() => ctx?.timeScale ?? 1),
    webhooks: new WebhookDispatcher(() => rt),
    bulk: new BulkOperations(() => rt),
    schema: buildAdminSchema(),
    markDirty: () => ctx?.markDirty(),
  };

  if (options.webhookDuplicates) rt.webhooks.setDuplicates(options.webhookDuplicates);

  const attach = (c: SandboxContext) => {
    ctx = c;
  };

  async function handleShop(req: IncomingMessage, res: ServerResponse, host: string): Promise<void> {
    const url = requestUrl(req);
    const shop = findShop(state, host);
    if (!shop) return sendJson(res, 404, { errors: 'Not Found' });
    if (url.pathname === '/admin/oauth/authorize' && req.method === 'GET') return handleAuthorize(rt, req, res, shop);
    if (url.pathname === '/admin/oauth/access_token' && req.method === 'POST') return handleAccessToken(rt, req, res, shop);
    if (url.pathname === '/admin/oauth/install' && req.method === 'GET') return handleInstallGrant(rt, req, res, shop);
    const gql = ADMIN_GRAPHQL.exec(url.pathname);
    if (gql) {
      if (req.method !== 'POST') return sendJson(res, 405, { errors: 'Method Not Allowed' }, { allow: 'POST' });
      const caller = authenticateAccessToken(rt, req, shop);
      if (!caller) return sendJson(res, 401, { errors: INVALID_TOKEN });
      return handleAdminGraphql(rt, req, res, shop, gql[1]!, caller);
    }
    if (url.pathname.startsWith('/admin/api/')) {
      // The REST Admin API is legacy; Calibrate uses GraphQL only, so the sandbox does not play it.
      if (!authenticateAccessToken(rt, req, shop)) return sendJson(res, 401, { errors: INVALID_TOKEN });
      return sendJson(res, 404, { errors: 'Not Found' });
    }
    return sendJson(res, 404, { errors: 'Not Found' });
  }

  const platform: ShopifyPlatform = {
    name: 'shopify',
    runtime: rt,
    handles: (host) => SHOP_HOST.test(host) || host === STAGED_UPLOADS_HOST || host === RESULTS_HOST,
    async handle(req, res, c) {
      attach(c);
      const host = hostOf(req);
      if (host === STAGED_UPLOADS_HOST || host === RESULTS_HOST) return handleStorage(rt, host, req, res);
      return handleShop(req, res, host);
    },
    async control(rest, req, res, c) {
      attach(c);
      return handleShopifyControl(rt, rest, req, res);
    },
    async pages(req, res, c) {
      attach(c);
      return handleAdminShellPages(rt, req, res, handleShop);
    },
    async throttle(req, _res, c) {
      attach(c);
      const host = hostOf(req);
      if (!SHOP_HOST.test(host)) return false;
      // Forced throttling: empty the shop's buckets and answer this request THROTTLED, as Shopify would.
      for (const app of rt.apps.all()) rt.throttle.drain(host, app.apiKey);
      forceThrottle(req);
      return false;
    },
    errorBody: (status) => ({ errors: status >= 500 ? 'Internal Server Error' : 'Error' }),
    seedIdentities() {
      const apps = rt.apps.all();
      return {
        apps: apps.map(appSummary),
        shops: state.shops.map((s) => {
          const installed = state.installations.filter((i) => i.shop === s.domain && !i.uninstalledAt).map((i) => i.apiKey);
          const app = apps.find((a) => installed.includes(a.apiKey)) ?? apps[0]!;
          return {
            shop: s.domain,
            name: s.name,
            currencyCode: s.currencyCode,
            plan: s.plan,
            apiKey: app.apiKey,
            apiSecret: app.apiSecret,
            installedApps: installed,
            adminShellUrl: ctx ? shellUrl(ctx.baseUrl, s.domain, app) : null,
          };
        }),
      };
    },
    seedDemo(c) {
      attach(c);
      seedDemoShops(rt);
    },
    snapshot: () => state,
    restore(saved) {
      rt.bulk.close();
      rt.webhooks.clear();
      rt.throttle.clear();
      state = saved && typeof saved === 'object' && (saved as ShopifyState).version === 1 ? (saved as ShopifyState) : emptyState();
      if (ctx) rt.bulk.resume();
    },
    reset() {
      platform.restore(null);
      rt.bulk.clearPaces();
    },
    start(c) {
      attach(c);
      rt.bulk.resume();
    },
    async close() {
      rt.bulk.close();
      await rt.webhooks.close();
    },
    adminShellUrl(baseUrl, shop) {
      const domain = shop ?? state.shops[0]?.domain ?? 'calibr-demo.myshopify.com';
      return shellUrl(baseUrl, domain, rt.apps.primary());
    },
    shellLinks() {
      if (!ctx) return [];
      const app = rt.apps.primary();
      return state.shops.map((s) => ({ label: `${s.name} (${s.domain}) — ${app.name}`, url: shellUrl(ctx!.baseUrl, s.domain, app) }));
    },
  };
  return platform;
}
