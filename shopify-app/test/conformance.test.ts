// The shared conformance kit against the Shopify connector, talking to the sandbox's Shopify over HTTP
// (the sandbox's routing dispatcher sends *.myshopify.com to loopback).
import { startSandbox, type RunningSandbox } from '@calibr/sandbox';
import { installSandboxRouting, uninstallSandboxRouting } from '@calibr/sandbox/routing';
import { describeConformance } from '@calibr/shared-contracts/conformance';
import { afterAll, beforeAll } from 'vitest';
import { ShopifyConnector, ThrottleScheduler } from '../app/platforms/shopify/connector';
import { sandboxControl } from './support/app-http';

const SHOP = 'conformance.myshopify.com';
const API_KEY = '5f0c1d7e3a9b4c26a8e1f2d3c4b5a697';
/** THROTTLED replies the connector waits out before surfacing RateLimitedError (kept small here). */
const MAX_THROTTLED_RETRIES = 2;

let sandbox: RunningSandbox;
let accessToken = '';
let product: { id: number; variants: Array<{ id: number }> };
let second: { id: number; variants: Array<{ id: number }> };

const control = <T>(path: string, body?: unknown): Promise<T> => sandboxControl<T>(sandbox, path, body);

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'none', timeScale: 20, appConfig: { apiKey: API_KEY, webhooks: [] } });
  installSandboxRouting(sandbox.url);
  await control('shopify/shops', { domain: SHOP, plan: 'standard', install: false, generate: { count: 6, variantsPerProduct: 2, prefix: 'CONF' } });
  accessToken = (await control<{ token: { access_token: string } }>(`shopify/shops/${SHOP}/install`, { apiKey: API_KEY })).token.access_token;
  const { products } = await control<{ products: Array<{ id: number; variants: Array<{ id: number }> }> }>(`shopify/shops/${SHOP}/products`);
  [product, second] = [products[0]!, products[1]!];
});

afterAll(async () => {
  uninstallSandboxRouting();
  await sandbox?.close();
});

describeConformance('Shopify connector against the sandbox', () => ({
  makeConnector: () =>
    new ShopifyConnector({
      shop: SHOP,
      scheduler: new ThrottleScheduler(),
      retry: { maxThrottledRetries: MAX_THROTTLED_RETRIES, baseDelayMs: 50 },
    }),
  fixtures: {
    credentials: { platform: 'shopify', shopDomain: SHOP, accessToken, scope: 'read_products,write_products,read_inventory' },
    invalidCredentials: { platform: 'shopify', shopDomain: SHOP, accessToken: 'shpat_not_a_real_token_00000000' },
    product: { externalId: `gid://shopify/Product/${product.id}` },
    listing: { externalId: `gid://shopify/ProductVariant/${product.variants[0]!.id}` },
    secondListing: { externalId: `gid://shopify/ProductVariant/${second.variants[1]!.id}` },
    unknownProductId: 'gid://shopify/Product/999999999999',
    unknownListingId: 'gid://shopify/ProductVariant/999999999999',
  },
  // Shopify's throttle, forced by the sandbox for more replies than the connector waits out.
  simulateRateLimit: async () => {
    await control('faults', { platform: 'shopify', kind: 'throttle', host: SHOP, path: '/admin/api/*', count: MAX_THROTTLED_RETRIES + 1 });
  },
  timeoutMs: 60_000,
}));
