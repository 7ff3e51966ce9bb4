// Submits a stored feed: createFeedDocument → PUT the document (same content type) → createFeed, keeping
// Amazon's limit of 5 JSON_LISTINGS_FEED submissions per 5 minutes for each seller and region.
import { errorSummary } from '../log-errors';
import { ConnectorError, RateLimitedError, ValidationError } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { productTypesFor } from '../catalog/listing-store';
import type { SpApiClient } from '../sp-api/sp-api-client';
import { LISTINGS_FEED_SUBMISSIONS } from '../throttling/usage-plans';
import { renderFeedDocument } from './feed-documents';
import { FEED_CONTENT_TYPE, JSON_LISTINGS_FEED } from './json-listings-feed';
import { storedFeedEntries } from './price-feed-store';

export { DEFAULT_FEED_TIMING, type FeedTiming } from './feed-timing';

/** When the seller may submit another feed in this region (now when under the limit). */
export async function nextSubmissionSlot(ctx: AmazonContext, integrationId: string, now = Date.now()): Promise<number> {
  const since = new Date(now - LISTINGS_FEED_SUBMISSIONS.windowMs);
  const recent = await ctx.db.amazonPriceFeed.findMany({
    where: { integrationId, feedType: JSON_LISTINGS_FEED, submittedAt: { gte: since } },
    orderBy: { submittedAt: 'asc' },
    select: { submittedAt: true },
  });
  if (recent.length < LISTINGS_FEED_SUBMISSIONS.count) return now;
  const oldestThatCounts = recent[recent.length - LISTINGS_FEED_SUBMISSIONS.count]!.submittedAt!.getTime();
  return oldestThatCounts + LISTINGS_FEED_SUBMISSIONS.windowMs;
}

// One submission at a time per integration inside this process, so two batches can't both squeeze into
// the last slot of the window.
const submitting = new Map<string, Promise<unknown>>();

async function serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = submitting.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  submitting.set(key, next);
  try {
    return await next;
  } finally {
    if (submitting.get(key) === next) submitting.delete(key);
  }
}

export type SubmitOutcome =
  | { status: 'submitted'; feedId: string }
  | { status: 'deferred'; until: number; reason: string }
  | { status: 'failed'; code: string; message: string };

/**
 * Submits one PREPARING feed. `content` is the already rendered document when the caller has it;
 * otherwise it is rebuilt from storage (same message ids). Never throws for Amazon's answers: a refusal
 * fails the feed's messages, a throttle or outage defers the feed for the worker.
 */
export async function submitFeed(
  ctx: AmazonContext,
  client: SpApiClient,
  priceFeedId: string,
  options: { content?: string } = {},
): Promise<SubmitOutcome> {
  const first = await ctx.db.amazonPriceFeed.findUniqueOrThrow({ where: { id: priceFeedId } });
  const timing = ctx.feedTiming;
  return serialized(first.integrationId, async () => {
    // Read again inside the lock: whoever held it may have just submitted this very feed.
    const feed = await ctx.db.amazonPriceFeed.findUniqueOrThrow({ where: { id: priceFeedId } });
    if (feed.feedId) return { status: 'submitted', feedId: feed.feedId };
    if (feed.status !== 'PREPARING' && feed.status !== 'UPLOADED') return { status: 'failed', code: feed.status, message: `feed is ${feed.status}` };
    const slot = await nextSubmissionSlot(ctx, feed.integrationId);
    if (slot > Date.now()) {
      await ctx.db.amazonPriceFeed.update({ where: { id: feed.id }, data: { nextPollAt: new Date(slot) } });
      return { status: 'deferred', until: slot, reason: 'Amazon allows 5 JSON_LISTINGS_FEED submissions per 5 minutes per region' };
    }
    const marketplaceIds = feed.marketplaceIds as string[];
    try {
      let content = options.content;
      if (!content) {
        const entries = await storedFeedEntries(ctx, feed.id);
        const types = await productTypesFor(ctx, feed.projectId, marketplaceIds[0]!, entries.map((e) => e.change.sku));
        content = renderFeedDocument(
          client.sellingPartnerId,
          entries.map((e) => ({ ...e, change: { ...e.change, ...(types.get(e.change.sku) ? { productType: types.get(e.change.sku)! } : {}) } })),
        );
      }
      const document = await client.call<{ feedDocumentId: string; url: string }>({ operation: 'feeds.createFeedDocument', body: { contentType: FEED_CONTENT_TYPE } });
      await client.upload(document.url, content, FEED_CONTENT_TYPE);
      await ctx.db.amazonPriceFeed.update({ where: { id: feed.id }, data: { status: 'UPLOADED', feedDocumentId: document.feedDocumentId } });
      const created = await client.call<{ feedId: string }>({
        operation: 'feeds.createFeed',
        body: { feedType: JSON_LISTINGS_FEED, marketplaceIds, inputFeedDocumentId: document.feedDocumentId },
      });
      const submittedAt = new Date();
      await ctx.db.$transaction([
        ctx.db.amazonPriceFeed.update({
          where: { id: feed.id },
          data: { feedId: created.feedId, status: 'IN_QUEUE', submittedAt, nextPollAt: new Date(submittedAt.getTime() + timing.firstPollMs), pollCount: 0 },
        }),
        ctx.db.amazonPriceUpdate.updateMany({ where: { priceFeedId: feed.id, status: 'queued' }, data: { status: 'pending', submittedAt } }),
      ]);
      ctx.logger.info({ priceFeedId: feed.id, feedId: created.feedId, messages: feed.messageCount }, 'amazon price feed submitted');
      return { status: 'submitted', feedId: created.feedId };
    } catch (error) {
      if (error instanceof ValidationError || (error instanceof ConnectorError && error.code === 'validation')) {
        const code = error.platformError?.code ?? 'InvalidInput';
        await failFeed(ctx, feed.id, 'FATAL', code, error.platformError?.message ?? error.message);
        return { status: 'failed', code, message: error.message };
      }
      if (error instanceof ConnectorError && error.code === 'authentication') throw error;
      const retryIn = error instanceof RateLimitedError ? Math.max(error.retryAfter * 1000, 5_000) : timing.firstPollMs;
      const until = Date.now() + retryIn;
      await ctx.db.amazonPriceFeed.update({ where: { id: feed.id }, data: { status: 'PREPARING', nextPollAt: new Date(until) } });
      ctx.logger.warn({ priceFeedId: feed.id, err: errorSummary(error) }, 'amazon price feed submission deferred');
      return { status: 'deferred', until, reason: errorSummary(error) };
    }
  });
}

/** Ends a feed without a report: every message still waiting fails with the given reason. */
export async function failFeed(ctx: AmazonContext, priceFeedId: string, status: 'FATAL' | 'CANCELLED', code: string, message: string): Promise<void> {
  const now = new Date();
  await ctx.db.$transaction([
    ctx.db.amazonPriceFeed.update({ where: { id: priceFeedId }, data: { status, completedAt: now, nextPollAt: null } }),
    ctx.db.amazonPriceUpdate.updateMany({
      where: { priceFeedId, status: { in: ['queued', 'pending'] } },
      data: { status: 'failed', errorCode: code, errorMessage: message, resolvedAt: now },
    }),
  ]);
}
