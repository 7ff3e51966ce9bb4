// Each recorded webhook delivery is one job in the engine's `shopify.webhooks` queue, keyed by the
// delivery's row id: the job engine claims, leases and retries it; the ProcessedWebhook row keeps the
// delivery (payload, status, attempts, last error) for display. A delivery whose job failed for good is
// marked failed here, whoever ended it: the processor with its reason, or the queue's onFailed hook when
// the job gave up without the processor (its instance died on every attempt, or a last retry found the
// attempts used up) — else the delivery would stay `processing` for ever.
import type { Db } from '@calibr/db';
import type { EnqueueInput, FailedJob } from '@calibr/jobs';
import { QUEUES, jobsOn } from '../../../jobs.server';
import { logger } from '../../../lib/logger.server';
import { sqlParams, transaction } from '../../../lib/portable-sql.server';
import { MAX_ATTEMPTS } from './failures';
import { topicName } from './topics';

/** Attempts a delivery's job may have: the most any kind of failure allows (./failures.ts decides per failure). */
export const WEBHOOK_MAX_ATTEMPTS = Math.max(...Object.values(MAX_ATTEMPTS));

export function webhookJobs(deliveries: ReadonlyArray<{ id: string; receivedAt: Date }>): EnqueueInput[] {
  return deliveries.map((d) => ({ queue: QUEUES.webhooks, key: d.id, runAt: d.receivedAt, maxAttempts: WEBHOOK_MAX_ATTEMPTS }));
}

/**
 * Deliveries recorded without a job (rows written before the job engine, or by hand): queue them.
 * Returns how many were queued. Only deliveries never attempted: one that was attempted had a job, and
 * its job is gone because it ended and the engine's retention pruned it (e.g. failed after its worker
 * died on every attempt, which leaves the delivery `processing`); queueing it again would process a
 * weeks-old delivery. Duplicates are not this sweep's concern: the ProcessedWebhook row, kept, is what
 * makes a webhook id or event id a duplicate (./delivery-recorder.server.ts), never its job.
 */
export async function queueOrphanDeliveries(client: Db): Promise<number> {
  const orphans = await client.$queryRawUnsafe<Array<{ id: string; receivedAt: unknown }>>(
    `SELECT pw."id", pw."receivedAt" FROM "ProcessedWebhook" pw WHERE pw."platform" = 'shopify' AND pw."status" IN ('received', 'processing') AND pw."attempts" = 0 ` +
      `AND NOT EXISTS (SELECT 1 FROM "Job" j WHERE j."queue" = '${QUEUES.webhooks}' AND j."key" = pw."id")`,
  );
  return jobsOn(client).enqueueMany(webhookJobs(orphans.map((o) => ({ id: o.id, receivedAt: new Date(o.receivedAt as string | number) }))));
}

/**
 * A delivery that can never be processed: `failed` with the reason (the ProcessedWebhook row), and counted
 * on its subscription, which the integrations page shows (deliveries failed, last error, health `failing`).
 * Only a delivery still waiting (received, processing) changes, so writing it twice counts it once.
 * Returns whether it changed. Run inside the caller's transaction.
 */
export async function markDeliveryFailed(client: Db, id: string, reason: string, at = new Date()): Promise<boolean> {
  const q = sqlParams(client);
  const rows = await client.$queryRawUnsafe<Array<{ projectId: string | null; topic: string }>>(
    `UPDATE "ProcessedWebhook" SET "status" = 'failed', "lastError" = ${q.p(reason)} WHERE "id" = ${q.p(id)} AND "status" IN ('received', 'processing') RETURNING "projectId", "topic"`,
    ...q.values,
  );
  const delivery = rows[0];
  if (delivery?.projectId) {
    await client.shopifyWebhookSubscription.updateMany({
      where: { projectId: delivery.projectId, topic: topicName(delivery.topic) },
      data: { deliveriesFailed: { increment: 1 }, lastError: reason, lastErrorAt: at },
    });
  }
  return rows.length > 0;
}

/**
 * The webhook queue's onFailed hook: a delivery job that failed for good and left its delivery waiting
 * (the processor marks the ones it fails itself; this changes nothing for those) is marked failed.
 */
export async function deliveryJobFailed(client: Db, failed: FailedJob): Promise<void> {
  const reason = `gave up: ${failed.error}`;
  const changed = await transaction(client, (tx) => markDeliveryFailed(tx, failed.key, reason, new Date(failed.failedAt)));
  if (changed) logger.error({ deliveryId: failed.key, attempts: failed.attempts, reason: failed.error }, 'webhook delivery failed: its job gave up');
}
