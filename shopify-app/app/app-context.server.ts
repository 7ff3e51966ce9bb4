// The app process's one context: its database client, logger, platform registry and background workers.
//
// Why one process-wide holder (on globalThis) instead of module state: the app's modules are loaded more
// than once in one process. Vite's dev server re-evaluates them on every HMR update; the server entry
// points (server/production.ts outside the build, server/start-app.ts outside Vite's module graph) and
// the tests load their own copies beside the ones serving requests. A database client or a worker per
// copy would leak connections and run the same background work twice, so each lives here, once.
//
// Nothing here is created at import: the database client and logger on first use (or handed in by the
// server entry), the workers only by startBackground() in ./startup.server.ts, which the server entry
// points call.
import type { Db } from '@calibr/db';
import type { Logger } from 'pino';
import type { PushWorker } from './pricing/push/push-worker.server';
import type { PlatformRegistry } from './platforms/registry.server';
import type { WebhookProcessor } from './platforms/shopify/webhooks/processor.server';

export interface AppContext {
  db?: Db;
  logger?: Logger;
  /** Built on first use (registry/registry.server.ts). */
  registry?: Promise<PlatformRegistry>;
  /** The webhook processor: its counters serve every process, its poller runs once startBackground started it. */
  webhooks?: WebhookProcessor;
  /** The price-push worker and the competitive monitor, while started (pricing/startup.server.ts). */
  pricing?: { worker: PushWorker; stopMonitor: () => Promise<void> };
  /** The running push worker's nudge (pricing/push/kick.ts). */
  pushKick?: () => void;
  /** Catalog syncs running in this process, by platform and shop (services/platform-sync.server.ts). */
  syncs: Map<string, unknown>;
  /** Set by startBackground: pending webhooks from before the restart being processed. */
  started?: Promise<void>;
}

declare global {
  var calibrApp: AppContext | undefined;
}

export function appContext(): AppContext {
  return (globalThis.calibrApp ??= { syncs: new Map() });
}

/** For a server entry: what the app's modules must use instead of making their own (before they load). */
export function provideAppContext(parts: Pick<AppContext, 'db' | 'logger'>): AppContext {
  return Object.assign(appContext(), parts);
}
