// Runs the subscribe / unsubscribe jobs (queue amazon.notifications on AmazonJob): failures are retried
// with the engine's backoff (Amazon unreachable, throttled), a restart resumes them.
import { randomUUID } from 'node:crypto';
import { Worker } from '@calibr/jobs';
import type { AmazonContext } from '../amazon-context';
import { feedJobs } from '../feeds/feed-jobs';
import { errorSummary } from '../log-errors';
import { NOTIFICATIONS_QUEUE, type NotificationJob } from './subscription-jobs';
import { subscribeSeller, unsubscribeSeller } from './subscriptions';

export class SubscriptionWorker {
  private readonly worker: Worker;

  constructor(ctx: AmazonContext, options: { tickMs?: number } = {}) {
    this.worker = new Worker(feedJobs(ctx.db), {
      id: `notifications-worker-${randomUUID()}`,
      pollMs: options.tickMs ?? 5_000,
      leaseMs: 60_000,
      log: (message, error) => ctx.logger.error(error === undefined ? {} : { err: errorSummary(error) }, `notification subscriptions: ${message}`),
    }).handle<NotificationJob>(NOTIFICATIONS_QUEUE, async (job) => {
      const payload = job.payload;
      try {
        return payload.action === 'subscribe' ? await subscribeSeller(ctx, payload) : await unsubscribeSeller(ctx, payload);
      } catch (error) {
        ctx.logger.warn({ job: job.key, err: errorSummary(error) }, 'notification subscription work failed; will retry');
        throw error;
      }
    });
  }

  start(): void {
    this.worker.start();
  }

  nudge(): void {
    this.worker.wake(NOTIFICATIONS_QUEUE);
  }

  stop(): Promise<{ handedBack: number }> {
    return this.worker.stop();
  }
}
