// Runs the subscribe / unsubscribe jobs (queue amazon.notifications on AmazonJob): failures are retried
// with the engine's backoff (Amazon unreachable, throttled), a restart resumes them; Login with Amazon
// refusing a seller's own app fails one at once. One seller's jobs run one at a time (perGroup 1).
// A request arriving while its job runs is not queued by the engine (it queues finished jobs again, not
// running ones), so a run settles itself: it reads what it decides from before it runs, completes, and
// reads it again; changed → it asks for itself again, as a request would (see completeOrRunAgain).
import { randomUUID } from 'node:crypto';
import { Worker, type BatchContext, type ClaimedJob } from '@calibr/jobs';
import type { AmazonContext } from '../amazon-context';
import { feedJobs } from '../feeds/feed-jobs';
import { errorSummary } from '../log-errors';
import { NOTIFICATIONS_QUEUE, resumeKeptUnsubscribes, scheduleSubscribe, scheduleUnsubscribe, type NotificationJob } from './subscription-jobs';
import { decidesOtherwiseNow, decisionInputs, SellerAppRefusedError, subscribeSeller, unsubscribeSeller, type DecisionInputs } from './subscriptions';

/**
 * Completes the job, then queues it again if what it decided from changed while it ran. A request commits
 * its change, then enqueues: committed before the second read, the read sees it; after, its enqueue comes
 * after the completion and queues the finished job again itself. Either way one more run, none lost.
 */
async function completeOrRunAgain(ctx: AmazonContext, job: ClaimedJob<NotificationJob>, context: BatchContext<NotificationJob>, seen: DecisionInputs, result: unknown): Promise<void> {
  if ((await context.complete(job, { result })) === 0) return; // lost: another worker holds it now
  if (!decidesOtherwiseNow(seen, await decisionInputs(ctx, ctx.db, job.payload))) return;
  const payload = job.payload;
  if (payload.action === 'subscribe') await scheduleSubscribe(ctx, payload.integrationId);
  else await scheduleUnsubscribe(ctx, { sellingPartnerId: payload.sellingPartnerId, lwaClientId: payload.lwaClientId, region: payload.region });
}

export class SubscriptionWorker {
  private readonly worker: Worker;

  constructor(
    private readonly ctx: AmazonContext,
    options: { tickMs?: number } = {},
  ) {
    this.worker = new Worker(feedJobs(ctx.db), {
      id: `notifications-worker-${randomUUID()}`,
      pollMs: options.tickMs ?? 5_000,
      leaseMs: 60_000,
      log: (message, error) => ctx.logger.error(error === undefined ? {} : { err: errorSummary(error) }, `notification subscriptions: ${message}`),
    }).handle<NotificationJob>(
      NOTIFICATIONS_QUEUE,
      async (job, context) => {
        const payload = job.payload;
        try {
          const seen = await decisionInputs(ctx, ctx.db, payload);
          const result = payload.action === 'subscribe' ? await subscribeSeller(ctx, payload) : await unsubscribeSeller(ctx, payload, { last: job.attempts >= job.maxAttempts });
          await completeOrRunAgain(ctx, job, context, seen, result);
          return result;
        } catch (error) {
          if (!(error instanceof SellerAppRefusedError)) ctx.logger.warn({ job: job.key, err: errorSummary(error) }, 'notification subscription work failed; will retry');
          throw error;
        }
      },
      // Login with Amazon refusing a seller's own app won't change by retrying: failed at once, why in lastError.
      { perGroup: 1, onError: (error) => (error instanceof SellerAppRefusedError ? 'fail' : 'retry') },
    );
  }

  start(): void {
    this.worker.start();
    resumeKeptUnsubscribes(this.ctx).catch((error: unknown) =>
      this.ctx.logger.error({ err: errorSummary(error) }, 'notification subscriptions: could not queue the kept unsubscribes again'),
    );
  }

  nudge(): void {
    this.worker.wake(NOTIFICATIONS_QUEUE);
  }

  stop(): Promise<{ handedBack: number }> {
    return this.worker.stop();
  }
}
