// Each price change being pushed is one job of the engine's `pricing.push` queue, keyed by the change id
// (exactly one live job per change). A change becomes due by its status alone (approved, or pushing when
// a retry puts it back): before each claim the push worker queues a job for every such change that has no
// live one. That covers every way a change is approved (suggestions, manual edits, rollbacks, a merchant's
// retry of a failed change, whose finished job is queued again) without each of them knowing the engine.
import type { Db } from '@calibr/db';
import { QUEUES, jobsOn } from '../../jobs.server';

/** Claims a push job may take before it fails (the push's own horizon, retryForMs, ends a change first). */
const PUSH_MAX_ATTEMPTS = 50;

export async function queueChangesWithoutJobs(client: Db): Promise<number> {
  const due = await client.$queryRawUnsafe<Array<{ id: string; projectId: string; approvedAt: unknown }>>(
    `SELECT pc."id", pc."projectId", pc."approvedAt" FROM "PriceChange" pc WHERE pc."status" IN ('approved', 'pushing') ` +
      `AND NOT EXISTS (SELECT 1 FROM "Job" j WHERE j."queue" = '${QUEUES.pricePush}' AND j."key" = pc."id" AND j."status" IN ('queued', 'running'))`,
  );
  if (due.length === 0) return 0;
  return jobsOn(client).enqueueMany(
    due.map((c) => ({
      queue: QUEUES.pricePush,
      key: c.id,
      groupKey: `shop:${c.projectId}`,
      // First approved, first pushed.
      runAt: new Date(c.approvedAt as string | number),
      maxAttempts: PUSH_MAX_ATTEMPTS,
    })),
    { again: true },
  );
}
