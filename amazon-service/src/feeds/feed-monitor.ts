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

type FeedRow = Awaited<ReturnType<AmazonContext['db']['amazonPriceFeed']['findUniqueOrThrow']>>;
type StatusCount = { status: string; _count: { _all: number } };

/** Updates still queued or pending count as pending; applied and failed as themselves. */
function countByOutcome(groups: StatusCount[]): FeedSummary['counts'] {
  const counts = { pending: 0, applied: 0, failed: 0 };
  for (const g of groups) counts[g.status === 'applied' ? 'applied' : g.status === 'failed' ? 'failed' : 'pending'] += g._count._all;
  return counts;
}

function summarize(feed: FeedRow, counts: FeedSummary['counts']): FeedSummary {
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
}

export async function recentFeeds(ctx: AmazonContext, projectId: string, limit = 20): Promise<FeedSummary[]> {
  const feeds = await ctx.db.amazonPriceFeed.findMany({ where: { projectId }, orderBy: { createdAt: 'desc' }, take: limit });
  if (feeds.length === 0) return [];
  const grouped = await ctx.db.amazonPriceUpdate.groupBy({
    by: ['priceFeedId', 'status'],
    where: { priceFeedId: { in: feeds.map((f) => f.id) } },
    _count: { _all: true },
  });
  return feeds.map((feed) => summarize(feed, countByOutcome(grouped.filter((g) => g.priceFeedId === feed.id))));
}

export interface FeedDetails extends FeedSummary {
  failures: { sku: string; marketplaceId: string; code: string | null; message: string | null }[];
}

export async function feedDetails(ctx: AmazonContext, projectId: string, id: string, maxFailures = 500): Promise<FeedDetails | null> {
  const feed = await ctx.db.amazonPriceFeed.findFirst({ where: { projectId, OR: [{ id }, { feedId: id }] } });
  if (!feed) return null;
  const summary = await feedSummary(ctx, feed);
  const failures = await ctx.db.amazonPriceUpdate.findMany({
    where: { priceFeedId: feed.id, status: 'failed' },
    orderBy: { messageId: 'asc' },
    take: maxFailures,
    select: { sku: true, marketplaceId: true, errorCode: true, errorMessage: true },
  });
  return { ...summary, failures: failures.map((f) => ({ sku: f.sku, marketplaceId: f.marketplaceId, code: f.errorCode, message: f.errorMessage })) };
}

/** One feed, however old, with its counts. */
async function feedSummary(ctx: AmazonContext, feed: FeedRow): Promise<FeedSummary> {
  const grouped = await ctx.db.amazonPriceUpdate.groupBy({ by: ['status'], where: { priceFeedId: feed.id }, _count: { _all: true } });
  return summarize(feed, countByOutcome(grouped));
}
