// Background work on price feeds, as jobs of the job engine (./feed-jobs.ts): submits feeds that wait
// for a submission slot, and polls submitted feeds (backing off) until DONE, CANCELLED or FATAL, then
// turns the processing report into each SKU's result. Each feed is one job, claimed with a lease, so two
// instances never work on the same feed at once, and a restart resumes from the database. At most one
// feed per seller is worked on at a time across instances (Amazon's submission window is per seller).
//
// Two ends Amazon documents no answer for are settled here rather than left to the merchant:
// - FATAL without a processing report (Amazon gave no reason; its docs say some, none or all of the
//   messages may have been processed): the same messages go again in a new feed (same price updates, so
//   the same prices at worst twice), up to MAX_UNEXPLAINED_FATAL feeds per batch; then they fail.
// - DONE without a processing report: each SKU's live price is read (getListingsItem) and the update is
//   applied when Amazon shows our price, failed with what Amazon shows otherwise.
//
// Accepted is not live: a message the report accepts is `accepted`, and the feed VERIFYING, until its
// price shows on the listing (read 20 SKUs per searchListingsItems call, on the seller's limiter):
// then `applied`. A price issue Amazon raises on the listing after acceptance fails it with Amazon's code
// and message; a price still not shown ctx.liveSettleMs after DONE fails it (PRICE_NOT_LIVE).
import { randomUUID } from 'node:crypto';
import { Worker, type BatchContext, type ClaimedJob } from '@calibr/jobs';
import { errorSummary } from '../log-errors';
import type { AmazonContext } from '../amazon-context';
import { recordAppliedPrices } from '../catalog/listing-store';
import { sellerClient } from '../integrations/integration-store';
import { failFeed, submitFeed } from './feed-submission';
import { FEED_QUEUE, LIVE_FEED_STATUSES, enqueueFeedJob, feedJobs, queueFeedsWithoutJobs } from './feed-jobs';
import { feedJobFailed } from './feed-job-failure';
import type { FeedTiming } from './feed-timing';
import { INLINE_LEASE_MS } from './price-feed-store';
import { parseProcessingReport, readProcessingReport } from './processing-report';
import { chunks } from '../catalog/listing-store';
import { LISTINGS_PAGE_SIZE, priceIssues, pricesOf, readOfferPrice, searchListingsBySku, showsPrice } from '../catalog/listings-items';
import { issueAfterAcceptance } from '../pricing/price-update-results';
import { amazonView, showsOurs } from '../pricing/settle-patch';

const LEASE_MS = 120_000;
const WAITING_STATUSES = ['PREPARING', 'UPLOADED'];
/** Our own feed status: Amazon finished it (DONE), its accepted prices are not all live yet. */
export const VERIFYING = 'VERIFYING';
/** Feeds of one batch that may end FATAL without a report before its messages fail for good. */
export const MAX_UNEXPLAINED_FATAL = 3;
/** How often the worker looks for feeds without a job (the first look is at start). */
const ORPHAN_SWEEP_MS = INLINE_LEASE_MS / 2;
/** Accepted SKUs read per turn of a feed's job (20 per call: 200 calls, 40 s at Amazon's 5/s), well inside its lease. */
export const LIVE_CHECKS_PER_TURN = 4_000;
/** Our failure code for an accepted price that never showed. */
export const PRICE_NOT_LIVE = 'PRICE_NOT_LIVE';

export interface FeedWorkerOptions {
  /** How often the worker looks for due work. */
  tickMs?: number;
}

export class FeedWorker {
  readonly id = `feed-worker-${randomUUID()}`;
  private readonly timing: FeedTiming;
  private readonly worker: Worker;
  private sweptAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ctx: AmazonContext,
    options: FeedWorkerOptions = {},
  ) {
    this.timing = ctx.feedTiming;
    this.worker = new Worker(feedJobs(ctx.db), {
      id: this.id,
      pollMs: options.tickMs ?? 5_000,
      leaseMs: LEASE_MS,
      log: (message, error) => ctx.logger.error(error === undefined ? {} : { err: errorSummary(error) }, `feed worker: ${message}`),
    }).handle(FEED_QUEUE, (job, context) => this.run(job, context), {
      batchSize: 20,
      perGroup: 1,
      beforeClaim: () => this.sweep(),
      // The job gave up (its worker died on every attempt): settle what the feed's state allows.
      onFailed: (failed) => feedJobFailed(ctx, failed),
    });
  }

  start(): void {
    this.worker.start();
  }

  /**
   * Stop: the feeds in hand finish. With a `deadline` (epoch ms), feeds still in hand then are handed
   * back (queued again at once, for the next process) instead of waiting out their lease.
   */
  stop(options: { deadline?: number } = {}): Promise<{ handedBack: number }> {
    return this.worker.stop(options);
  }

  /** Wake up now (after a new feed was stored). */
  nudge(): void {
    this.worker.wake(FEED_QUEUE);
  }

  /** Feeds without a job get one: at start, then every ORPHAN_SWEEP_MS. */
  private async sweep(): Promise<void> {
    if (Date.now() - this.sweptAt < ORPHAN_SWEEP_MS) return;
    await queueFeedsWithoutJobs(this.ctx);
    this.sweptAt = Date.now();
  }

  /** One turn of a feed's job: submit or poll it, then run again when the feed says, or end with it. */
  private async run(job: ClaimedJob, context: BatchContext): Promise<unknown> {
    const id = job.key;
    try {
      await this.work(id);
    } catch (error) {
      this.ctx.logger.warn({ priceFeedId: id, err: errorSummary(error) }, 'feed work failed; will retry');
      await this.ctx.db.amazonPriceFeed.updateMany({ where: { id }, data: { nextPollAt: new Date(Date.now() + this.timing.firstPollMs) } });
    }
    const feed = await this.ctx.db.amazonPriceFeed.findUnique({ where: { id }, select: { status: true, nextPollAt: true } });
    if (!feed || !LIVE_FEED_STATUSES.includes(feed.status)) return { status: feed?.status ?? 'deleted' };
    // When the feed says; a feed whose next time has passed (or has none) waits a first poll's time, so it never spins.
    const now = Date.now();
    const next = feed.nextPollAt && feed.nextPollAt.getTime() > now ? feed.nextPollAt : new Date(now + this.timing.firstPollMs);
    await context.reschedule(job, next);
    return undefined;
  }

  private async work(id: string): Promise<void> {
    const feed = await this.ctx.db.amazonPriceFeed.findUniqueOrThrow({ where: { id } });
    let client;
    try {
      ({ client } = await sellerClient(this.ctx, feed.projectId));
    } catch (error) {
      // Disconnected or needing reconnection: keep the feed, look again later.
      await this.ctx.db.amazonPriceFeed.update({ where: { id }, data: { nextPollAt: new Date(Date.now() + this.timing.maxPollMs) } });
      this.ctx.logger.warn({ priceFeedId: id, err: errorSummary(error) }, 'feed waits: seller not usable');
      return;
    }
    if (WAITING_STATUSES.includes(feed.status)) {
      await submitFeed(this.ctx, client, id);
      return;
    }
    if (feed.status === VERIFYING) {
      await this.verifyLive(id, feed.projectId, client);
      return;
    }
    const answer = await client.call<{ processingStatus: string; resultFeedDocumentId?: string }>({
      operation: 'feeds.getFeed',
      path: { feedId: feed.feedId! },
    });
    const status = answer.processingStatus;
    this.ctx.logger.debug({ priceFeedId: id, feedId: feed.feedId, status, pollCount: feed.pollCount }, 'feed polled');
    if (status === 'IN_QUEUE' || status === 'IN_PROGRESS') {
      const pollCount = feed.pollCount + 1;
      const backoff = Math.min(this.timing.maxPollMs, this.timing.firstPollMs * 1.5 ** pollCount);
      const jittered = backoff * (0.8 + Math.random() * 0.4);
      await this.ctx.db.amazonPriceFeed.update({ where: { id }, data: { status, pollCount, nextPollAt: new Date(Date.now() + jittered) } });
      return;
    }
    if (status === 'DONE' || status === 'FATAL' || status === 'CANCELLED') {
      await this.finish(feed.id, feed.projectId, status, answer.resultFeedDocumentId, client);
      return;
    }
    this.ctx.logger.warn({ priceFeedId: id, status }, 'unknown feed processing status');
    await this.ctx.db.amazonPriceFeed.update({ where: { id }, data: { nextPollAt: new Date(Date.now() + this.timing.maxPollMs) } });
  }

  private async finish(id: string, projectId: string, status: 'DONE' | 'FATAL' | 'CANCELLED', resultFeedDocumentId: string | undefined, client: Awaited<ReturnType<typeof sellerClient>>['client']): Promise<void> {
    if (status === 'CANCELLED') {
      await failFeed(this.ctx, id, 'CANCELLED', 'CANCELLED', 'Amazon cancelled the feed before processing it; submit the prices again');
      return;
    }
    if (!resultFeedDocumentId) {
      if (status === 'DONE') await this.settleWithoutReport(id, projectId, client);
      else await this.resubmitUnexplainedFatal(id);
      return;
    }
    const document = await client.call<{ url: string; compressionAlgorithm?: string }>({
      operation: 'feeds.getFeedDocument',
      path: { feedDocumentId: resultFeedDocumentId },
    });
    const started = Date.now();
    const report = parseProcessingReport(await client.download(document.url, document.compressionAlgorithm));
    const outcome = readProcessingReport(report);
    this.ctx.logger.debug({ priceFeedId: id, ms: Date.now() - started, compression: document.compressionAlgorithm ?? null }, 'processing report downloaded');
    const now = new Date();
    if (status === 'FATAL' || outcome.feedError) {
      const why = outcome.feedError ?? { code: 'FATAL', message: 'Amazon refused the whole feed' };
      await this.ctx.db.amazonPriceFeed.update({ where: { id }, data: { resultFeedDocumentId, resultSummary: outcome.summary, resultReport: report as object } });
      await failFeed(this.ctx, id, 'FATAL', why.code, why.message);
      return;
    }
    // Failed messages one by one (usually few), grouped by identical reason; the rest accepted (live later).
    const byReason = new Map<string, number[]>();
    for (const [messageId, failure] of outcome.failures) {
      const key = JSON.stringify([failure.code, failure.message]);
      byReason.set(key, [...(byReason.get(key) ?? []), messageId]);
    }
    const failedIds = [...outcome.failures.keys()];
    const writes = [];
    for (const [key, ids] of byReason) {
      const [code, message] = JSON.parse(key) as [string, string];
      for (const part of chunks(ids)) {
        writes.push(
          this.ctx.db.amazonPriceUpdate.updateMany({
            where: { priceFeedId: id, messageId: { in: part }, status: 'pending' },
            data: { status: 'failed', errorCode: code, errorMessage: message, resolvedAt: now },
          }),
        );
      }
    }
    writes.push(
      this.ctx.db.amazonPriceUpdate.updateMany({
        where: { priceFeedId: id, status: 'pending', ...(failedIds.length ? { messageId: { notIn: failedIds } } : {}) },
        data: { status: 'accepted' },
      }),
      this.ctx.db.amazonPriceFeed.update({
        where: { id },
        data: { status: VERIFYING, completedAt: now, nextPollAt: now, resultFeedDocumentId, resultSummary: outcome.summary, resultReport: { issues: report.issues ?? [] } as object },
      }),
    );
    await this.ctx.db.$transaction(writes);
    this.ctx.logger.info({ priceFeedId: id, ms: Date.now() - started, failed: failedIds.length }, 'amazon price feed done: accepted messages wait to go live');
    // A first look at once: prices Amazon already shows are applied in this turn.
    await this.verifyLive(id, projectId, client);
  }

  /**
   * One pass over a VERIFYING feed's accepted updates (the longest unchecked first, at most
   * LIVE_CHECKS_PER_TURN): live → applied; a price issue on the listing → failed with Amazon's issue;
   * past ctx.liveSettleMs since DONE → failed; else checked again at the next poll. The feed is DONE once
   * none is left. A failed read throws: the feed is polled again later.
   */
  private async verifyLive(id: string, projectId: string, client: Awaited<ReturnType<typeof sellerClient>>['client']): Promise<void> {
    const db = this.ctx.db;
    const feed = await db.amazonPriceFeed.findUniqueOrThrow({ where: { id }, select: { completedAt: true } });
    const acceptedAt = (feed.completedAt ?? new Date()).getTime();
    const rows = await db.amazonPriceUpdate.findMany({ where: { priceFeedId: id, status: 'accepted' }, orderBy: { updatedAt: 'asc' }, take: LIVE_CHECKS_PER_TURN });
    const overdue = Date.now() - acceptedAt >= this.ctx.liveSettleMs;
    const applied: typeof rows = [];
    const failed: { row: (typeof rows)[number]; code: string; message: string }[] = [];
    const waiting: string[] = [];
    for (const marketplaceId of new Set(rows.map((r) => r.marketplaceId))) {
      for (const part of chunks(rows.filter((r) => r.marketplaceId === marketplaceId), LISTINGS_PAGE_SIZE)) {
        const found = await searchListingsBySku(client, marketplaceId, part.map((r) => r.sku));
        for (const row of part) {
          const item = found.get(row.sku);
          const prices = item ? pricesOf(item, marketplaceId) : undefined;
          const issue = item ? priceIssues(item, marketplaceId)[0] : undefined;
          if (prices && showsOurs(prices, row)) applied.push(row);
          else if (issue) failed.push({ row, code: issue.code, message: issueAfterAcceptance(issue.message) });
          else if (overdue) {
            const view = amazonView(item && prices ? { ...prices, item } : null, row);
            failed.push({ row, code: item ? PRICE_NOT_LIVE : 'NOT_FOUND', message: `${view} ${Math.round((Date.now() - acceptedAt) / 1000)} s after Amazon accepted it` });
          } else waiting.push(row.id);
        }
      }
    }
    const now = new Date();
    const writes = [];
    for (const part of chunks(applied.map((r) => r.id))) {
      writes.push(db.amazonPriceUpdate.updateMany({ where: { id: { in: part }, status: 'accepted' }, data: { status: 'applied', resolvedAt: now } }));
    }
    for (const f of failed) {
      writes.push(db.amazonPriceUpdate.updateMany({ where: { id: f.row.id, status: 'accepted' }, data: { status: 'failed', errorCode: f.code, errorMessage: f.message, resolvedAt: now } }));
    }
    // Checked and still waiting: to the back of the line (the next turn reads the others first).
    for (const part of chunks(waiting)) writes.push(db.amazonPriceUpdate.updateMany({ where: { id: { in: part }, status: 'accepted' }, data: { updatedAt: now } }));
    if (writes.length) await db.$transaction(writes);
    const left = await db.amazonPriceUpdate.count({ where: { priceFeedId: id, status: 'accepted' } });
    await db.amazonPriceFeed.update({
      where: { id },
      data: left === 0 ? { status: 'DONE', nextPollAt: null } : { nextPollAt: new Date(now.getTime() + this.timing.firstPollMs) },
    });
    await recordAppliedPrices(this.ctx, projectId, applied.map((r) => ({ sku: r.sku, marketplaceId: r.marketplaceId, currency: r.currency, amount: r.amount })));
    this.ctx.logger.info({ priceFeedId: id, applied: applied.length, failed: failed.length, waiting: left }, left === 0 ? 'amazon price feed live' : 'amazon price feed: accepted prices not all live yet');
  }

  /** FATAL and no report: send the same messages again in a new feed, a few times, then fail them. */
  private async resubmitUnexplainedFatal(id: string): Promise<void> {
    const feed = await this.ctx.db.amazonPriceFeed.findUniqueOrThrow({ where: { id } });
    const earlier = feed.batchId
      ? await this.ctx.db.amazonPriceFeed.count({ where: { batchId: feed.batchId, status: 'FATAL', resultFeedDocumentId: null, id: { not: id } } })
      : MAX_UNEXPLAINED_FATAL;
    if (earlier + 1 >= MAX_UNEXPLAINED_FATAL) {
      await failFeed(this.ctx, id, 'FATAL', 'FATAL', `Amazon ended the feed FATAL without a processing report ${earlier + 1} times; submit the prices again later`);
      return;
    }
    const now = new Date();
    const again = await this.ctx.db.$transaction(async (tx) => {
      const next = await tx.amazonPriceFeed.create({
        data: {
          projectId: feed.projectId,
          integrationId: feed.integrationId,
          feedType: feed.feedType,
          marketplaceIds: feed.marketplaceIds as string[],
          batchId: feed.batchId,
          status: 'PREPARING',
          messageCount: feed.messageCount,
        },
        select: { id: true },
      });
      // Its job commits with it: the new feed is submitted by the worker, whichever instance claims it.
      await enqueueFeedJob(this.ctx, { id: next.id, integrationId: feed.integrationId }, { client: tx });
      const moved = await tx.amazonPriceUpdate.updateMany({
        where: { priceFeedId: id, status: { in: ['queued', 'pending'] } },
        data: { priceFeedId: next.id, status: 'queued', submittedAt: null },
      });
      await tx.amazonPriceFeed.update({
        where: { id },
        data: { status: 'FATAL', completedAt: now, nextPollAt: null, resultSummary: { resubmittedAs: next.id, messages: moved.count } },
      });
      return next.id;
    });
    this.ctx.logger.warn({ priceFeedId: id, resubmittedAs: again, attempt: earlier + 1 }, 'amazon price feed ended FATAL without a report; its messages go again');
  }

  /** DONE and no report: read each SKU's live price and settle its update by what Amazon shows. */
  private async settleWithoutReport(id: string, projectId: string, client: Awaited<ReturnType<typeof sellerClient>>['client']): Promise<void> {
    const rows = await this.ctx.db.amazonPriceUpdate.findMany({ where: { priceFeedId: id, status: { in: ['queued', 'pending'] } } });
    const now = new Date();
    const applied: typeof rows = [];
    for (const row of rows) {
      // A failed read throws: the feed is polled again later and the SKUs read again.
      const live = await readOfferPrice(client, row.sku, row.marketplaceId);
      const ours = showsPrice(live.price, row.amount, row.currency);
      if (ours) {
        applied.push(row);
        await this.ctx.db.amazonPriceUpdate.update({ where: { id: row.id }, data: { status: 'applied', resolvedAt: now } });
      } else {
        await this.ctx.db.amazonPriceUpdate.update({
          where: { id: row.id },
          data: {
            status: 'failed',
            errorCode: 'NO_PROCESSING_REPORT',
            errorMessage: `Amazon finished the feed without a processing report and the listing shows ${live.price ? `${live.price.amount} ${live.price.currency}` : 'no price'}, not ${row.amount} ${row.currency}`,
            resolvedAt: now,
          },
        });
      }
    }
    await this.ctx.db.amazonPriceFeed.update({
      where: { id },
      data: { status: 'DONE', completedAt: now, nextPollAt: null, resultSummary: { verifiedWithoutReport: rows.length, applied: applied.length } },
    });
    await recordAppliedPrices(this.ctx, projectId, applied.map((r) => ({ sku: r.sku, marketplaceId: r.marketplaceId, currency: r.currency, amount: r.amount })));
    this.ctx.logger.warn({ priceFeedId: id, verified: rows.length, applied: applied.length }, 'amazon price feed done without a processing report: settled by live prices');
  }
}
