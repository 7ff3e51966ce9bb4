// FEED_PROCESSING_FINISHED: Amazon says a feed ended. Its job is made due now and the worker woken, so it
// is settled at once by the same turn the getFeed poller runs (getFeed, the processing report, each SKU's
// result) under the job's lease: the notification and the poller never settle a feed twice, and the
// poller stays the slow fallback when notifications don't come.
import type { AmazonContext } from '../amazon-context';
import { FEED_QUEUE } from './feed-jobs';

/** Statuses of a feed Amazon holds and hasn't told us the end of yet. */
const SUBMITTED = ['UPLOADED', 'IN_QUEUE', 'IN_PROGRESS'];

/** Returns how many stored feeds were made due (0: not ours, or settled already). */
export async function feedsFinishedByNotification(ctx: AmazonContext, sellingPartnerId: string, feedId: string): Promise<number> {
  const feeds = await ctx.db.amazonPriceFeed.findMany({
    where: { feedId, status: { in: SUBMITTED }, integration: { sellingPartnerId } },
    select: { id: true },
  });
  if (feeds.length === 0) return 0;
  const now = new Date();
  const ids = feeds.map((f) => f.id);
  await ctx.db.$transaction([
    ctx.db.amazonPriceFeed.updateMany({ where: { id: { in: ids } }, data: { nextPollAt: now } }),
    // A job being worked on keeps its lease and reschedules itself from nextPollAt.
    ctx.db.amazonJob.updateMany({ where: { queue: FEED_QUEUE, key: { in: ids }, status: 'queued' }, data: { runAt: now } }),
  ]);
  ctx.feedsDue?.();
  return feeds.length;
}
