// A feed whose job failed for good (the feed queue's onFailed hook, @calibr/jobs): the job gives up when
// its turns kept failing outside the feed's own error handling (the database away through every retry) or
// its worker died on every attempt. The feed itself is still live then, and nothing works on it again,
// so its price updates are settled here as honestly as the feed's state allows:
// - never submitted to Amazon (no feedId: PREPARING, or UPLOADED — the document uploaded and createFeed's
//   answer never recorded): Amazon has no feed we could poll or be notified about, so its updates fail
//   with the reason, and the app reads `failed` through the usual status reads (the merchant retries);
// - submitted (a feedId: IN_QUEUE, IN_PROGRESS, or VERIFYING with accepted prices not yet live): Amazon
//   holds the outcome, so nothing is claimed: the updates stay pending. FEED_PROCESSING_FINISHED queues the
//   feed's job again (./feed-notifications.ts), whose turn reads the report as the poller would.
// Run at least once (a retried follow-up job): each write is conditional on the feed still being so.
import type { FailedJob } from '@calibr/jobs';
import type { AmazonContext } from '../amazon-context';
import { LIVE_FEED_STATUSES } from './feed-jobs';

/** Our code for updates whose feed was never submitted to Amazon. */
export const FEED_NOT_SUBMITTED = 'FEED_NOT_SUBMITTED';
/** Our code for updates whose feed document was uploaded and whose createFeed answer was never recorded. */
export const FEED_SUBMISSION_UNCONFIRMED = 'FEED_SUBMISSION_UNCONFIRMED';

const NOT_SUBMITTED = ['PREPARING', 'UPLOADED'];

export async function feedJobFailed(ctx: AmazonContext, failed: FailedJob): Promise<void> {
  const id = failed.key;
  const feed = await ctx.db.amazonPriceFeed.findUnique({ where: { id }, select: { status: true, feedId: true } });
  if (!feed || !LIVE_FEED_STATUSES.includes(feed.status)) return; // settled meanwhile
  if (feed.feedId) {
    ctx.logger.error(
      { priceFeedId: id, feedId: feed.feedId, status: feed.status, attempts: failed.attempts, reason: failed.error },
      'feed job gave up on a submitted feed: its updates stay pending until Amazon notifies FEED_PROCESSING_FINISHED (which queues the job again)',
    );
    return;
  }
  const unconfirmed = feed.status === 'UPLOADED';
  const code = unconfirmed ? FEED_SUBMISSION_UNCONFIRMED : FEED_NOT_SUBMITTED;
  const message = unconfirmed
    ? `Calibrate uploaded the feed but never recorded Amazon's answer to submitting it (${failed.error}); submit the prices again (the same prices at worst twice)`
    : `Calibrate could not submit the feed to Amazon (${failed.error}); submit the prices again`;
  const now = new Date();
  const settled = await ctx.db.$transaction(async (tx) => {
    const ended = await tx.amazonPriceFeed.updateMany({
      where: { id, feedId: null, status: { in: NOT_SUBMITTED } },
      data: { status: 'FATAL', completedAt: now, nextPollAt: null, resultSummary: { notSubmitted: code, reason: failed.error } },
    });
    if (ended.count === 0) return 0;
    return (
      await tx.amazonPriceUpdate.updateMany({
        where: { priceFeedId: id, status: { in: ['queued', 'pending'] } },
        data: { status: 'failed', errorCode: code, errorMessage: message, resolvedAt: now },
      })
    ).count;
  });
  if (settled > 0) ctx.logger.error({ priceFeedId: id, updates: settled, code, reason: failed.error }, 'feed job gave up before the feed was submitted: its price updates failed');
}
