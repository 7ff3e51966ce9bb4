// Catalog syncs for any registered platform. A platform with its own sync service (Shopify) runs it;
// every other one goes through the generic runner: open a PlatformSyncLog run, page through
// `products.sync` (the connector's events fill the log), store each page's listings in the app's tables,
// then link the shop's listings across platforms by SKU. One run per platform and shop at a time, across
// every app instance on the database (the lease in sync-lease.server.ts).
import type { Prisma } from '@calibr/db';
import { ConflictError, ValidationError, type SyncMode } from '@calibr/shared-contracts';
import { appContext } from '../app-context.server';
import { db } from '../db.server';
import type { AppPlatformRegistration, SyncHandle, SyncStart } from './platform-registration';
import { getPlatformRegistry } from './registry.server';
import { integrationRow } from './platform-integrations.server';
import { markUnseenPlatformListingsDeleted, storePlatformListings } from './platform-listings.server';
import { autoLinkBySku } from './product-links.server';
import { claimSyncRun, type SyncLease } from './sync-lease.server';

const PAGE_SIZE = 50;

interface RunningSync {
  /** The run's log id, once its row exists. */
  logId: Promise<string>;
  done: Promise<void>;
}

// Runs in this process (one map per process: app-context.server.ts).
const running = appContext().syncs as Map<string, RunningSync>;
const keyOf = (platform: string, projectId: string) => `${platform}\u0000${projectId}`;

export interface StartSyncOptions {
  mode?: SyncMode;
  trigger?: SyncStart['trigger'];
}

export async function startPlatformSync(projectId: string, platform: string, options: StartSyncOptions = {}): Promise<SyncHandle & { mode: SyncMode }> {
  const registry = await getPlatformRegistry();
  const registration = registry.registration(platform);
  const name = registration.descriptor.displayName;
  if (!registration.descriptor.capabilities.productSync) throw new ValidationError(`${name} does not sync products`);
  const row = await integrationRow(projectId, platform);
  if (row?.status !== 'connected') throw new ConflictError(`${name} is not connected for this shop: connect it first`, { platform });
  const mode: SyncMode = options.mode ?? (row.lastSyncAt ? 'incremental' : 'full');
  const start: SyncStart = { mode, trigger: options.trigger ?? 'manual' };

  if (registration.startSync) {
    const handle = await registration.startSync(projectId, start);
    return { ...handle, mode };
  }
  const key = keyOf(platform, projectId);
  const current = running.get(key);
  if (current) {
    const logId = await current.logId;
    const log = await db.platformSyncLog.findUnique({ where: { id: logId }, select: { status: true } });
    if (log?.status === 'started') return { syncLogId: logId, alreadyRunning: true, mode };
    // The run already reads as finished (its connector closed it) and is only tidying up: let it end,
    // then start the run asked for rather than answer with the finished one.
    await current.done;
    return startPlatformSync(projectId, platform, options);
  }

  // Take this process's slot before the first await, so two requests here at once share one answer;
  // the lease (sync-lease.server.ts) decides across instances.
  let opened!: (logId: string) => void;
  let refused!: (error: unknown) => void;
  const logId = new Promise<string>((resolve, reject) => {
    opened = resolve;
    refused = reject;
  });
  logId.catch(() => undefined);
  let lease: SyncLease | undefined;
  const slot: RunningSync = {
    logId,
    done: logId.then(
      // Only a run this process opened is run here; another instance's live run is only answered with.
      (id) => (lease ? run(registration, lease, projectId, id, mode, row.metadata, row.lastSyncAt).finally(() => lease!.release()) : undefined),
      () => undefined,
    ),
  };
  running.set(key, slot);
  void slot.done.finally(() => {
    if (running.get(key) === slot) running.delete(key);
  });
  try {
    const claim = await claimSyncRun({ projectId, platform, integrationId: row.id, syncType: start.trigger === 'manual' && mode === 'full' ? 'manual' : mode });
    if (claim.alreadyRunning) {
      opened(claim.syncLogId);
      return { syncLogId: claim.syncLogId, alreadyRunning: true, mode };
    }
    lease = claim.lease;
    registry.syncLog.claim(platform, projectId, claim.syncLogId);
    opened(claim.syncLogId);
    return { syncLogId: claim.syncLogId, alreadyRunning: false, mode };
  } catch (error) {
    refused(error);
    throw error;
  }
}

/** Resolves when this process's run of the platform for the shop (if any) has finished. */
export async function waitForPlatformSync(projectId: string, platform: string): Promise<void> {
  await running.get(keyOf(platform, projectId))?.done;
}

interface SyncMetadata {
  checkpoint?: string;
  lastSync?: { mode: SyncMode; products: number; listings: number; deleted: number };
}

function readMetadata(value: Prisma.JsonValue | null): SyncMetadata {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as SyncMetadata) : {};
}

async function run(
  registration: AppPlatformRegistration,
  lease: SyncLease,
  projectId: string,
  logId: string,
  mode: SyncMode,
  metadata: Prisma.JsonValue | null,
  lastSyncAt: Date | null,
): Promise<void> {
  const registry = await getPlatformRegistry();
  const { platform } = registration.descriptor;
  const startedAt = new Date();
  const seen = { itemsSynced: 0, itemsFailed: 0, products: 0, listings: 0 };
  const previous = readMetadata(metadata);
  const since = mode === 'incremental' ? (previous.checkpoint ?? lastSyncAt?.toISOString()) : undefined;
  try {
    const connector = await registry.connector(platform, projectId);
    let cursor: string | undefined;
    let checkpoint: string | undefined;
    do {
      lease.assertHeld();
      const page = await connector.products.sync({ mode, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}), ...(since ? { since } : {}) });
      await storePlatformListings(projectId, platform, page.products, startedAt);
      seen.itemsSynced += page.itemsSynced;
      seen.itemsFailed += page.itemsFailed;
      seen.products += page.products.length;
      seen.listings += page.products.reduce((n, p) => n + p.listings.length, 0);
      await registry.syncLog.addErrors(platform, projectId, logId, page.errors);
      cursor = page.nextCursor ?? undefined;
      if (!cursor) checkpoint = page.checkpoint;
    } while (cursor);
    const deleted = mode === 'full' ? await markUnseenPlatformListingsDeleted(projectId, platform, startedAt) : 0;
    const next: SyncMetadata = { ...previous, ...(checkpoint ? { checkpoint } : {}), lastSync: { mode, products: seen.products, listings: seen.listings, deleted } };
    await db.platformIntegration.update({
      where: { projectId_platform: { projectId, platform } },
      data: { metadata: next as Prisma.InputJsonValue },
    });
    await autoLinkBySku(projectId);
    // Closed last: once the run reads as completed, this process no longer counts it as running, so a
    // sync asked for right after starts a new run instead of answering with this finished one.
    await registry.syncLog.settle(platform, projectId);
    await registry.syncLog.ensureClosed(platform, projectId, logId, seen);
  } catch (error) {
    await registry.syncLog.settle(platform, projectId);
    const code = (error as { code?: unknown }).code;
    await registry.syncLog.fail(platform, projectId, logId, {
      code: typeof code === 'string' ? code : 'sync_failed',
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

export interface SyncRunView {
  id: string;
  platform: string;
  /** full | incremental | manual */
  type: string;
  /** started | completed | failed */
  status: string;
  startedAt: string;
  completedAt: string | null;
  durationMs: number | null;
  itemsSynced: number;
  itemsFailed: number;
  errors: Array<{ externalId?: string; code: string; message: string }>;
}

export function syncRunView(row: Prisma.PlatformSyncLogGetPayload<object>): SyncRunView {
  return {
    id: row.id,
    platform: row.platform,
    type: row.syncType,
    status: row.status,
    startedAt: row.startedAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    durationMs: row.completedAt ? row.completedAt.getTime() - row.startedAt.getTime() : null,
    itemsSynced: row.itemsSynced,
    itemsFailed: row.itemsFailed,
    errors: Array.isArray(row.errors) ? (row.errors as unknown as SyncRunView['errors']) : [],
  };
}

/** The shop's recent sync runs, newest first (one platform, or all). */
export async function syncHistory(projectId: string, options: { platform?: string; limit?: number; id?: string } = {}): Promise<SyncRunView[]> {
  const rows = await db.platformSyncLog.findMany({
    where: { projectId, ...(options.platform ? { platform: options.platform } : {}), ...(options.id ? { id: options.id } : {}) },
    orderBy: { startedAt: 'desc' },
    take: Math.min(Math.max(options.limit ?? 20, 1), 100),
  });
  return rows.map(syncRunView);
}
