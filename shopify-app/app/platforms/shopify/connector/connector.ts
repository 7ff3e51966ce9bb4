// The Shopify connector: the shared PlatformConnector for one shop, over the Admin GraphQL API.
import {
  AuthenticationError,
  ConnectorEventEmitter,
  ValidationError,
  type AuthOperations,
  type AuthStatus,
  type NormalizedProduct,
  type ConnectorCapabilities,
  type PlatformConnector,
  type PlatformCredentials,
  type PlatformHealth,
  type TenantErasure,
} from '@calibr/shared-contracts';
import { exportCatalog } from './bulk-catalog';
import { MemoryBulkRunStore, type BulkRunStore } from './bulk-runs';
import { ACCESS_SCOPES_QUERY, SHOP_QUERY } from './documents';
import { ShopifyGraphqlClient, type AccessTokenProvider, type RetryPolicy } from './graphql-client';
import { MemoryPriceUpdateLedger, type PriceUpdateLedger } from './ledger';
import { ShopifyPricingOperations, type VariantLocator } from './pricing';
import { ShopifyProductOperations } from './products';
import type { ThrottleScheduler } from './throttle';
import type { ShopInfo } from './types';

export const SHOPIFY_CONNECTOR_VERSION = '1.0.0';

export const SHOPIFY_CAPABILITIES: ConnectorCapabilities = {
  productRead: true,
  productSync: true,
  priceRead: true,
  priceUpdate: true,
  batchPriceUpdate: true,
  maxBatchSize: 50_000,
  priceUpdateMode: 'synchronous',
  minMaxPrice: true,
  compareAtPrice: true,
  marketplaces: false,
  webhooks: true,
  competitivePricing: false,
  // A caller's chunk: 250 updates go out as a few productVariantsBulkUpdate calls (one per product), and
  // their answers are recorded before the next chunk is sent.
  preferredBatchSize: 250,
};

export interface ShopifyConnectorOptions {
  /** `example.myshopify.com`. */
  shop: string;
  /** Where the offline token comes from; or call `authenticate` with ShopifyCredentials. */
  token?: AccessTokenProvider;
  scope?: string;
  tenantId?: string;
  ledger?: PriceUpdateLedger;
  locator?: VariantLocator;
  scheduler?: ThrottleScheduler;
  apiVersion?: string;
  retry?: Partial<RetryPolicy>;
  /** Batches with more variants than this use a bulk operation (default 5,000). */
  bulkMutationThreshold?: number;
  bulkPollIntervalMs?: number;
  /** Where the bulk price runs it starts are recorded for every instance (default: in memory, this instance only). */
  bulkRuns?: BulkRunStore;
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export class ShopifyConnector implements PlatformConnector {
  readonly platform = 'shopify';
  readonly name = 'Shopify';
  readonly version = SHOPIFY_CONNECTOR_VERSION;
  readonly capabilities = SHOPIFY_CAPABILITIES;
  readonly events: ConnectorEventEmitter;
  readonly products: ShopifyProductOperations;
  readonly pricing: ShopifyPricingOperations;
  readonly auth: AuthOperations;
  readonly shop: string;

  private token: AccessTokenProvider | undefined;
  private scope: string | undefined;
  private shopInfo: Promise<ShopInfo> | undefined;
  private readonly bulkPollIntervalMs: number;
  readonly client: ShopifyGraphqlClient;

  constructor(options: ShopifyConnectorOptions) {
    if (!SHOP_DOMAIN.test(options.shop)) throw ValidationError.field('shop', `not a myshopify.com domain: ${options.shop}`);
    this.shop = options.shop;
    this.token = options.token;
    this.scope = options.scope;
    this.bulkPollIntervalMs = options.bulkPollIntervalMs ?? 1_000;
    this.events = new ConnectorEventEmitter({ platform: 'shopify', ...(options.tenantId ? { tenantId: options.tenantId } : {}) });
    this.client = new ShopifyGraphqlClient({
      shop: options.shop,
      token: {
        getAccessToken: () => this.requireToken().getAccessToken(),
        onUnauthorized: async () => {
          await this.token?.onUnauthorized?.();
        },
      },
      ...(options.apiVersion ? { apiVersion: options.apiVersion } : {}),
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
    });
    const currency = () => this.loadShop().then((s) => s.currencyCode);
    this.products = new ShopifyProductOperations({ client: this.client, shop: this.shop, currency, events: this.events });
    this.pricing = new ShopifyPricingOperations({
      client: this.client,
      currency,
      ledger: options.ledger ?? new MemoryPriceUpdateLedger(),
      events: this.events,
      ...(options.locator ? { locator: options.locator } : {}),
      maxBatchSize: SHOPIFY_CAPABILITIES.maxBatchSize,
      bulkMutationThreshold: options.bulkMutationThreshold ?? 5_000,
      bulkPollIntervalMs: this.bulkPollIntervalMs,
      bulkRuns: options.bulkRuns ?? new MemoryBulkRunStore(),
    });
    this.auth = {
      status: async (): Promise<AuthStatus> => ({
        authenticated: this.token !== undefined,
        accountId: this.shop,
        ...(this.scope ? { scopes: this.scope.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
      }),
      refresh: async (): Promise<AuthStatus> => {
        const token = this.requireToken();
        await token.onUnauthorized?.();
        return this.auth.status();
      },
    };
  }

  private requireToken(): AccessTokenProvider {
    if (!this.token) throw new AuthenticationError(`Shopify is not connected for ${this.shop}`, { platform: 'shopify' });
    return this.token;
  }

  /** The shop's name, currency and time zone, read once. */
  loadShop(): Promise<ShopInfo> {
    if (!this.shopInfo) {
      this.shopInfo = this.client.request<{ shop: ShopInfo }>(SHOP_QUERY).then((r) => r.data.shop);
      this.shopInfo.catch(() => {
        this.shopInfo = undefined;
      });
    }
    return this.shopInfo;
  }

  /** The access scopes the merchant has granted the app on this shop, as Shopify says now. */
  async grantedScopes(): Promise<string[]> {
    const r = await this.client.request<{ currentAppInstallation: { accessScopes: Array<{ handle: string }> } }>(ACCESS_SCOPES_QUERY);
    return r.data.currentAppInstallation.accessScopes.map((s) => s.handle);
  }

  /** Every product (or those matching Shopify's search syntax) through one bulk query. */
  async exportCatalog(search?: string): Promise<NormalizedProduct[]> {
    const shop = await this.loadShop();
    return exportCatalog(this.client, {
      currency: shop.currencyCode,
      shop: this.shop,
      pollIntervalMs: this.bulkPollIntervalMs,
      ...(search ? { search } : {}),
    });
  }

  async isAuthenticated(): Promise<boolean> {
    return this.token !== undefined;
  }

  async authenticate(credentials: PlatformCredentials): Promise<void> {
    if (credentials.platform !== 'shopify' || !('accessToken' in credentials)) {
      throw ValidationError.field('credentials.platform', 'expected Shopify credentials');
    }
    if (credentials.shopDomain !== this.shop) {
      throw ValidationError.field('credentials.shopDomain', `this connector serves ${this.shop}`);
    }
    const previous = { token: this.token, scope: this.scope };
    const accessToken = credentials.accessToken;
    this.token = { getAccessToken: async () => accessToken };
    this.scope = credentials.scope;
    this.shopInfo = undefined;
    try {
      await this.loadShop();
    } catch (error) {
      this.token = previous.token;
      this.scope = previous.scope;
      throw error;
    }
  }

  async disconnect(): Promise<void> {
    this.token = undefined;
    this.shopInfo = undefined;
  }

  /**
   * Shopify's data lives in the app's own tables (the shop's Project, sessions), which shop/redact
   * erases itself (webhooks/lifecycle.server.ts eraseShop); this connector keeps only the token in memory.
   */
  async eraseTenant(): Promise<TenantErasure> {
    await this.disconnect();
    return { erased: {} };
  }

  async healthCheck(): Promise<PlatformHealth> {
    const started = performance.now();
    const checkedAt = new Date().toISOString();
    try {
      await this.client.request(SHOP_QUERY);
      return { status: 'healthy', checkedAt, latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      return {
        status: 'unavailable',
        checkedAt,
        latencyMs: Math.round(performance.now() - started),
        message: error instanceof Error ? error.message : String(error),
      };
    }
  }
}
