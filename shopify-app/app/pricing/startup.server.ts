// Once per app process: the push worker (and the competitive-price monitor) start with the server.
// PRICING_WORKER=off leaves both out (a process that only serves pages); PRICING_MONITOR=off|on sets the
// monitor alone (default on, except under a test runner).
import { db } from '../db.server';
import { errorMessage, logger } from '../lib/logger.server';
import { startMonitor } from './monitor/monitor-scheduler.server';
import { PushWorker } from './push/push-worker.server';
import { positiveNumberEnv } from '../lib/env.server';

declare global {
  var calibrPricing: { worker: PushWorker; stopMonitor: () => Promise<void> } | undefined;
}

export function ensurePricingStarted(): void {
  if (globalThis.calibrPricing || process.env.PRICING_WORKER === 'off') return;
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
  globalThis.calibrPricing = { worker, stopMonitor };
}

/**
 * For tests and shutdown: stop what ensurePricingStarted started. The worker finishes the round it is in
 * (every change it claimed is settled or released by the worker itself). With a `deadline` (epoch ms) a
 * round still running then is cut short: this instance's claims are released, so another instance takes
 * those changes at once instead of after the lease. That is safe: an attempt already sent is `pending`
 * (in doubt) and is sent again under the same idempotency key, which the platform answers from its record.
 */
export async function stopPricing(deadline?: number): Promise<{ handedBack: number }> {
  const running = globalThis.calibrPricing;
  globalThis.calibrPricing = undefined;
  if (!running) return { handedBack: 0 };
  const stopped = Promise.all([running.worker.stop(), running.stopMonitor()]).then(() => true);
  if (deadline === undefined) {
    await stopped;
    return { handedBack: 0 };
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  const finished = await Promise.race([stopped, timedOut]);
  clearTimeout(timer);
  if (finished) return { handedBack: 0 };
  // Claim tokens are `<instanceId>:<uuid>`; a change whose claim we release goes back to `pushing` with no lease.
  const { count } = await db.priceChange
    .updateMany({ where: { claimedBy: { startsWith: `${running.worker.instanceId}:` } }, data: { claimedBy: null, leaseUntil: null } })
    .catch((error: unknown) => {
      logger.error({ err: errorMessage(error) }, 'releasing price-change claims failed; they return when their lease runs out');
      return { count: 0 };
    });
  logger.warn({ handedBack: count, instanceId: running.worker.instanceId }, 'shutdown deadline: released this instance’s price-change claims');
  return { handedBack: count };
}

ensurePricingStarted();
