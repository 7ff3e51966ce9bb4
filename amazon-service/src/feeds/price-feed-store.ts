// Durable records of price feeds and their messages. A batch is written here before anything is sent
// to Amazon, so a crash never loses a change and a restart resumes where it stopped.
import { randomUUID } from 'node:crypto';
import type { AmazonContext } from '../amazon-context';
import type { ListingPriceChange } from './json-listings-feed';
import { JSON_LISTINGS_FEED } from './json-listings-feed';
import type { FeedEntry, PlannedFeedDocument } from './feed-documents';
import { chunks } from '../catalog/listing-store';

export interface NewPriceUpdateRow {
  idempotencyKey: string;
  contentHash: string;
  change: ListingPriceChange;
}

/**
 * How long a request that stored a feed has to submit it and queue the feed's job (./feed-jobs.ts)
 * before the worker's sweep queues one for it (the request's process died in between).
 */
export const INLINE_LEASE_MS = 120_000;

export interface StoredFeed {
  id: string;
  marketplaceId: string;
  messageCount: number;
}

/**
 * Writes one feed (status PREPARING) and its messages as queued price updates, in one transaction. The
 * caller submits it right away, then queues its job (scheduleFeed).
 */
export async function storeFeed(
  ctx: AmazonContext,
  input: { projectId: string; integrationId: string; batchId: string; document: PlannedFeedDocument; updates: Map<string, NewPriceUpdateRow> },
): Promise<StoredFeed> {
  const { document } = input;
  const feedId = await ctx.db.$transaction(async (tx) => {
    const feed = await tx.amazonPriceFeed.create({
      data: {
        projectId: input.projectId,
        integrationId: input.integrationId,
        feedType: JSON_LISTINGS_FEED,
        marketplaceIds: [document.marketplaceId],
        batchId: input.batchId,
        status: 'PREPARING',
        messageCount: document.entries.length,
      },
      select: { id: true },
    });
    for (const part of chunks(document.entries, 1000)) {
      await tx.amazonPriceUpdate.createMany({
        data: part.map((entry) => {
          const key = `${entry.change.marketplaceId}\u0000${entry.change.sku}`;
          const row = input.updates.get(key)!;
          return {
            projectId: input.projectId,
            integrationId: input.integrationId,
            idempotencyKey: row.idempotencyKey,
            contentHash: row.contentHash,
            sku: entry.change.sku,
            marketplaceId: entry.change.marketplaceId,
            currency: entry.change.currency,
            amount: entry.change.price,
            minAmount: entry.change.minimumPrice ?? null,
            maxAmount: entry.change.maximumPrice ?? null,
            channel: 'feed',
            priceFeedId: feed.id,
            messageId: entry.messageId,
            status: 'queued',
          };
        }),
      });
    }
    return feed.id;
  });
  return { id: feedId, marketplaceId: document.marketplaceId, messageCount: document.entries.length };
}

/** Rebuilds a stored feed's messages (same message ids) from its price updates. */
export async function storedFeedEntries(ctx: AmazonContext, priceFeedId: string): Promise<FeedEntry[]> {
  const rows = await ctx.db.amazonPriceUpdate.findMany({
    where: { priceFeedId },
    orderBy: { messageId: 'asc' },
    select: { messageId: true, sku: true, marketplaceId: true, currency: true, amount: true, minAmount: true, maxAmount: true },
  });
  return rows.map((row) => ({
    messageId: row.messageId!,
    change: changeFromRow(row),
  }));
}

/** The listing price change a stored price update row holds (its bounds only where it has them). */
export function changeFromRow(row: { sku: string; marketplaceId: string; currency: string; amount: string; minAmount: string | null; maxAmount: string | null }): ListingPriceChange {
  return {
    sku: row.sku,
    marketplaceId: row.marketplaceId,
    currency: row.currency,
    price: row.amount,
    ...(row.minAmount ? { minimumPrice: row.minAmount } : {}),
    ...(row.maxAmount ? { maximumPrice: row.maxAmount } : {}),
  };
}

export function newBatchId(): string {
  return randomUUID();
}
