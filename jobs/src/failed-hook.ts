// A queue's hook for jobs that failed for good (`onFailed` in Worker.handle / handleBatch): the caller's
// own record of the work (a webhook delivery, a price feed) must learn that its job gave up, however it
// gave up: its last attempt threw, a handler failed it, or its worker died on every attempt (lease expiry).
//
// Durable without running the hook inside the failing transaction: the statement that marks the job
// failed also queues a follow-up job, `<queue>:failed` keyed by the job's key, in the same transaction
// (the caller's when the failure is written with its domain write). The Worker that registered the hook
// runs the follow-up like any job: claimed with a lease, retried with backoff if the hook throws, claimed
// again if its worker dies. So a failure is never recorded without its follow-up, a hook that throws
// never undoes the failure, and the hook runs at least once: it must be idempotent (a conditional write).
import type { EnqueueInput, Job } from './types';

/** What the hook is told: the job as it failed (its payload, how many attempts, the reason). */
export interface FailedJob<P = unknown> {
  /** the failed job's queue and key */
  queue: string;
  key: string;
  groupKey: string | null;
  payload: P;
  /** attempts it had (a job failed because its lease expired on each is claimed once more, not run) */
  attempts: number;
  /** the reason, as kept in the job's lastError */
  error: string;
  failedAt: string;
}

/** Attempts the follow-up gets (its backoff reaches the engine's cap of 5 minutes by then). */
export const FAILED_HOOK_ATTEMPTS = 10;

/** The follow-up queue of a queue's failures. */
export function failedHookQueue(queue: string): string {
  return `${queue}:failed`;
}

/** The follow-up job of one failed job. */
export function failedHookJob(job: Job, error: string, failedAt: Date): EnqueueInput<FailedJob> {
  return {
    queue: failedHookQueue(job.queue),
    key: job.key,
    groupKey: job.groupKey,
    payload: { queue: job.queue, key: job.key, groupKey: job.groupKey, payload: job.payload, attempts: Math.min(job.attempts, job.maxAttempts), error, failedAt: failedAt.toISOString() },
    maxAttempts: FAILED_HOOK_ATTEMPTS,
  };
}
