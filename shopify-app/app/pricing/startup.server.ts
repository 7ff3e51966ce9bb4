// Once per app process: the push worker (and the competitive-price monitor) start with the server
// (startBackground in ../startup.server.ts, called by the server entry points; never on import).
// PRICING_WORKER=off leaves both out (a process that only serves pages); PRICING_MONITOR=off|on sets the
// monitor alone (default on, except under a test runner).
import { appContext } from '../app-context.server';
import { logger } from '../lib/logger.server';
import { startMonitor } from './monitor/monitor-scheduler.server';
import { PushWorker } from './push/push-worker.server';
import { positiveNumberEnv } from '../lib/env.server';

/** Starts this process's push worker and monitor, unless started already or PRICING_WORKER=off. */
export function startPricing(): void {
  const context = appContext();
  if (context.pricing || process.env.PRICING_WORKER === 'off') return;
  const log = logger.child({ component: 'pricing' });
  const worker = new PushWorker({
    leaseMs: positiveNumberEnv('PRICING_PUSH_LEASE_MS', 60_000),
    pollMs: positiveNumberEnv('PRICING_PUSH_POLL_MS', 2_000),
    // Unset: each connector's own capabilities.pendingPollMs.
    ...(process.env.PRICING_PENDING_POLL_MS ? { pendingPollMs: positiveNumberEnv('PRICING_PENDING_POLL_MS', 5_000) } : {}),
    batchSize: positiveNumberEnv('PRICING_PUSH_BATCH', 2_000),
    log: (message) => log.warn(message),
  });
  worker.start();
  // The monitor spends the seller's Amazon quota on a timer: under test runners (NODE_ENV=test) it runs
  // only when a test asks for it, so other suites' sandboxes see only their own traffic.
  const monitorOn = process.env.PRICING_MONITOR ? process.env.PRICING_MONITOR !== 'off' : process.env.NODE_ENV !== 'test';
  const stopMonitor = monitorOn ? startMonitor({ log: (message) => log.warn(message) }) : async () => undefined;
  context.pricing = { worker, stopMonitor };
}

/**
 * For tests and shutdown: stop what startPricing started. The worker finishes the round it is in.
 * With a `deadline` (epoch ms) a round still running then is cut short: the changes this instance holds
 * are handed back to the job engine, so another instance takes them at once instead of after the lease.
 * That is safe: an attempt already sent is `pending` (in doubt) and is sent again under the same
 * idempotency key, which the platform answers from its record.
 */
export async function stopPricing(deadline?: number): Promise<{ handedBack: number }> {
  const context = appContext();
  const running = context.pricing;
  context.pricing = undefined;
  if (!running) return { handedBack: 0 };
  let timer: NodeJS.Timeout | undefined;
  const monitor =
    deadline === undefined
      ? running.stopMonitor()
      : Promise.race([running.stopMonitor(), new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
  const [{ handedBack }] = await Promise.all([running.worker.stop(deadline === undefined ? {} : { deadline }), monitor]);
  clearTimeout(timer);
  if (handedBack > 0) logger.warn({ handedBack, instanceId: running.worker.instanceId }, 'shutdown deadline: handed this instance’s price changes back');
  return { handedBack };
}
