// One catalog sync per platform and shop at a time, across every app instance on the database: the run
// holds a lease on its PlatformIntegration row (syncRunId, syncClaimedBy, syncLeaseUntil), taken with one
// conditional UPDATE … WHERE (no lease or lease expired) as the price-change claim does (pricing/push/
// claim.server.ts), and renewed every third of the lease while the run works. On PostgreSQL two instances
// updating the row serialize on its row lock and the second re-checks the WHERE against the first one's
// committed lease; on SQLite writes are serialized anyway. So two starts at once open exactly one run, a
// start while a run is live answers with that run, and a run whose instance died (lease ran out) is closed
// as interrupted when the next one starts.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Db } from '@calibr/db';
import { ConflictError } from '@calibr/shared-contracts';
import { db as appDb } from '../db.server';
import { errorMessage, logger } from '../lib/logger.server';

/** This process, in sync lease tokens (`<instance>:<uuid>` per run). */
export const SYNC_INSTANCE_ID = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export function syncLeaseMs(): number {
  const value = Number(process.env.SYNC_LEASE_MS);
  return Number.isFinite(value) && value >= 100 ? value : 60_000;
}

export interface SyncRunStart {
  projectId: string;
  platform: string;
  /** The PlatformIntegration row that carries the lease. */
  integrationId: string;
  /** full | incremental | manual */
  syncType: string;
  db?: Db;
  instanceId?: string;
  leaseMs?: number;
}

export type SyncRunClaim =
  | { alreadyRunning: true; syncLogId: string }
  | { alreadyRunning: false; syncLogId: string; lease: SyncLease; interrupted: string[] };

const INTERRUPTED = { code: 'interrupted', message: 'the app instance running this sync stopped (its lease ran out)' };
/** What a run handed back by a graceful shutdown reads as. */
export const SHUT_DOWN = { code: 'interrupted', message: 'the app instance was shut down during this sync' };

// This process's live runs, for handBackSyncRuns on shutdown.
const live = new Set<SyncLease>();
let shuttingDown = false;

/** Opens a run under the lease, or answers with the live run that holds it. */
export async function claimSyncRun(start: SyncRunStart): Promise<SyncRunClaim> {
  const db = start.db ?? appDb;
  // A run opened now would be cut off at once: leave it to another instance.
  if (shuttingDown) throw new ConflictError(`this app instance is shutting down: start the ${start.platform} sync again`, { platform: start.platform });
  const leaseMs = start.leaseMs ?? syncLeaseMs();
  const token = `${start.instanceId ?? SYNC_INSTANCE_ID}:${randomUUID()}`;
  // A run that reads as finished but whose lease its instance has not released yet may be taken over.
  let finishedHolder: string | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const now = new Date();
    const won = await db.$transaction(async (tx) => {
      const claimed = await tx.platformIntegration.updateMany({
        where: {
          id: start.integrationId,
          OR: [{ syncLeaseUntil: null }, { syncLeaseUntil: { lt: now } }, ...(finishedHolder ? [{ syncRunId: finishedHolder }] : [])],
        },
        data: { syncClaimedBy: token, syncLeaseUntil: new Date(now.getTime() + leaseMs), syncStatus: 'in_progress', syncError: null },
      });
      if (claimed.count === 0) return null;
      // Holding the lease, no other instance runs this sync: whatever still reads "started" was cut off.
      const stale = await tx.platformSyncLog.findMany({ where: { projectId: start.projectId, platform: start.platform, status: 'started' }, select: { id: true } });
      if (stale.length > 0) {
        await tx.platformSyncLog.updateMany({
          where: { id: { in: stale.map((s) => s.id) }, status: 'started' },
          data: { status: 'failed', completedAt: now, errors: [INTERRUPTED] },
        });
      }
      const log = await tx.platformSyncLog.create({
        data: { projectId: start.projectId, integrationId: start.integrationId, platform: start.platform, syncType: start.syncType, status: 'started' },
      });
      await tx.platformIntegration.update({ where: { id: start.integrationId }, data: { syncRunId: log.id } });
      return { syncLogId: log.id, interrupted: stale.map((s) => s.id) };
    });
    if (won) return { alreadyRunning: false, ...won, lease: new SyncLease(db, start.integrationId, won.syncLogId, token, leaseMs) };

    const held = await db.platformIntegration.findUnique({ where: { id: start.integrationId }, select: { syncRunId: true, syncLeaseUntil: true } });
    if (!held) throw new ConflictError(`${start.platform} is not connected for this shop`, { platform: start.platform });
    if (held.syncRunId && held.syncLeaseUntil && held.syncLeaseUntil >= now) {
      const run = await db.platformSyncLog.findUnique({ where: { id: held.syncRunId }, select: { status: true } });
      if (run?.status === 'started') return { alreadyRunning: true, syncLogId: held.syncRunId };
      finishedHolder = held.syncRunId;
    }
    // Otherwise the lease was released or ran out between the two reads: claim again.
  }
  throw new ConflictError(`a ${start.platform} sync is starting on another instance: try again`, { platform: start.platform });
}

/** A run's hold on the sync lease: renewed in the background until released. */
export class SyncLease {
  private lostIt = false;
  private stopping = false;
  private readonly timer: NodeJS.Timeout;
  private releasedIt!: () => void;
  /** Resolves once release() has run. */
  readonly released = new Promise<void>((resolve) => (this.releasedIt = resolve));

  constructor(
    private readonly db: Db,
    readonly integrationId: string,
    readonly syncLogId: string,
    readonly token: string,
    readonly leaseMs: number,
  ) {
    this.timer = setInterval(() => void this.renew(), Math.max(Math.floor(leaseMs / 3), 50));
    this.timer.unref();
    live.add(this);
  }

  /** True once a renewal found the lease taken over (this instance stalled past its lease). */
  get lost(): boolean {
    return this.lostIt;
  }

  /** Throws once the lease is lost, so a stalled run stops instead of racing its successor. */
  assertHeld(): void {
    if (this.lostIt) throw Object.assign(new Error('another app instance took this sync over after its lease ran out'), { code: 'lease_lost' });
    if (this.stopping) throw Object.assign(new Error(SHUT_DOWN.message), { code: SHUT_DOWN.code });
  }

  /** Asks the run to stop at its next page (assertHeld throws), as the process shuts down. */
  stop(): void {
    this.stopping = true;
  }

  async renew(): Promise<boolean> {
    if (this.lostIt) return false;
    try {
      const { count } = await this.db.platformIntegration.updateMany({
        where: { id: this.integrationId, syncRunId: this.syncLogId, syncClaimedBy: this.token },
        data: { syncLeaseUntil: new Date(Date.now() + this.leaseMs) },
      });
      if (count === 0) {
        this.lostIt = true;
        clearInterval(this.timer);
        logger.warn({ syncLogId: this.syncLogId }, 'sync lease lost: another instance took the sync over');
      }
    } catch (error) {
      // The next tick tries again; the lease outlives a few missed renewals.
      logger.warn({ err: errorMessage(error), syncLogId: this.syncLogId }, 'could not renew the sync lease');
    }
    return !this.lostIt;
  }

  /** Closes the run as shut down (if still open) and frees the lease with the integration's status (if still ours). */
  async closeAsShutDown(): Promise<void> {
    await this.db.platformSyncLog.updateMany({ where: { id: this.syncLogId, status: 'started' }, data: { status: 'failed', completedAt: new Date(), errors: [SHUT_DOWN] } });
    await this.db.platformIntegration.updateMany({
      where: { id: this.integrationId, syncRunId: this.syncLogId, syncClaimedBy: this.token },
      data: { syncRunId: null, syncClaimedBy: null, syncLeaseUntil: null, syncStatus: 'error', syncError: SHUT_DOWN.message },
    });
  }

  /** Stops renewing and frees the lease (if still ours), so the next start need not wait for it to run out. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    live.delete(this);
    await this.db.platformIntegration
      .updateMany({
        where: { id: this.integrationId, syncRunId: this.syncLogId, syncClaimedBy: this.token },
        data: { syncRunId: null, syncClaimedBy: null, syncLeaseUntil: null },
      })
      .catch((error: unknown) => logger.warn({ err: errorMessage(error), syncLogId: this.syncLogId }, 'could not release the sync lease'));
    this.releasedIt();
  }
}

/**
 * Graceful shutdown: this process's runs stop at their next page and close as interrupted, and their leases
 * are freed, so another instance can start a sync at once instead of waiting for the lease to run out. A run
 * still inside a page at `deadline` is closed and released here (its late writes can't reopen the log: they
 * only touch a log still "started"). Returns how many runs were handed back.
 */
export async function handBackSyncRuns(deadline: number): Promise<number> {
  shuttingDown = true;
  const runs = [...live];
  if (runs.length === 0) return 0;
  for (const lease of runs) lease.stop();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(runs.map((lease) => lease.released)),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now())))),
  ]);
  clearTimeout(timer);
  await Promise.all(
    runs
      .filter((lease) => live.has(lease))
      .map(async (lease) => {
        await lease.closeAsShutDown().catch((error: unknown) => logger.warn({ err: errorMessage(error), syncLogId: lease.syncLogId }, 'could not close the sync run on shutdown'));
        await lease.release();
      }),
  );
  logger.info({ runs: runs.length }, 'sync runs handed back on shutdown');
  return runs.length;
}
