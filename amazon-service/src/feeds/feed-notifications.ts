// FEED_PROCESSING_FINISHED: Amazon says a feed ended. Its job is made due now and the worker woken, so it
// is settled at once by the same turn the getFeed poller runs (getFeed, the processing report, each SKU's
// result) under the job's lease: the notification and the poller never settle a feed twice, and the
// poller stays the slow fallback when notifications don't come. A feed whose job failed for good (its
// worker died on every attempt; ./feed-job-failure.ts leaves a submitted feed pending) gets its job queued
// again: Amazon's answer is ready now, and one turn reads it.
import type { AmazonContext } from '../amazon-context';
import { FEED_QUEUE, feedJobs } from './feed-jobs';

/** Statuses of a feed Amazon holds and hasn't told us the end of yet. */
const SUBMITTED = ['UPLOADED', 'IN_QUEUE', 'IN_PROGRESS'];

/** Returns how many stored feeds were made due (0: not ours, or settled already). */
export async function feedsFinishedByNotification(ctx: AmazonContext, sellingPartnerId: string, feedId: string): Promise<number> {
  const feeds = await ctx.db.amazonPriceFeed.findMany({
    where: { feedId, status: { in: SUBMITTED }, integration: { sellingPartnerId } },
    select: { id: true, integrationId: true },
  });
  if (feeds.length === 0) return 0;
  const now = new Date();
  const ids = feeds.map((f) => f.id);
  await ctx.db.$transaction(async (tx) => {
    await tx.amazonPriceFeed.updateMany({ where: { id: { in: ids } }, data: { nextPollAt: now } });
    // A job being worked on keeps its lease and reschedules itself from nextPollAt.
    await tx.amazonJob.updateMany({ where: { queue: FEED_QUEUE, key: { in: ids }, status: 'queued' }, data: { runAt: now } });
    // A failed one runs again.
    const failed = new Set((await tx.amazonJob.findMany({ where: { queue: FEED_QUEUE, key: { in: ids }, status: 'failed' }, select: { key: true } })).map((j) => j.key));
    if (failed.size > 0) {
      await feedJobs(ctx.db).enqueueMany(
        feeds.filter((f) => failed.has(f.id)).map((f) => ({ queue: FEED_QUEUE, key: f.id, groupKey: `seller:${f.integrationId}`, runAt: now })),
        { client: tx, again: true },
      );
    }
  });
  ctx.feedsDue?.();
  return feeds.length;
}
