// What the feed monitor shows: recent feeds with their status and counts, and a feed's failed SKUs with
// Amazon's own code and message.
import type { AmazonContext } from '../amazon-context';

export interface FeedSummary {
  id: string;
  feedId: string | null;
  status: string;
  marketplaceIds: string[];
  messageCount: number;
  counts: { pending: number; applied: number; failed: number };
  submittedAt: string | null;
  completedAt: string | null;
  createdAt: string;
}

export async function recentFeeds(ctx: AmazonContext, projectId: string, limit = 20): Promise<FeedSummary[]> {
  const feeds = await ctx.db.amazonPriceFeed.findMany({ where: { projectId }, orderBy: { createdAt: 'desc' }, take: limit });
  if (feeds.length === 0) return [];
  const grouped = await ctx.db.amazonPriceUpdate.groupBy({
    by: ['priceFeedId', 'status'],
    where: { priceFeedId: { in: feeds.map((f) => f.id) } },
    _count: { _all: true },
  });
  return feeds.map((feed) => {
    const counts = { pending: 0, applied: 0, failed: 0 };
    for (const g of grouped) {
      if (g.priceFeedId !== feed.id) continue;
      if (g.status === 'applied') counts.applied += g._count._all;
      else if (g.status === 'failed') counts.failed += g._count._all;
      else counts.pending += g._count._all;
    }
    return {
      id: feed.id,
      feedId: feed.feedId,
      status: feed.status,
      marketplaceIds: feed.marketplaceIds as string[],
      messageCount: feed.messageCount,
      counts,
      submittedAt: feed.submittedAt?.toISOString() ?? null,
      completedAt: feed.completedAt?.toISOString() ?? null,
      createdAt: feed.createdAt.toISOString(),
    };
  });
}

export interface FeedDetails extends FeedSummary {
  failures: { sku: string; marketplaceId: string; code: string | null; message: string | null }[];
}

export async function feedDetails(ctx: AmazonContext, projectId: string, id: string, maxFailures = 500): Promise<FeedDetails | null> {
  const feed = await ctx.db.amazonPriceFeed.findFirst({ where: { projectId, OR: [{ id }, { feedId: id }] } });
  if (!feed) return null;
  const [summary] = await recentFeedsById(ctx, projectId, feed.id);
  const failures = await ctx.db.amazonPriceUpdate.findMany({
    where: { priceFeedId: feed.id, status: 'failed' },
    orderBy: { messageId: 'asc' },
    take: maxFailures,
    select: { sku: true, marketplaceId: true, errorCode: true, errorMessage: true },
  });
  return { ...summary!, failures: failures.map((f) => ({ sku: f.sku, marketplaceId: f.marketplaceId, code: f.errorCode, message: f.errorMessage })) };
}

async function recentFeedsById(ctx: AmazonContext, projectId: string, id: string): Promise<FeedSummary[]> {
  const all = await recentFeeds(ctx, projectId, 100);
  const found = all.find((f) => f.id === id);
  if (found) return [found];
  // Older than the recent window: count it on its own.
  const feed = await ctx.db.amazonPriceFeed.findUniqueOrThrow({ where: { id } });
  const grouped = await ctx.db.amazonPriceUpdate.groupBy({ by: ['status'], where: { priceFeedId: id }, _count: { _all: true } });
  const counts = { pending: 0, applied: 0, failed: 0 };
  for (const g of grouped) counts[g.status === 'applied' ? 'applied' : g.status === 'failed' ? 'failed' : 'pending'] += g._count._all;
  return [
    {
      id: feed.id,
      feedId: feed.feedId,
      status: feed.status,
      marketplaceIds: feed.marketplaceIds as string[],
      messageCount: feed.messageCount,
      counts,
      submittedAt: feed.submittedAt?.toISOString() ?? null,
      completedAt: feed.completedAt?.toISOString() ?? null,
      createdAt: feed.createdAt.toISOString(),
    },
  ];
}
