// Each recorded webhook delivery is one job in the engine's `shopify.webhooks` queue, keyed by the
// delivery's row id: the job engine claims, leases and retries it; the ProcessedWebhook row keeps the
// delivery (payload, status, attempts, last error) for display.
import type { Db } from '@calibr/db';
import type { EnqueueInput } from '@calibr/jobs';
import { QUEUES, jobsOn } from '../../../jobs.server';
import { MAX_ATTEMPTS } from './failures';

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
