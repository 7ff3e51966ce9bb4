// The per-process webhook processor. The reply path records a delivery and its job (./delivery-recorder.server.ts)
// and wakes the processor; the job engine (@calibr/jobs) then claims due delivery jobs in batches with a
// lease, so two instances sharing a database never process one delivery twice, and a delivery whose
// instance died is claimed again once its lease expires. Here:
// - products/update and products/create deliveries of a batch are planned together and written in one transaction that also
//   marks them processed and completes their jobs (only while we still hold them), so a delivery is
//   applied exactly once;
// - a failure is classified (./failures.ts): permanent → failed with its reason; transient → its job
//   retried after a jittered exponential backoff, in process or, after a restart, by whichever instance
//   claims it. The ProcessedWebhook row shows the delivery's status, attempts and last error.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Worker, type BatchContext, type ClaimedJob } from '@calibr/jobs';
import type { Db } from '@calibr/db';
import { appContext } from '../../../app-context.server';
import { logger } from '../../../lib/logger.server';
import { db } from '../../../db.server';
import { QUEUES, jobsOn } from '../../../jobs.server';
import { DeliveryCounters } from './counters.server';
import { MAX_ATTEMPTS, classifyFailure, errorMessage, retryDelayMs, type FailureKind } from './failures';
import { processOtherTopic } from './process.server';
import { planProductUpdates } from './products-update.server';
import { shopifyChecks, type ShopifyChecks } from './shopify-checks.server';
import { sqlParams, transaction } from '../../../lib/portable-sql.server';
import { PRODUCT_PAYLOAD_TOPICS, topicName } from './topics';
import { deliveryJobFailed, markDeliveryFailed, queueOrphanDeliveries } from './webhook-jobs.server';

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

type DeliveryJob = ClaimedJob;
type Context = BatchContext;

export class WebhookProcessor {
  readonly instanceId: string;
  readonly counters: DeliveryCounters;
  private readonly client: () => Db;
  private readonly coalesceMs: number;
  private readonly shopify: ShopifyChecks;
  private readonly worker: Worker;
  private wakeTimer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private stopped = false;
  /** deliveries this processor finished, by outcome (for tests and logs) */
  readonly totals = { processed: 0, failed: 0, retried: 0 };

  constructor(options: ProcessorOptions = {}) {
    this.client = options.client ?? (() => db);
    this.instanceId = options.instanceId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.coalesceMs = options.coalesceMs ?? 50;
    this.shopify = options.shopify ?? shopifyChecks;
    this.counters = new DeliveryCounters(this.client);
    this.worker = new Worker(jobsOn(this.client()), {
      id: this.instanceId,
      pollMs: options.pollMs ?? 1000,
      leaseMs: options.leaseMs ?? 60_000,
      log: (message, error) => logger.error({ err: errorMessage(error) }, `webhook processing: ${message}`),
    }).handleBatch(QUEUES.webhooks, (jobs, context) => this.processBatch(jobs, context), {
      batchSize: options.batchSize ?? 200,
      // A delivery job that gave up without this processor marking it (its instance died on every attempt).
      onFailed: (failed) => deliveryJobFailed(this.client(), failed),
    });
  }

  /** Start polling for due retries and deliveries left by a restart or another instance. */
  start(): this {
    if (!this.stopped) this.worker.start();
    return this;
  }

  /**
   * A delivery was recorded: process it soon, together with whatever else arrives meanwhile. Waiting a
   * few milliseconds lets a burst of deliveries share one claim, one read and one transaction (the reply
   * already went out, so the wait costs no sender anything).
   */
  wake(): void {
    if (this.stopped || this.wakeTimer) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      void this.drain();
    }, this.coalesceMs);
  }

  /** Claim and process due deliveries until none is left. */
  drain(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    // Every queue of the worker: the deliveries, then the onFailed follow-ups of those that gave up.
    this.draining ??= this.worker
      .drain()
      .then(() => undefined)
      .catch((error: unknown) => logger.error({ err: errorMessage(error) }, 'webhook processing paused; its jobs are claimed again later'))
      .finally(() => (this.draining = undefined));
    return this.draining;
  }

  /** Resolves when nothing is being processed and nothing due is waiting (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.draining || this.wakeTimer) {
      await this.draining;
      await new Promise((r) => setImmediate(r));
    }
    await this.worker.idle();
  }

  /** Stop taking work, finish the batch in hand, write the counters. Unfinished deliveries keep their jobs. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    await this.worker.stop();
    await this.draining;
    await this.counters.flush();
  }

  /** Deliveries recorded without a job (e.g. before the job engine) get one. */
  queueOrphans(): Promise<number> {
    return queueOrphanDeliveries(this.client());
  }

  /** Mark the claimed jobs' deliveries `processing` (one more attempt) and read them. */
  private async load(jobs: readonly DeliveryJob[]): Promise<ClaimedDelivery[]> {
    const client = this.client();
    const q = sqlParams(client);
    const rows = await client.$queryRawUnsafe<ClaimedDelivery[]>(
      `UPDATE "ProcessedWebhook" SET "status" = 'processing', "attempts" = "attempts" + 1 WHERE "id" IN (${q.list(jobs.map((j) => j.key))}) ` +
        `RETURNING "id", "webhookId", "eventId", "topic", "shop", "projectId", "payload", "attempts"`,
      ...q.values,
    );
    return rows
      .map((r) => ({ ...r, attempts: Number(r.attempts), payload: typeof r.payload === 'string' ? safeJson(r.payload) : r.payload }))
      .sort((a, b) => jobs.findIndex((j) => j.key === a.id) - jobs.findIndex((j) => j.key === b.id));
  }

  private async processBatch(jobs: DeliveryJob[], context: Context): Promise<void> {
    const batch = await this.load(jobs);
    const jobOf = new Map(jobs.map((j) => [j.key, j]));
    // A job whose delivery is gone (erased with its shop) has nothing left to do: it completes.
    // products/create carries the same product body as products/update: both refresh listings together.
    const products = batch.filter((d) => PRODUCT_PAYLOAD_TOPICS.has(topicName(d.topic)));
    if (products.length > 0) await this.processProductUpdates(products, jobOf, context);
    for (const delivery of batch) {
      if (PRODUCT_PAYLOAD_TOPICS.has(topicName(delivery.topic))) continue;
      try {
        const erased = await processOtherTopic(delivery, this.shopify);
        if (erased) await context.complete(jobOf.get(delivery.id)!);
        else await this.finish([delivery], jobOf, context).catch((error) => (error instanceof LeaseLost ? undefined : Promise.reject(error)));
        this.totals.processed++;
      } catch (error) {
        await this.failed([delivery], jobOf, context, error);
      }
    }
  }

  private async processProductUpdates(batch: ClaimedDelivery[], jobOf: Map<string, DeliveryJob>, context: Context): Promise<void> {
    const client = this.client();
    try {
      const plan = await planProductUpdates(client, batch, this.shopify);
      const applied = new Set(plan.applied);
      await transaction(client, async (tdb) => {
        await this.finish(batch.filter((d) => applied.has(d.id)), jobOf, context, tdb);
        if (plan.rejected.length > 0) await this.markFailed(tdb, plan.rejected, jobOf, context);
        await plan.write(tdb);
      });
      this.totals.processed += plan.applied.length;
      this.totals.failed += plan.rejected.length;
    } catch (error) {
      if (error instanceof LeaseLost) {
        // Another instance holds some of them now and processes those; the rest go back to the queue.
        await context.release(batch.map((d) => jobOf.get(d.id)!));
        return;
      }
      if (batch.length > 1 && classifyFailure(error) !== 'transient') {
        // Something in the batch broke it (not the database): process each alone to isolate it.
        for (const delivery of batch) await this.processProductUpdates([delivery], jobOf, context);
        return;
      }
      await this.failed(batch, jobOf, context, error);
    }
  }

  /** Mark processed and complete the jobs in one transaction, only while we hold every one of them. */
  private async finish(deliveries: readonly ClaimedDelivery[], jobOf: Map<string, DeliveryJob>, context: Context, tx?: Db): Promise<void> {
    if (deliveries.length === 0) return;
    const write = async (client: Db) => {
      const held = await context.complete(deliveries.map((d) => jobOf.get(d.id)!), { client });
      if (held !== deliveries.length) throw new LeaseLost(`${deliveries.length - held} of ${deliveries.length} deliveries were claimed by another instance`);
      const q = sqlParams(client);
      await client.$executeRawUnsafe(
        `UPDATE "ProcessedWebhook" SET "status" = 'processed', "processedAt" = ${q.p(new Date())}, "lastError" = NULL WHERE "id" IN (${q.list(deliveries.map((d) => d.id))})`,
        ...q.values,
      );
    };
    if (tx) await write(tx);
    else await transaction(this.client(), write);
  }

  /** Deliveries that can never be processed: failed with the reason, counted on their subscription. */
  private async markFailed(client: Db, failures: ReadonlyArray<{ id: string; reason: string }>, jobOf: Map<string, DeliveryJob>, context: Context): Promise<void> {
    const now = new Date();
    for (const f of failures) {
      if ((await context.fail(jobOf.get(f.id)!, f.reason, { client })) === 0) continue; // not ours any more
      await markDeliveryFailed(client, f.id, f.reason, now);
    }
  }

  /** A batch failed: each delivery's job is retried later (backoff) or, out of attempts, failed for good. */
  private async failed(batch: readonly ClaimedDelivery[], jobOf: Map<string, DeliveryJob>, context: Context, error: unknown): Promise<void> {
    const kind: FailureKind = classifyFailure(error);
    const reason = `${kind}: ${errorMessage(error)}`;
    const attemptsOf = (d: ClaimedDelivery) => jobOf.get(d.id)!.attempts;
    const giveUp = batch.filter((d) => attemptsOf(d) >= MAX_ATTEMPTS[kind]);
    const retry = batch.filter((d) => attemptsOf(d) < MAX_ATTEMPTS[kind]);
    try {
      const client = this.client();
      if (giveUp.length > 0) await transaction(client, (tx) => this.markFailed(tx, giveUp.map((d) => ({ id: d.id, reason })), jobOf, context));
      const retried: string[] = [];
      for (const d of retry) {
        const outcome = await context.retry(jobOf.get(d.id)!, reason, { delayMs: retryDelayMs(attemptsOf(d)) });
        if (outcome === 'retry') retried.push(d.id);
      }
      if (retried.length > 0) {
        const q = sqlParams(client);
        await client.$executeRawUnsafe(
          `UPDATE "ProcessedWebhook" SET "status" = 'received', "lastError" = ${q.p(reason)} WHERE "id" IN (${q.list(retried)}) AND "status" = 'processing'`,
          ...q.values,
        );
      }
      this.totals.failed += giveUp.length;
      this.totals.retried += retry.length;
      if (retry.length > 0) logger.warn({ deliveries: retry.length, reason }, 'webhook deliveries will be retried');
    } catch (markError) {
      // The database is still away: the leases expire and the jobs are claimed again then.
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
  await processor.queueOrphans();
  const before = processor.totals.processed + processor.totals.failed;
  await processor.drain();
  return processor.totals.processed + processor.totals.failed - before;
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
