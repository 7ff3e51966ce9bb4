// Background work on price feeds, resumed from the database at every start: submits feeds that wait
// for a submission slot, and polls submitted feeds (backing off) until DONE, CANCELLED or FATAL, then
// turns the processing report into each SKU's result. Rows are leased, so two instances never work on
// the same feed at once.
import { errorSummary } from '../log-errors';
import { randomUUID } from 'node:crypto';
import type { AmazonContext } from '../amazon-context';
import { recordAppliedPrices } from '../catalog/listing-store';
import { sellerClient } from '../integrations/integration-store';
import { failFeed, submitFeed } from './feed-submission';
import type { FeedTiming } from './feed-timing';
import { parseProcessingReport, readProcessingReport } from './processing-report';
import { chunks } from '../catalog/listing-store';

const LEASE_MS = 120_000;
const POLLED_STATUSES = ['IN_QUEUE', 'IN_PROGRESS'];
const WAITING_STATUSES = ['PREPARING', 'UPLOADED'];

export interface FeedWorkerOptions {
  /** How often the worker looks for due work. */
  tickMs?: number;
}

export class FeedWorker {
  readonly id = `feed-worker-${randomUUID()}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly timing: FeedTiming;
  private readonly tickMs: number;

  constructor(
    private readonly ctx: AmazonContext,
    options: FeedWorkerOptions = {},
  ) {
    this.timing = ctx.feedTiming;
    this.tickMs = options.tickMs ?? 5_000;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Wake up now (after a new feed was stored). */
  nudge(): void {
    if (!this.stopped && !this.running) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then(() => undefined)
        .catch((error: unknown) => this.ctx.logger.error({ err: errorSummary(error) }, 'feed worker tick failed'))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(this.tickMs);
        });
    }, ms);
    this.timer.unref?.();
  }

  /** One pass over everything due; returns how many feeds it worked on. */
  async tick(): Promise<number> {
    const now = new Date();
    const due = await this.ctx.db.amazonPriceFeed.findMany({
      where: {
        status: { in: [...POLLED_STATUSES, ...WAITING_STATUSES] },
        OR: [{ nextPollAt: null }, { nextPollAt: { lte: now } }],
        AND: [{ OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] }],
      },
      orderBy: { createdAt: 'asc' },
      take: 20,
      select: { id: true },
    });
    let worked = 0;
    for (const { id } of due) {
      if (this.stopped && worked > 0) break;
      if (!(await this.claim(id))) continue;
      worked++;
      try {
        await this.work(id);
      } catch (error) {
        this.ctx.logger.warn({ priceFeedId: id, err: errorSummary(error) }, 'feed work failed; will retry');
        await this.ctx.db.amazonPriceFeed.update({ where: { id }, data: { nextPollAt: new Date(Date.now() + this.timing.firstPollMs) } });
      } finally {
        await this.ctx.db.amazonPriceFeed.updateMany({ where: { id, claimedBy: this.id }, data: { claimedBy: null, leaseUntil: null } });
      }
    }
    return worked;
  }

  private async claim(id: string): Promise<boolean> {
    const now = new Date();
    const claimed = await this.ctx.db.amazonPriceFeed.updateMany({
      where: { id, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
      data: { claimedBy: this.id, leaseUntil: new Date(now.getTime() + LEASE_MS) },
    });
    return claimed.count === 1;
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
      await failFeed(this.ctx, id, 'FATAL', 'FATAL', 'Amazon could not process the feed and gave no processing report');
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
    // Failed messages one by one (usually few), grouped by identical reason; the rest applied at once.
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
        data: { status: 'applied', resolvedAt: now },
      }),
      this.ctx.db.amazonPriceFeed.update({
        where: { id },
        data: { status: 'DONE', completedAt: now, nextPollAt: null, resultFeedDocumentId, resultSummary: outcome.summary, resultReport: { issues: report.issues ?? [] } as object },
      }),
    );
    await this.ctx.db.$transaction(writes);
    this.ctx.logger.debug({ priceFeedId: id, ms: Date.now() - started }, 'feed results stored');
    const applied = await this.ctx.db.amazonPriceUpdate.findMany({
      where: { priceFeedId: id, status: 'applied' },
      select: { sku: true, marketplaceId: true, currency: true, amount: true },
    });
    await recordAppliedPrices(this.ctx, projectId, applied);
    this.ctx.logger.info({ priceFeedId: id, applied: applied.length, failed: failedIds.length }, 'amazon price feed done');
  }
}
