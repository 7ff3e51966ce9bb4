// Feed polling as jobs of the job engine (@calibr/jobs) on the service's own table, AmazonJob: one job per
// stored feed (queue amazon.feeds, key: the AmazonPriceFeed id, group: its seller), due when the feed is
// next submitted or polled. The engine's claim and lease keep two instances off one feed; the feed row
// keeps only what the monitor shows (status, nextPollAt).
import { Jobs, type JobsClient, type RetentionOptions } from '@calibr/jobs';
import { providerOf } from '@calibr/db';
import type { AmazonContext } from '../amazon-context';
import type { AmazonDb } from '../database/amazon-db';
import { INLINE_LEASE_MS } from './price-feed-store';

export const FEED_QUEUE = 'amazon.feeds';
/**
 * Feed statuses with work left: waiting to be submitted, submitted and not finished, or finished with
 * accepted prices not yet live (VERIFYING, ours).
 */
export const LIVE_FEED_STATUSES = ['PREPARING', 'UPLOADED', 'IN_QUEUE', 'IN_PROGRESS', 'VERIFYING'];

/**
 * How long the service's finished jobs stay (the workers' housekeeping prunes the rest): the engine's
 * periods (JOB_RETENTION_*_DAYS), except failed feed jobs, kept for good. queueFeedsWithoutJobs takes a
 * live feed without a job for one whose job was never queued; a feed whose job failed (the database away
 * through every retry, a worker dying on each attempt) stays live, and with its job pruned the sweep would
 * submit or poll it again weeks later, its prices long stale. Feeds end rarely that way; their rows are few.
 */
export const SERVICE_JOB_RETENTION: RetentionOptions = { queues: { [FEED_QUEUE]: { failedMs: null } } };

const engines = new WeakMap<AmazonDb, Jobs>();

/** The engine on the service's database (one per client). */
export function feedJobs(db: AmazonDb): Jobs {
  let jobs = engines.get(db);
  if (!jobs) engines.set(db, (jobs = new Jobs({ db, dialect: providerOf(db), table: 'AmazonJob', retention: SERVICE_JOB_RETENTION })));
  return jobs;
}

/** Queues a feed's job (once per feed: a feed that has one keeps it). */
export async function enqueueFeedJob(
  ctx: AmazonContext,
  feed: { id: string; integrationId: string },
  options: { runAt?: Date; client?: JobsClient } = {},
): Promise<void> {
  await feedJobs(ctx.db).enqueue(
    { queue: FEED_QUEUE, key: feed.id, groupKey: `seller:${feed.integrationId}`, ...(options.runAt ? { runAt: options.runAt } : {}) },
    options.client ? { client: options.client } : {},
  );
}

/** After a request submitted its feed itself: the feed's job, due when the feed says (if it has work left). */
export async function scheduleFeed(ctx: AmazonContext, priceFeedId: string): Promise<void> {
  const feed = await ctx.db.amazonPriceFeed.findUnique({ where: { id: priceFeedId }, select: { id: true, integrationId: true, status: true, nextPollAt: true } });
  if (!feed || !LIVE_FEED_STATUSES.includes(feed.status)) return;
  await enqueueFeedJob(ctx, feed, feed.nextPollAt ? { runAt: feed.nextPollAt } : {});
}

/**
 * Feeds with work left and no job: rows from before the engine, and a request's feed whose process died
 * before it queued the job. A feed younger than INLINE_LEASE_MS is left to the request that stored it.
 * Returns how many were queued.
 */
export async function queueFeedsWithoutJobs(ctx: AmazonContext, now = new Date()): Promise<number> {
  const live = await ctx.db.amazonPriceFeed.findMany({
    where: { status: { in: LIVE_FEED_STATUSES }, createdAt: { lt: new Date(now.getTime() - INLINE_LEASE_MS) } },
    select: { id: true, integrationId: true, nextPollAt: true },
  });
  if (live.length === 0) return 0;
  const withJobs = new Set(
    (await ctx.db.amazonJob.findMany({ where: { queue: FEED_QUEUE, key: { in: live.map((f) => f.id) } }, select: { key: true } })).map((j) => j.key),
  );
  const orphans = live.filter((f) => !withJobs.has(f.id));
  for (const feed of orphans) await enqueueFeedJob(ctx, feed, feed.nextPollAt ? { runAt: feed.nextPollAt } : {});
  if (orphans.length > 0) ctx.logger.info({ feeds: orphans.length }, 'queued jobs for feeds that had none');
  return orphans.length;
}
