// Runs the subscribe / unsubscribe jobs (queue amazon.notifications on AmazonJob): failures are retried
// with the engine's backoff (Amazon unreachable, throttled), a restart resumes them; Login with Amazon
// refusing a seller's own app fails one at once.
import { randomUUID } from 'node:crypto';
import { Worker } from '@calibr/jobs';
import type { AmazonContext } from '../amazon-context';
import { feedJobs } from '../feeds/feed-jobs';
import { errorSummary } from '../log-errors';
import { NOTIFICATIONS_QUEUE, resumeKeptUnsubscribes, type NotificationJob } from './subscription-jobs';
import { SellerAppRefusedError, subscribeSeller, unsubscribeSeller } from './subscriptions';

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
          if (payload.action === 'subscribe') return await subscribeSeller(ctx, payload);
          const outcome = await unsubscribeSeller(ctx, payload, { last: job.attempts >= job.maxAttempts });
          // Another shop let go of the seller's own app meanwhile: once more, with the secret kept since.
          if (outcome.again) await context.reschedule(job, new Date(), { result: outcome });
          return outcome;
        } catch (error) {
          if (!(error instanceof SellerAppRefusedError)) ctx.logger.warn({ job: job.key, err: errorSummary(error) }, 'notification subscription work failed; will retry');
          throw error;
        }
      },
      // Login with Amazon refusing a seller's own app won't change by retrying: failed at once, why in lastError.
      { onError: (error) => (error instanceof SellerAppRefusedError ? 'fail' : 'retry') },
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
