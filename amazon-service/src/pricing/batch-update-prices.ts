// batchUpdatePrices for Amazon: validate every item, answer retries from storage, then send the new
// changes through a JSON_LISTINGS_FEED (or, for a handful, patchListingsItem). Results come back in input
// order: `pending` with the feed id until the processing report answers, or `failed` alone.
import {
  ConnectorError,
  partitionPriceUpdates,
  type BatchUpdateResult,
  type FieldError,
  type PriceUpdate,
  type PriceUpdateFailed,
  type PriceUpdateResult,
} from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { chunks, productTypesFor, recordAppliedPrices, storedPrices } from '../catalog/listing-store';
import { resolveProductTypes } from '../catalog/product-types';
import { productTypeOf, readOfferPrice, showsPrice } from '../catalog/listings-items';
import { storeListings } from '../catalog/listings-sync';
import { planPriceFeeds } from '../feeds/feed-documents';
import { scheduleFeed } from '../feeds/feed-jobs';
import { submitFeed } from '../feeds/feed-submission';
import type { ListingPriceChange } from '../feeds/json-listings-feed';
import { newBatchId, storeFeed, type NewPriceUpdateRow } from '../feeds/price-feed-store';
import { sellerClient, type AmazonIntegrationView } from '../integrations/integration-store';
import { findMarketplace } from '../sp-api/regions';
import { AnswerLostError, NOT_SENT_CODES, type SpApiClient } from '../sp-api/sp-api-client';
import { patchListingPrice } from './patch-listings-item';
import { resultFromRow, updateContentHash } from './price-update-results';
import { isUnsettledPatch, recordPatchOutcome, settlePatchUpdate } from './settle-patch';

/** At most this many new changes go through patchListingsItem instead of a feed. */
export const PATCH_PATH_MAX_ITEMS = 5;
/** Idempotency keys are visible ASCII, at most 255 characters (the shared contract's rule). */
const ACCEPTABLE_KEY = /^[\x21-\x7e]{1,255}$/;
/** Largest batch one call accepts (feeds split it by Amazon's 25,000 messages). */
export const MAX_BATCH_ITEMS = 100_000;

export interface BatchOptions {
  /** `auto` (default): patchListingsItem for up to PATCH_PATH_MAX_ITEMS changes, a feed above. */
  channel?: 'auto' | 'feed' | 'listings_item';
  maxBatchSize?: number;
  /** Called when feeds were stored, so the worker polls them. */
  onFeedsStored?: () => void;
}

const failed = (update: PriceUpdate, marketplaceId: string | undefined, reason: PriceUpdateFailed['reason'], message: string, extra: Partial<PriceUpdateFailed> = {}): PriceUpdateFailed => ({
  idempotencyKey: update.idempotencyKey,
  externalId: update.externalId,
  ...(marketplaceId ? { marketplaceId } : {}),
  status: 'failed',
  reason,
  message,
  retryable: false,
  ...extra,
});

function resolveMarketplace(update: PriceUpdate, integration: AmazonIntegrationView): { marketplaceId: string } | { errors: FieldError[] } {
  const marketplaceId = update.marketplaceId ?? (integration.marketplaceIds.length === 1 ? integration.marketplaceIds[0] : undefined);
  if (!marketplaceId) return { errors: [{ path: 'marketplaceId', message: 'marketplaceId is required: this seller sells in several marketplaces', code: 'required' }] };
  if (!integration.marketplaceIds.includes(marketplaceId)) {
    return { errors: [{ path: 'marketplaceId', message: `marketplace ${marketplaceId} is not one this seller chose`, code: 'unknown_marketplace' }] };
  }
  const currency = findMarketplace(marketplaceId)?.currency;
  if (currency && update.price.currency !== currency) {
    return { errors: [{ path: 'price.currency', message: `${marketplaceId} prices are in ${currency}`, code: 'currency_mismatch' }] };
  }
  return { marketplaceId };
}

function toChange(update: PriceUpdate, marketplaceId: string): ListingPriceChange {
  return {
    sku: update.externalId,
    marketplaceId,
    currency: update.price.currency,
    price: update.price.amount,
    ...(update.minPrice ? { minimumPrice: update.minPrice.amount } : {}),
    ...(update.maxPrice ? { maximumPrice: update.maxPrice.amount } : {}),
  };
}

async function existingRows(ctx: AmazonContext, projectId: string, keys: string[]) {
  const rows = new Map<string, Awaited<ReturnType<typeof ctx.db.amazonPriceUpdate.findMany>>[number] & { priceFeed: { feedId: string | null } | null }>();
  for (const part of chunks(keys)) {
    const found = await ctx.db.amazonPriceUpdate.findMany({ where: { projectId, idempotencyKey: { in: part } }, include: { priceFeed: { select: { feedId: true } } } });
    for (const row of found) rows.set(row.idempotencyKey, row);
  }
  return rows;
}

export async function batchUpdatePrices(ctx: AmazonContext, projectId: string, input: readonly unknown[], options: BatchOptions = {}): Promise<BatchUpdateResult> {
  const { valid, invalid } = partitionPriceUpdates(input, options.maxBatchSize ?? MAX_BATCH_ITEMS);
  const results: PriceUpdateResult[] = new Array(input.length);
  for (const { index, result } of invalid) results[index] = result;
  if (valid.length === 0) return summarize(results);

  const { integration, client } = await sellerClient(ctx, projectId);
  const previous = await existingRows(ctx, projectId, valid.map((v) => v.update.idempotencyKey));

  const fresh: { index: number; update: PriceUpdate; marketplaceId: string; hash: string }[] = [];
  for (const { index, update } of valid) {
    const where = resolveMarketplace(update, integration);
    if ('errors' in where) {
      results[index] = failed(update, update.marketplaceId, 'validation', where.errors[0]!.message, { errors: where.errors });
      continue;
    }
    const hash = updateContentHash(update, where.marketplaceId);
    const before = previous.get(update.idempotencyKey);
    if (before) {
      results[index] =
        before.contentHash !== hash
          ? failed(update, where.marketplaceId, 'conflict', 'this idempotency key was already used for a different price change')
          : isUnsettledPatch(before)
            ? await settlePatchUpdate(ctx, client, before)
            : resultFromRow(before);
      continue;
    }
    fresh.push({ index, update, marketplaceId: where.marketplaceId, hash });
  }

  const candidates = fresh;
  const channel = options.channel ?? 'auto';
  const viaPatch = channel === 'listings_item' || (channel === 'auto' && candidates.length <= PATCH_PATH_MAX_ITEMS);
  const liveReads = await checkExpectedPrices(ctx, client, projectId, candidates.filter((f) => f.update.expectedCurrentPrice), results, viaPatch);
  const toSend = candidates.filter((f) => results[f.index] === undefined);
  if (viaPatch) await sendViaPatch(ctx, client, projectId, integration, toSend, results, liveReads);
  else await sendViaFeeds(ctx, client, projectId, integration, toSend, results, options);
  return summarize(results);
}

type LiveListing = Awaited<ReturnType<typeof readOfferPrice>>;

/** The listing as Amazon holds it now; null when Amazon has no such SKU in the marketplace. */
function readLive(client: SpApiClient, sku: string, marketplaceId: string): Promise<LiveListing | null> {
  return readOfferPrice(client, sku, marketplaceId).catch((error: unknown) => {
    if (error instanceof ConnectorError && error.code === 'not_found') return null;
    throw error;
  });
}

/**
 * Optimistic concurrency: an update whose expectedCurrentPrice isn't the live price fails with
 * `conflict`. The few-SKU path reads each listing live; a feed batch uses the prices stored by the last
 * sync and reads live only the SKUs it has never seen. Returns the live reads by update index, so the
 * patch path doesn't read those listings again.
 */
async function checkExpectedPrices(
  ctx: AmazonContext,
  client: SpApiClient,
  projectId: string,
  guarded: { index: number; update: PriceUpdate; marketplaceId: string }[],
  results: PriceUpdateResult[],
  live: boolean,
): Promise<Map<number, LiveListing | null>> {
  const reads = new Map<number, LiveListing | null>();
  for (const marketplaceId of new Set(guarded.map((g) => g.marketplaceId))) {
    const group = guarded.filter((g) => g.marketplaceId === marketplaceId);
    const known = live ? new Map<string, { amount: string; currency: string }>() : await storedPrices(ctx, projectId, marketplaceId, group.map((g) => g.update.externalId));
    for (const g of group) {
      let current = known.get(g.update.externalId);
      if (!current) {
        const read = await readLive(client, g.update.externalId, marketplaceId);
        reads.set(g.index, read);
        if (!read?.price) {
          results[g.index] = failed(g.update, marketplaceId, 'not_found', `SKU ${g.update.externalId} has no offer in ${marketplaceId}`);
          continue;
        }
        current = read.price;
      }
      const expected = g.update.expectedCurrentPrice!;
      if (!showsPrice(current, expected.amount, expected.currency)) {
        results[g.index] = failed(g.update, marketplaceId, 'conflict', `the live price is ${current.amount} ${current.currency}, not the expected ${expected.amount}`);
      }
    }
  }
  return reads;
}

async function sendViaFeeds(
  ctx: AmazonContext,
  client: SpApiClient,
  projectId: string,
  integration: AmazonIntegrationView,
  items: { index: number; update: PriceUpdate; marketplaceId: string; hash: string }[],
  results: PriceUpdateResult[],
  options: BatchOptions,
): Promise<void> {
  if (items.length === 0) return;
  const started = Date.now();
  const changes: ListingPriceChange[] = [];
  const rowsByKey = new Map<string, NewPriceUpdateRow>();
  const indexByKey = new Map<string, (typeof items)[number]>();
  for (const marketplaceId of new Set(items.map((i) => i.marketplaceId))) {
    const group = items.filter((i) => i.marketplaceId === marketplaceId);
    const types = await resolveProductTypes(ctx, client, projectId, marketplaceId, group.map((g) => g.update.externalId));
    for (const item of group) {
      const change = { ...toChange(item.update, marketplaceId), ...(types.get(item.update.externalId) ? { productType: types.get(item.update.externalId)! } : {}) };
      const key = `${marketplaceId}\u0000${change.sku}`;
      changes.push(change);
      rowsByKey.set(key, { idempotencyKey: item.update.idempotencyKey, contentHash: item.hash, change });
      indexByKey.set(key, item);
    }
  }
  ctx.logger.debug({ items: items.length, ms: Date.now() - started }, 'product types resolved');
  const plan = planPriceFeeds(integration.sellingPartnerId, changes);
  for (const refused of plan.refused) {
    const item = indexByKey.get(`${refused.marketplaceId}\u0000${refused.sku}`);
    if (!item || results[item.index]) continue;
    const errors = refused.issues.map((i) => ({ path: i.path.replace(/^\//, '').replace(/\//g, '.'), message: i.message }));
    results[item.index] = failed(item.update, refused.marketplaceId, 'validation', errors.map((e) => e.message).join('; '), { errors });
    rowsByKey.delete(`${refused.marketplaceId}\u0000${refused.sku}`);
  }
  const batchId = newBatchId();
  for (const document of plan.documents) {
    const stored = await storeFeed(ctx, { projectId, integrationId: integration.id, batchId, document, updates: rowsByKey });
    ctx.logger.debug({ priceFeedId: stored.id, ms: Date.now() - started }, 'feed stored');
    let outcome;
    try {
      outcome = await submitFeed(ctx, client, stored.id, { content: document.content });
    } catch (error) {
      // Authentication lost mid-batch: the feed stays stored (PREPARING) and goes once reconnected.
      if (!(error instanceof ConnectorError)) throw error;
      outcome = { status: 'deferred' as const };
    } finally {
      // Submitted or not, the rest is the worker's: the feed's job, due when the feed says.
      await scheduleFeed(ctx, stored.id);
    }
    const rows = await ctx.db.amazonPriceUpdate.findMany({ where: { priceFeedId: stored.id }, include: { priceFeed: { select: { feedId: true } } } });
    for (const row of rows) {
      const item = indexByKey.get(`${row.marketplaceId}\u0000${row.sku}`);
      if (item) results[item.index] = resultFromRow(row);
    }
    ctx.logger.info({ projectId, priceFeedId: stored.id, messages: stored.messageCount, outcome: outcome.status }, 'amazon price batch stored');
  }
  options.onFeedsStored?.();
}

/** The columns a patchListingsItem row shares whatever its status. */
function patchRowFields(projectId: string, integrationId: string, item: { update: PriceUpdate; hash: string }, change: ListingPriceChange) {
  return {
    projectId,
    integrationId,
    idempotencyKey: item.update.idempotencyKey,
    contentHash: item.hash,
    sku: change.sku,
    marketplaceId: change.marketplaceId,
    currency: change.currency,
    amount: change.price,
    channel: 'listings_item' as const,
  };
}

async function sendViaPatch(
  ctx: AmazonContext,
  client: SpApiClient,
  projectId: string,
  integration: AmazonIntegrationView,
  items: { index: number; update: PriceUpdate; marketplaceId: string; hash: string }[],
  results: PriceUpdateResult[],
  liveReads: ReadonlyMap<number, LiveListing | null>,
): Promise<void> {
  for (const item of items) {
    const sku = item.update.externalId;
    // Check first: an earlier patch whose answer was lost may have landed (the app sends it again under a
    // new key). A listing that already shows this price is applied without a second patch; one that can't
    // be read is not patched blind. The expected-price check may have read it already.
    let live: LiveListing | null;
    try {
      live = liveReads.get(item.index) ?? (await readLive(client, sku, item.marketplaceId));
    } catch (error) {
      results[item.index] = retryableFailure(item, error);
      continue;
    }
    const productType = await patchProductType(ctx, projectId, item.marketplaceId, sku, live);
    const change: ListingPriceChange = { ...toChange(item.update, item.marketplaceId), ...(productType ? { productType } : {}) };
    const bare = change.minimumPrice === undefined && change.maximumPrice === undefined;
    if (bare && showsPrice(live?.price, change.price, change.currency)) {
      const now = new Date();
      const row = await ctx.db.amazonPriceUpdate.create({
        data: {
          ...patchRowFields(projectId, integration.id, item, change),
          status: 'applied',
          resolvedAt: now,
        },
        include: { priceFeed: { select: { feedId: true } } },
      });
      await recordAppliedPrices(ctx, projectId, [{ sku: change.sku, marketplaceId: change.marketplaceId, currency: change.currency, amount: change.price }]);
      results[item.index] = resultFromRow(row);
      continue;
    }
    const row = await ctx.db.amazonPriceUpdate.create({
      data: {
        ...patchRowFields(projectId, integration.id, item, change),
        minAmount: change.minimumPrice ?? null,
        maxAmount: change.maximumPrice ?? null,
        status: 'queued',
      },
    });
    let outcome;
    try {
      outcome = await patchListingPrice(ctx, client, projectId, change);
    } catch (error) {
      if (sentOutcomeUnknown(error)) {
        // The patch may have landed (answer lost, timeout, 5xx): the row stays `queued`, its submittedAt the
        // send, so the same key asked again is settled from the listing (settle-patch.ts) and never
        // patched blind a second time.
        await ctx.db.amazonPriceUpdate.update({ where: { id: row.id }, data: { submittedAt: new Date() } });
        ctx.logger.warn({ projectId, sku: change.sku, code: (error as ConnectorError).code }, 'patchListingsItem outcome unknown: settled from the listing when asked again');
        results[item.index] = retryableFailure(item, error);
        continue;
      }
      // Amazon refused it (429, 401/403) before acting, or it never left: forget the row so a retry with the
      // same key goes out again.
      await ctx.db.amazonPriceUpdate.delete({ where: { id: row.id } });
      if (!(error instanceof ConnectorError)) throw error;
      results[item.index] = retryableFailure(item, error);
      continue;
    }
    results[item.index] = resultFromRow(await recordPatchOutcome(ctx, row.id, outcome));
  }
}

/**
 * The listing's product type for its patch: the stored one, else the live read's (the SKU is stored from it,
 * so the read just made stands in for a searchListingsItems lookup).
 */
async function patchProductType(ctx: AmazonContext, projectId: string, marketplaceId: string, sku: string, live: LiveListing | null): Promise<string | undefined> {
  const stored = (await productTypesFor(ctx, projectId, marketplaceId, [sku])).get(sku);
  if (stored || !live) return stored;
  await storeListings(ctx, projectId, marketplaceId, [live.item]);
  return productTypeOf(live.item, marketplaceId);
}

/**
 * A send that may have reached Amazon and been acted on: its answer was lost, it timed out, or Amazon
 * answered 5xx. A clear refusal (429, 401, 403; 400/404 come back as a failed outcome) or a connection that
 * never opened is not.
 */
function sentOutcomeUnknown(error: unknown): boolean {
  if (error instanceof AnswerLostError) return true;
  if (!(error instanceof ConnectorError) || error.code !== 'platform_unavailable') return false;
  const cause = (error as { cause?: { code?: string } }).cause;
  return !NOT_SENT_CODES.has(cause?.code ?? '');
}

/** An outage, throttle or lost answer for one update: the caller sends it again later. */
function retryableFailure(item: { update: PriceUpdate; marketplaceId: string }, error: unknown): PriceUpdateFailed {
  if (!(error instanceof ConnectorError)) throw error;
  const reason = error.code === 'rate_limited' ? 'rate_limited' : error.code === 'authentication' ? 'unauthorized' : 'platform_unavailable';
  const retryAfter = (error as { retryAfter?: number }).retryAfter;
  return failed(item.update, item.marketplaceId, reason, error.message, { retryable: true, ...(retryAfter !== undefined ? { retryAfter } : {}) });
}

function summarize(results: PriceUpdateResult[]): BatchUpdateResult {
  const summary = { total: results.length, applied: 0, pending: 0, failed: 0 };
  for (const r of results) summary[r.status]++;
  const feedRefs = new Set(results.flatMap((r) => (r.status !== 'failed' && r.platformReference?.kind === 'feed' ? [r.platformReference.id] : [])));
  const batch: BatchUpdateResult = { results, summary };
  if (feedRefs.size === 1) return { ...batch, platformReference: { kind: 'feed', id: [...feedRefs][0]! } };
  return batch;
}

/** The latest result for one key; a patchListingsItem still queued or pending is settled from the live listing. */
const KEYS_PER_QUERY = 500;

function findUpdates(ctx: AmazonContext, projectId: string, keys: string[]) {
  return ctx.db.amazonPriceUpdate.findMany({ where: { projectId, idempotencyKey: { in: keys } }, include: { priceFeed: { select: { feedId: true } } } });
}

/** getUpdateResult for many keys: a query per few hundred keys, patches still unsettled settled one by one. */
export async function getUpdateResults(ctx: AmazonContext, projectId: string, idempotencyKeys: readonly string[]): Promise<(PriceUpdateResult | null)[]> {
  const byKey = new Map<string, Awaited<ReturnType<typeof findUpdates>>[number]>();
  // A few hundred keys per query: SQLite caps the bound variables of one statement.
  for (const part of chunks([...new Set(idempotencyKeys)], KEYS_PER_QUERY)) {
    for (const row of await findUpdates(ctx, projectId, part)) byKey.set(row.idempotencyKey, row);
  }
  const answers: (PriceUpdateResult | null)[] = [];
  for (const key of idempotencyKeys) {
    const row = byKey.get(key);
    if (!row) answers.push(null);
    else if (!isUnsettledPatch(row)) answers.push(resultFromRow(row));
    else answers.push(await getUpdateResult(ctx, projectId, key));
  }
  return answers;
}

export async function getUpdateResult(ctx: AmazonContext, projectId: string, idempotencyKey: string): Promise<PriceUpdateResult | null> {
  // A key that could never have been accepted (not visible ASCII) names nothing: no database query.
  if (!ACCEPTABLE_KEY.test(idempotencyKey)) return null;
  const row = await ctx.db.amazonPriceUpdate.findUnique({
    where: { projectId_idempotencyKey: { projectId, idempotencyKey } },
    include: { priceFeed: { select: { feedId: true } } },
  });
  if (!row) return null;
  if (!isUnsettledPatch(row)) return resultFromRow(row);
  const { client } = await sellerClient(ctx, projectId);
  return settlePatchUpdate(ctx, client, row);
}
