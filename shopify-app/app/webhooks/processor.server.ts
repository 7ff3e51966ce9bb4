// The per-process webhook processor. The reply path only records a delivery and wakes it; it then claims
// what is due in batches and processes each batch after the replies went out:
// - claim: one UPDATE marks up to BATCH_SIZE due deliveries `processing` with this instance's lease
//   (claimedBy + leaseUntil), so two instances sharing a database never process one delivery twice, and a
//   delivery left `processing` by a crashed instance is claimed again once its lease expires;
// - products/update deliveries of a batch are planned together and written in one transaction that also
//   marks them processed (only while we still hold their lease), so a delivery is applied exactly once;
// - a failure is classified (./failures.ts): permanent → failed with its reason; transient → `received`
//   again with a jittered exponential backoff (nextAttemptAt), retried in process, and after a restart
//   by whichever instance claims it.
// A timer polls for due retries and for deliveries other instances left behind.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Db } from '@calibr/db';
import { appContext } from '../app-context.server';
import { logger } from '../lib/logger.server';
import { db } from '../db.server';
import { DeliveryCounters } from './counters.server';
import { MAX_ATTEMPTS, classifyFailure, errorMessage, retryDelayMs, type FailureKind } from './failures';
import { processOtherTopic } from './process.server';
import { planProductUpdates } from './products-update.server';
import { shopifyChecks, type ShopifyChecks } from './shopify-checks.server';
import { sqlParams, transaction } from './portable-sql.server';
import { topicName } from './topics';

export interface ClaimedDelivery {
  id: string;
  /** X-Shopify-Webhook-Id and X-Shopify-Event-Id, for the log lines */
  webhookId: string;
  eventId: string | null;
  topic: string;
  shop: string;
  projectId: string | null;
  payload: unknown;
  /** attempts including this one */
  attempts: number;
}

export interface ProcessorOptions {
  client?: () => Db;
  instanceId?: string;
  batchSize?: number;
  leaseMs?: number;
  pollMs?: number;
  /** how long a wake waits for more deliveries before claiming (default 50 ms) */
  coalesceMs?: number;
  /** what is asked of Shopify before a delivery's unsigned headers are trusted (default: its Admin API) */
  shopify?: ShopifyChecks;
}

/** Thrown inside a batch transaction when another instance took over some of its deliveries. */
class LeaseLost extends Error {}

export class WebhookProcessor {
  readonly instanceId: string;
  readonly counters: DeliveryCounters;
  private readonly client: () => Db;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly coalesceMs: number;
  private readonly shopify: ShopifyChecks;
  private running: Promise<void> | undefined;
  private again = false;
  private wakeScheduled = false;
  private poller: NodeJS.Timeout | undefined;
  private stopped = false;
  /** when claiming started failing (0: it works), and no poll before pausedUntil */
  private failingSince = 0;
  private pausedUntil = 0;
  /** deliveries this processor finished, by outcome (for tests and logs) */
  readonly totals = { processed: 0, failed: 0, retried: 0 };

  constructor(options: ProcessorOptions = {}) {
    this.client = options.client ?? (() => db);
    this.instanceId = options.instanceId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.batchSize = options.batchSize ?? 200;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 1000;
    this.coalesceMs = options.coalesceMs ?? 50;
    this.shopify = options.shopify ?? shopifyChecks;
    this.counters = new DeliveryCounters(this.client);
  }

  /** Start polling for due retries and deliveries left by a restart or another instance. */
  start(): this {
    if (!this.poller && !this.stopped) {
      this.poller = setInterval(() => {
        if (Date.now() >= this.pausedUntil) void this.drain();
      }, this.pollMs);
      this.poller.unref();
    }
    return this;
  }

  /**
   * A delivery was recorded: process it soon, together with whatever else arrives meanwhile. Waiting a
   * few milliseconds lets a burst of deliveries share one claim, one read and one transaction (the reply
   * already went out, so the wait costs no sender anything).
   */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setTimeout(() => {
      this.wakeScheduled = false;
      void this.drain();
    }, this.coalesceMs);
  }

  /** Claim and process due deliveries until none is left; resolves with how many were claimed. */
  drain(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        for (;;) {
          if (this.stopped) return;
          const batch = await this.claim();
          if (batch.length === 0) break;
          await this.processBatch(batch);
        }
      } while (this.again);
    })()
      .then(() => {
        this.failingSince = 0;
        this.pausedUntil = 0;
      })
      .catch((error) => {
        // The database is away (or gone): poll less often while it stays so, and say so once per streak.
        const streak = this.failingSince === 0;
        if (streak) this.failingSince = Date.now();
        this.pausedUntil = Date.now() + Math.min(30_000, Math.max(this.pollMs, Date.now() - this.failingSince));
        if (streak) logger.error({ err: errorMessage(error) }, 'webhook processing paused; retrying with backoff');
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Resolves when nothing is being processed and nothing due is waiting (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.wakeScheduled) {
      await this.running;
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Stop taking work, finish the batch in hand, write the counters. Unfinished deliveries stay recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poller);
    this.poller = undefined;
    await this.running;
    await this.counters.flush();
  }

  private async claim(): Promise<ClaimedDelivery[]> {
    const client = this.client();
    const now = new Date();
    const q = sqlParams(client);
    const due = () =>
      `(("status" = 'received' AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= ${q.p(now)})) ` +
      `OR ("status" = 'processing' AND ("leaseUntil" IS NULL OR "leaseUntil" < ${q.p(now)})))`;
    const set = `"status" = 'processing', "claimedBy" = ${q.p(this.instanceId)}, "leaseUntil" = ${q.p(new Date(now.getTime() + this.leaseMs))}, "attempts" = "attempts" + 1`;
    // PostgreSQL: skip rows another instance is claiming right now instead of waiting for them.
    const sql =
      `UPDATE "ProcessedWebhook" SET ${set} WHERE "id" IN (SELECT "id" FROM "ProcessedWebhook" WHERE "platform" = 'shopify' AND ${due()} ` +
      `ORDER BY "receivedAt" LIMIT ${q.p(this.batchSize)}${q.postgres ? ' FOR UPDATE SKIP LOCKED' : ''}) AND ${due()} ` +
      `RETURNING "id", "webhookId", "eventId", "topic", "shop", "projectId", "payload", "attempts"`;
    const rows = await client.$queryRawUnsafe<ClaimedDelivery[]>(sql, ...q.values);
    return rows.map((r) => ({ ...r, attempts: Number(r.attempts), payload: typeof r.payload === 'string' ? safeJson(r.payload) : r.payload }));
  }

  private async processBatch(batch: ClaimedDelivery[]): Promise<void> {
    const products = batch.filter((d) => topicName(d.topic) === 'products/update');
    if (products.length > 0) await this.processProductUpdates(products);
    for (const delivery of batch) {
      if (topicName(delivery.topic) === 'products/update') continue;
      try {
        const erased = await processOtherTopic(delivery, this.shopify);
        if (!erased) await this.finish([delivery.id]);
        this.totals.processed++;
      } catch (error) {
        await this.failed([delivery], error);
      }
    }
  }

  private async processProductUpdates(batch: ClaimedDelivery[]): Promise<void> {
    const client = this.client();
    try {
      const plan = await planProductUpdates(client, batch, this.shopify);
      await transaction(client, async (tdb) => {
        await this.finish(plan.applied, tdb);
        if (plan.rejected.length > 0) await this.markFailed(tdb, batch, plan.rejected);
        await plan.write(tdb);
      });
      this.totals.processed += plan.applied.length;
      this.totals.failed += plan.rejected.length;
    } catch (error) {
      if (error instanceof LeaseLost) return; // another instance holds them now; it processes them
      if (batch.length > 1 && classifyFailure(error) !== 'transient') {
        // Something in the batch broke it (not the database): process each alone to isolate it.
        for (const delivery of batch) await this.processProductUpdates([delivery]);
        return;
      }
      await this.failed(batch, error);
    }
  }

  /** Mark processed, only while we hold the lease (inside the batch transaction when given one). */
  private async finish(ids: readonly string[], tx?: Db): Promise<void> {
    if (ids.length === 0) return;
    const client = tx ?? this.client();
    const q = sqlParams(client);
    const sql =
      `UPDATE "ProcessedWebhook" SET "status" = 'processed', "processedAt" = ${q.p(new Date())}, "lastError" = NULL, "claimedBy" = NULL, ` +
      `"leaseUntil" = NULL, "nextAttemptAt" = NULL WHERE "id" IN (${q.list(ids)}) AND "status" = 'processing' AND "claimedBy" = ${q.p(this.instanceId)}`;
    const count = await client.$executeRawUnsafe(sql, ...q.values);
    if (tx && count !== ids.length) throw new LeaseLost(`${ids.length - count} of ${ids.length} deliveries were claimed by another instance`);
  }

  /** Deliveries that can never be processed: failed with the reason, counted on their subscription. */
  private async markFailed(client: Db, batch: readonly ClaimedDelivery[], failures: ReadonlyArray<{ id: string; reason: string }>): Promise<void> {
    const now = new Date();
    for (const f of failures) {
      const q = sqlParams(client);
      await client.$executeRawUnsafe(
        `UPDATE "ProcessedWebhook" SET "status" = 'failed', "lastError" = ${q.p(f.reason)}, "claimedBy" = NULL, "leaseUntil" = NULL, "nextAttemptAt" = NULL ` +
          `WHERE "id" = ${q.p(f.id)} AND "claimedBy" = ${q.p(this.instanceId)}`,
        ...q.values,
      );
      const delivery = batch.find((d) => d.id === f.id);
      if (delivery?.projectId) {
        await client.shopifyWebhookSubscription.updateMany({
          where: { projectId: delivery.projectId, topic: topicName(delivery.topic) },
          data: { deliveriesFailed: { increment: 1 }, lastError: f.reason, lastErrorAt: now },
        });
      }
    }
  }

  /** A batch failed: each delivery is retried later (backoff) or, out of attempts, failed for good. */
  private async failed(batch: readonly ClaimedDelivery[], error: unknown): Promise<void> {
    const kind: FailureKind = classifyFailure(error);
    const reason = `${kind}: ${errorMessage(error)}`;
    const giveUp = batch.filter((d) => d.attempts >= MAX_ATTEMPTS[kind]);
    const retry = batch.filter((d) => d.attempts < MAX_ATTEMPTS[kind]);
    try {
      const client = this.client();
      if (giveUp.length > 0) await this.markFailed(client, giveUp, giveUp.map((d) => ({ id: d.id, reason })));
      const byAttempts = new Map<number, string[]>();
      for (const d of retry) byAttempts.set(d.attempts, [...(byAttempts.get(d.attempts) ?? []), d.id]);
      for (const [attempts, ids] of byAttempts) {
        const q = sqlParams(client);
        await client.$executeRawUnsafe(
          `UPDATE "ProcessedWebhook" SET "status" = 'received', "lastError" = ${q.p(reason)}, "nextAttemptAt" = ${q.p(new Date(Date.now() + retryDelayMs(attempts)))}, ` +
            `"claimedBy" = NULL, "leaseUntil" = NULL WHERE "id" IN (${q.list(ids)}) AND "status" = 'processing' AND "claimedBy" = ${q.p(this.instanceId)}`,
          ...q.values,
        );
      }
      this.totals.failed += giveUp.length;
      this.totals.retried += retry.length;
      if (retry.length > 0) logger.warn({ deliveries: retry.length, reason }, 'webhook deliveries will be retried');
    } catch (markError) {
      // The database is still away: the leases expire and the deliveries are claimed again then.
      logger.error({ err: errorMessage(markError) }, 'could not schedule webhook retries; their leases will expire and they are claimed again');
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * This process's processor (one per process: app-context.server.ts). Its counters and wake() serve every
 * process that records deliveries; its poller runs only once the server entry started it (startup.server.ts).
 */
export function webhookProcessor(): WebhookProcessor {
  return (appContext().webhooks ??= new WebhookProcessor());
}

/** On start: the poller runs, and deliveries recorded but not processed (the app stopped in between) are processed now. */
export async function processPendingWebhooks(): Promise<number> {
  const processor = webhookProcessor().start();
  const before = processor.totals.processed + processor.totals.failed;
  await processor.drain();
  return processor.totals.processed + processor.totals.failed - before;
}

/** Resolves when this process has nothing in hand (tests, shutdown). */
export function webhooksIdle(): Promise<void> {
  return webhookProcessor().idle();
}

/** Graceful shutdown: finish the batch in hand; what is left stays recorded for the next start. */
export async function stopWebhookProcessing(): Promise<void> {
  const context = appContext();
  const processor = context.webhooks;
  if (!processor) return;
  // A later start (tests start the app again in one process) makes a fresh processor.
  context.webhooks = undefined;
  await processor.stop();
}
