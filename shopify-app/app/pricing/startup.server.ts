// Once per app process: the push worker (and the competitive-price monitor) start with the server.
// PRICING_WORKER=off leaves both out (a process that only serves pages); PRICING_MONITOR=off|on sets the
// monitor alone (default on, except under a test runner).
import { startMonitor } from './monitor/monitor-scheduler.server';
import { PushWorker } from './push/push-worker.server';

declare global {
  var calibrPricing: { worker: PushWorker; stopMonitor: () => Promise<void> } | undefined;
}

function numberEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export function ensurePricingStarted(): void {
  if (globalThis.calibrPricing || process.env.PRICING_WORKER === 'off') return;
  const worker = new PushWorker({
    leaseMs: numberEnv('PRICING_PUSH_LEASE_MS', 60_000),
    pollMs: numberEnv('PRICING_PUSH_POLL_MS', 2_000),
    pendingPollMs: numberEnv('PRICING_PENDING_POLL_MS', 5_000),
    batchSize: numberEnv('PRICING_PUSH_BATCH', 2_000),
    log: (message) => console.warn(message),
  });
  worker.start();
  // The monitor spends the seller's Amazon quota on a timer: under test runners (NODE_ENV=test) it runs
  // only when a test asks for it, so other suites' sandboxes see only their own traffic.
  const monitorOn = process.env.PRICING_MONITOR ? process.env.PRICING_MONITOR !== 'off' : process.env.NODE_ENV !== 'test';
  const stopMonitor = monitorOn ? startMonitor({ log: (message) => console.warn(message) }) : async () => undefined;
  globalThis.calibrPricing = { worker, stopMonitor };
}

/** For tests and shutdown: stop what ensurePricingStarted started. */
export async function stopPricing(): Promise<void> {
  const running = globalThis.calibrPricing;
  globalThis.calibrPricing = undefined;
  if (!running) return;
  await Promise.all([running.worker.stop(), running.stopMonitor()]);
}

ensurePricingStarted();
