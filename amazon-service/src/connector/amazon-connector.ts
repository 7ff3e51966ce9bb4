// The shared PlatformConnector for one tenant's Amazon seller, served over HTTP to the Shopify app's
// registry (connector/connector-routes.ts). Every operation goes through the same modules the service's
// own routes use.
import {
  amazonCredentialsSchema,
  competitiveOffersRequestSchema,
  feeEstimatesRequestSchema,
  offerChangesRequestSchema,
  ValidationError,
  ConflictError,
  ConnectorError,
  ConnectorEventEmitter,
  NotFoundError,
  parseOrThrow,
  PlatformUnavailableError,
  RateLimitedError,
  AuthenticationError,
  validatePriceUpdate,
  type AuthStatus,
  type BatchUpdateResult,
  type CompetitiveOffersRequest,
  type CompetitiveOffersResult,
  type ConnectorCapabilities,
  type FeeEstimatesRequest,
  type FeeEstimatesResult,
  type OfferChangesRequest,
  type OfferChangesResult,
  type NormalizedPrice,
  type NormalizedProduct,
  type PlatformConnector,
  type PlatformCredentials,
  type PlatformHealth,
  type PriceUpdate,
  type PriceUpdateResult,
  type ProductFilter,
  type ProductPage,
  type SyncOptions,
  type SyncResult,
} from '@calibr/shared-contracts';
import { randomUUID } from 'node:crypto';
import type { AmazonContext } from '../amazon-context';
import { selfAuthorize } from '../authorization/self-authorization';
import { getCatalogItem } from '../catalog/catalog-items';
import { readOfferPrice, searchListingsPage, toSellableListing } from '../catalog/listings-items';
import { hasLiveListings } from '../catalog/listing-store';
import { productsFromListings, syncListingsPage } from '../catalog/listings-sync';
import { chosenMarketplace, disconnectIntegration, findIntegration, sellerClient, sellerIdsIn, type AmazonIntegrationView } from '../integrations/integration-store';
import type { Tenant } from '../integrations/projects';
import { eraseTenantData } from '../integrations/tenant-erasure';
import { batchUpdatePrices, getUpdateResult, getUpdateResults } from '../pricing/batch-update-prices';
import { ITEM_OFFERS_BATCH_SIZE, readCompetitivePrices } from '../pricing/competitive-pricing';
import { FEES_ESTIMATES_BATCH_SIZE, estimateFees } from '../pricing/fee-estimates';
import { readOfferChanges } from '../notifications/offer-change-store';

export const AMAZON_CONNECTOR_VERSION = '1.0.0';
/** Largest batch accepted over HTTP (bodies stay well under the route's size limit). */
export const CONNECTOR_MAX_BATCH = 10_000;

export const AMAZON_CAPABILITIES: ConnectorCapabilities = {
  productRead: true,
  productSync: true,
  priceRead: true,
  priceUpdate: true,
  batchPriceUpdate: true,
  maxBatchSize: CONNECTOR_MAX_BATCH,
  priceUpdateMode: 'mixed',
  minMaxPrice: true,
  compareAtPrice: false,
  marketplaces: true,
  webhooks: false,
  competitivePricing: true,
  // One feed takes them all (split past 25,000 messages or 10 MiB); a feed settles in minutes.
  preferredBatchSize: CONNECTOR_MAX_BATCH,
  pendingPollMs: 5_000,
  maxCompetitiveBatch: ITEM_OFFERS_BATCH_SIZE,
  feeEstimates: true,
  maxFeeBatch: FEES_ESTIMATES_BATCH_SIZE,
  // ANY_OFFER_CHANGED notifications kept per shop; `status.state` says `off` where none are subscribed.
  offerChanges: true,
  // PRICING_HEALTH notifications in the same stream, for a caller that asks (`include: ['pricingHealth']`).
  pricingHealth: true,
};

/** How long a competitive read waits for the seller's getItemOffersBatch turn (0.1/s) before it is a 429. */
const COMPETITIVE_MAX_WAIT_MS = 20_000;

interface SyncCursor {
  syncId: string;
  startedAt: string;
  marketplaceId: string;
  /** Absent: the marketplace's first page. */
  pageToken?: string;
  /** The marketplaces still to sync after this one. */
  queue?: string[];
  /** Where an incremental sync reads from (absent: the whole marketplace). */
  since?: string;
  synced: number;
  limit?: number;
}

const encodeCursor = (c: SyncCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(value: string): SyncCursor {
  try {
    return JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as SyncCursor;
  } catch {
    throw new ConnectorError('validation', 'cursor is not one this connector issued');
  }
}

export function createAmazonConnector(ctx: AmazonContext, tenant: Tenant, options: { onFeedsStored?: () => void } = {}): PlatformConnector {
  const { projectId } = tenant;
  const events = new ConnectorEventEmitter({ platform: 'amazon', tenantId: tenant.shopDomain });

  const connected = async (): Promise<AmazonIntegrationView> => {
    const integration = await findIntegration(ctx, projectId);
    if (!integration) throw new AuthenticationError('No Amazon seller is connected for this shop', { platform: 'amazon' });
    return integration;
  };
  const marketplaceFor = async (requested?: string): Promise<string> => chosenMarketplace(await connected(), requested);

  /**
   * Where an incremental sync of a marketplace starts: `since`, unless none of its listings is live
   * (newly chosen, or chosen again after being retired): then the whole marketplace is read.
   */
  const sinceFor = async (marketplaceId: string, since: string | undefined): Promise<string | undefined> =>
    since && (await hasLiveListings(ctx, projectId, marketplaceId)) ? since : undefined;

  const throwForFailure = (result: PriceUpdateResult): PriceUpdateResult => {
    if (result.status !== 'failed') return result;
    if (result.reason === 'conflict' && result.message.includes('idempotency key')) throw new ConflictError(result.message, { platform: 'amazon' });
    if (result.reason === 'rate_limited') throw new RateLimitedError(result.retryAfter ?? 1, result.message, { platform: 'amazon' });
    if (result.reason === 'unauthorized') throw new AuthenticationError(result.message, { platform: 'amazon' });
    if (result.reason === 'platform_unavailable') throw new PlatformUnavailableError(result.message, { platform: 'amazon' });
    return result;
  };

  const connector: PlatformConnector = {
    platform: 'amazon',
    name: 'Amazon',
    version: AMAZON_CONNECTOR_VERSION,
    capabilities: AMAZON_CAPABILITIES,
    events,

    async isAuthenticated() {
      return (await findIntegration(ctx, projectId))?.status === 'connected';
    },

    async authenticate(credentials: PlatformCredentials) {
      const c = parseOrThrow(amazonCredentialsSchema, credentials, 'credentials');
      await selfAuthorize(ctx, {
        projectId,
        sellingPartnerId: c.sellingPartnerId,
        region: c.region,
        marketplaceIds: [...c.marketplaceIds],
        refreshToken: c.refreshToken,
        ...(c.lwaClientId && c.lwaClientSecret ? { lwaClientId: c.lwaClientId, lwaClientSecret: c.lwaClientSecret } : {}),
      });
    },

    async disconnect() {
      await disconnectIntegration(ctx, projectId);
    },

    eraseTenant: () => eraseTenantData(ctx, projectId),

    async healthCheck(): Promise<PlatformHealth> {
      const checkedAt = new Date().toISOString();
      const integration = await findIntegration(ctx, projectId);
      if (!integration) return { status: 'unavailable', checkedAt, message: 'No Amazon seller connected', components: { lwa: 'unavailable' } };
      if (integration.status === 'needs_reconnect') {
        const reason = integration.statusReason ?? 'Amazon revoked the authorization';
        return { status: 'unavailable', checkedAt, message: `Reconnect Amazon: ${reason}`, components: { lwa: 'unavailable' } };
      }
      const started = Date.now();
      try {
        const { client } = await sellerClient(ctx, projectId);
        await client.accessToken();
        const pendingFeeds = await ctx.db.amazonPriceFeed.count({ where: { projectId, status: { in: ['PREPARING', 'UPLOADED', 'IN_QUEUE', 'IN_PROGRESS'] } } });
        // The console shows a degraded platform's message: the merchant sees "Reconnect Amazon before …" there.
        const warning = integration.authorization.warning;
        if (warning) return { status: 'degraded', checkedAt, latencyMs: Date.now() - started, message: warning, components: { lwa: 'degraded', feeds: 'healthy' } };
        return { status: 'healthy', checkedAt, latencyMs: Date.now() - started, message: `${pendingFeeds} feed(s) in progress`, components: { lwa: 'healthy', feeds: 'healthy' } };
      } catch (error) {
        const revoked = error instanceof AuthenticationError;
        // Refused just now: the integration says why (expired after 365 days, or revoked).
        const reason = revoked ? (await findIntegration(ctx, projectId))?.statusReason : undefined;
        const message = reason ? `Reconnect Amazon: ${reason}` : (error as Error).message;
        return { status: revoked ? 'unavailable' : 'degraded', checkedAt, latencyMs: Date.now() - started, message, components: { lwa: revoked ? 'unavailable' : 'degraded' } };
      }
    },

    products: {
      async list(filter: ProductFilter = {}): Promise<ProductPage> {
        const marketplaceId = await marketplaceFor(filter.marketplaceId);
        const { client } = await sellerClient(ctx, projectId);
        const query: Record<string, unknown> = {};
        if (filter.skus?.length) Object.assign(query, { identifiers: filter.skus.slice(0, 20), identifiersType: 'SKU' });
        else if (filter.externalIds?.length) Object.assign(query, { identifiers: filter.externalIds.slice(0, 20), identifiersType: 'ASIN' });
        if (filter.updatedSince) query.lastUpdatedAfter = filter.updatedSince;
        if (filter.limit) query.pageSize = Math.min(filter.limit, 20);
        const page = await searchListingsPage(client, marketplaceId, filter.cursor, query);
        let listings = page.items.map((item) => toSellableListing(item, marketplaceId));
        if (filter.query) {
          const q = filter.query.toLowerCase();
          listings = listings.filter((l) => l.title.toLowerCase().includes(q) || (l.sku ?? '').toLowerCase().includes(q));
        }
        return { items: productsFromListings(listings), nextCursor: page.nextToken ?? null };
      },

      async get(externalId: string): Promise<NormalizedProduct> {
        const marketplaceId = await marketplaceFor();
        const { client } = await sellerClient(ctx, projectId);
        const details = await getCatalogItem(client, externalId, marketplaceId);
        const page = await searchListingsPage(client, marketplaceId, undefined, { identifiers: [externalId], identifiersType: 'ASIN' });
        const listings = page.items.map((item) => toSellableListing(item, marketplaceId));
        if (listings.length === 0) throw new NotFoundError(`the seller has no listing for ASIN ${externalId}`, { resource: 'product', resourceId: externalId });
        return {
          platform: 'amazon',
          externalId,
          title: details.title ?? listings[0]!.title,
          status: listings.some((l) => l.status === 'active') ? 'active' : 'inactive',
          ...(details.brand ? { brand: details.brand } : {}),
          ...(details.productType ? { productType: details.productType } : {}),
          ...(details.imageUrl ? { imageUrl: details.imageUrl } : {}),
          listings,
        };
      },

      async sync(options: SyncOptions): Promise<SyncResult> {
        // Every marketplace the seller chose, one after the other (or the one asked for), each into its
        // own listings in its own currency.
        const previous = options.cursor ? decodeCursor(options.cursor) : undefined;
        let position = previous;
        if (!position) {
          const integration = await connected();
          const [first, ...queue] = options.marketplaceId ? [chosenMarketplace(integration, options.marketplaceId)] : integration.marketplaceIds;
          if (!first) throw new ConnectorError('validation', 'the seller has no marketplace chosen');
          const since = options.mode === 'incremental' ? options.since : undefined;
          position = { syncId: randomUUID(), startedAt: new Date().toISOString(), marketplaceId: first, queue, ...(since ? { since } : {}), synced: 0, ...(options.limit ? { limit: options.limit } : {}) };
        }
        const { syncId, startedAt, marketplaceId } = position;
        const limit = options.limit ?? position.limit;
        if (!previous) events.publish({ type: 'sync.started', syncId, mode: options.mode });
        const { integration, client } = await sellerClient(ctx, projectId);
        // A marketplace no longer chosen (retired meanwhile) is not read back to life.
        chosenMarketplace(integration, marketplaceId);
        const since = position.pageToken ? undefined : await sinceFor(marketplaceId, position.since);
        const step = await syncListingsPage(ctx, client, {
          projectId,
          integrationId: integration.id,
          marketplaceId,
          ...(position.pageToken ? { pageToken: position.pageToken } : {}),
          ...(since ? { since } : {}),
          ...(limit ? { limit } : {}),
        });
        const synced = position.synced + step.listings.length;
        const queue = (position.queue ?? []).filter((id) => integration.marketplaceIds.includes(id));
        const next: SyncCursor | null = step.nextToken
          ? { ...position, pageToken: step.nextToken, queue, synced }
          : queue.length > 0
            ? { syncId, startedAt, marketplaceId: queue[0]!, queue: queue.slice(1), ...(position.since ? { since: position.since } : {}), synced, ...(limit ? { limit } : {}) }
            : null;
        const done = next === null;
        const finishedAt = new Date().toISOString();
        events.publish({ type: 'sync.finished', syncId, mode: options.mode, status: 'completed', itemsSynced: step.listings.length, itemsFailed: 0, done });
        return {
          syncId,
          mode: options.mode,
          status: 'completed',
          startedAt,
          finishedAt,
          products: productsFromListings(step.listings),
          itemsSynced: step.listings.length,
          itemsFailed: 0,
          errors: [],
          nextCursor: next ? encodeCursor({ ...next, ...(limit ? { limit } : {}) }) : null,
          ...(done ? { checkpoint: startedAt } : {}),
        };
      },
    },

    pricing: {
      async getPrice(externalId: string, options = {}): Promise<NormalizedPrice> {
        const marketplaceId = await marketplaceFor(options.marketplaceId);
        const { client } = await sellerClient(ctx, projectId);
        const live = await readOfferPrice(client, externalId, marketplaceId);
        if (!live.price) throw new NotFoundError(`SKU ${externalId} has no offer in ${marketplaceId}`, { resource: 'listing', resourceId: externalId });
        return {
          platform: 'amazon',
          externalId,
          sku: externalId,
          marketplaceId,
          price: live.price,
          minPrice: live.minPrice,
          maxPrice: live.maxPrice,
          observedAt: new Date().toISOString(),
        };
      },

      async updatePrice(update: PriceUpdate): Promise<PriceUpdateResult> {
        const valid = validatePriceUpdate(update);
        const batch = await batchUpdatePrices(ctx, projectId, [valid], { channel: 'listings_item' });
        const result = throwForFailure(batch.results[0]!);
        events.priceUpdateResult(result);
        return result;
      },

      async batchUpdatePrices(updates: readonly PriceUpdate[]): Promise<BatchUpdateResult> {
        const batch = await batchUpdatePrices(ctx, projectId, updates, { maxBatchSize: CONNECTOR_MAX_BATCH, ...(options.onFeedsStored ? { onFeedsStored: options.onFeedsStored } : {}) });
        for (const result of batch.results) events.priceUpdateResult(result);
        return batch;
      },

      async getUpdateResult(idempotencyKey: string): Promise<PriceUpdateResult> {
        const result = await getUpdateResult(ctx, projectId, idempotencyKey);
        if (!result) throw new NotFoundError(`no price update with idempotency key ${idempotencyKey}`, { resource: 'price_update', resourceId: idempotencyKey });
        return result;
      },

      async getUpdateResults(idempotencyKeys: readonly string[]) {
        return { results: await getUpdateResults(ctx, projectId, idempotencyKeys) };
      },

      async getCompetitiveOffers(input: CompetitiveOffersRequest): Promise<CompetitiveOffersResult> {
        const request = parseOrThrow(competitiveOffersRequestSchema, input, 'request');
        if (request.itemIds.length > ITEM_OFFERS_BATCH_SIZE) {
          throw ValidationError.field('request.itemIds', `at most ${ITEM_OFFERS_BATCH_SIZE} ASINs per call (one getItemOffersBatch)`, 'too_big');
        }
        // A retired marketplace (no longer chosen) is neither read nor priced.
        const { integration, client } = await sellerClient(ctx, projectId);
        const marketplaceId = chosenMarketplace(integration, request.marketplaceId);
        // Every seller account the shop holds there is ours, not only the connected one.
        const ownSellerIds = await sellerIdsIn(ctx, projectId, marketplaceId);
        const listings = await readCompetitivePrices(client, marketplaceId, request.itemIds, { maxWaitMs: COMPETITIVE_MAX_WAIT_MS, ownSellerIds });
        return { listings };
      },

      async getFeeEstimates(input: FeeEstimatesRequest): Promise<FeeEstimatesResult> {
        const request = parseOrThrow(feeEstimatesRequestSchema, input, 'request');
        if (request.items.length > FEES_ESTIMATES_BATCH_SIZE) {
          throw ValidationError.field('request.items', `at most ${FEES_ESTIMATES_BATCH_SIZE} items per call (one getMyFeesEstimates)`, 'too_big');
        }
        const { integration, client } = await sellerClient(ctx, projectId);
        const marketplaceId = chosenMarketplace(integration, request.marketplaceId);
        return { estimates: await estimateFees(ctx, { projectId, client, marketplaceId }, request.items) };
      },

      async getOfferChanges(input: OfferChangesRequest): Promise<OfferChangesResult> {
        // The shop's own feed: it reads what it kept, whether or not a seller is still connected.
        return readOfferChanges(ctx, projectId, parseOrThrow(offerChangesRequestSchema, input, 'request'));
      },
    },

    auth: {
      async status(): Promise<AuthStatus> {
        const integration = await findIntegration(ctx, projectId);
        if (integration?.status === 'needs_reconnect') return { authenticated: false, reconnectReason: integration.statusReason ?? 'Amazon no longer accepts the seller’s authorization' };
        if (!integration || integration.status !== 'connected') return { authenticated: false };
        // The seller's authorization is the credential that expires here (365 days).
        return { authenticated: true, accountId: integration.sellingPartnerId, expiresAt: integration.authorization.expiresAt };
      },
      async refresh(): Promise<AuthStatus> {
        const { integration, client } = await sellerClient(ctx, projectId);
        ctx.tokens.invalidate(integration.id);
        const token = await client.accessToken();
        return { authenticated: true, accountId: integration.sellingPartnerId, expiresAt: new Date(token.expiresAt).toISOString() };
      },
    },
  };
  return connector;
}
