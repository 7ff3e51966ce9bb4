// One catalog sync per platform and shop at a time, across every app instance on the database, on the job
// engine (@calibr/jobs): each (platform, shop) has one job, `run` in the queue `platform.sync:<platform>:
// <projectId>`. Starting a sync enqueues it again (exactly once: a live job is left as it is) and claims it
// with a lease; the instance that gets the claim opens the run (a PlatformSyncLog row) and works it in
// this process, renewing the lease while it does. Another start finds the job held: it answers with the
// run that reads "started". A run whose instance died (its lease ran out) is claimable again: the next
// start takes it over and closes the dead run as interrupted. The run's end completes the job.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Db } from '@calibr/db';
import type { ClaimedJob, Jobs } from '@calibr/jobs';
import { ConflictError } from '@calibr/shared-contracts';
import { db as appDb } from '../db.server';
import { jobsOn } from '../jobs.server';
import { errorMessage, logger } from '../lib/logger.server';

/** This process, in sync claims (`<instance>/<nonce>` per run). */
export const SYNC_INSTANCE_ID = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export function syncLeaseMs(): number {
  const value = Number(process.env.SYNC_LEASE_MS);
  return Number.isFinite(value) && value >= 100 ? value : 60_000;
}

/** The queue of one platform's sync for one shop: its one job is the live (or last) run. */
export function syncQueue(platform: string, projectId: string): string {
  return `platform.sync:${platform}:${projectId}`;
}
export const SYNC_JOB_KEY = 'run';

export interface SyncRunStart {
  projectId: string;
  platform: string;
  /** The PlatformIntegration row whose sync status the run keeps. */
  integrationId: string;
  /** full | incremental | manual */
  syncType: string;
  db?: Db;
  /** The engine (default: the app's, on `db`). */
  jobs?: Jobs;
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

/** Opens a run under the job's lease, or answers with the live run that holds it. */
export async function claimSyncRun(start: SyncRunStart): Promise<SyncRunClaim> {
  const db = start.db ?? appDb;
  const jobs = start.jobs ?? jobsOn();
  // A run opened now would be cut off at once: leave it to another instance.
  if (shuttingDown) throw new ConflictError(`this app instance is shutting down: start the ${start.platform} sync again`, { platform: start.platform });
  const leaseMs = start.leaseMs ?? syncLeaseMs();
  const queue = syncQueue(start.platform, start.projectId);
  for (let attempt = 0; attempt < 8; attempt++) {
    // Queued again only when the last run's job is finished; a live one (even one whose lease ran out) stays.
    await jobs.enqueue({ queue, key: SYNC_JOB_KEY, groupKey: `shop:${start.projectId}`, payload: { integrationId: start.integrationId }, again: true });
    const [job] = await jobs.claim(queue, { workerId: start.instanceId ?? SYNC_INSTANCE_ID, leaseMs, limit: 1 });
    if (job) {
      const opened = await openRun(db, start, jobs.now()).catch(async (error: unknown) => {
        await jobs.release(job).catch(() => undefined);
        throw error;
      });
      return { alreadyRunning: false, ...opened, lease: new SyncLease(jobs, db, job, start.integrationId, opened.syncLogId, leaseMs) };
    }
    // Held by a live lease: answer with its run.
    const run = await db.platformSyncLog.findFirst({ where: { projectId: start.projectId, platform: start.platform, status: 'started' }, orderBy: { startedAt: 'desc' }, select: { id: true } });
    if (run) return { alreadyRunning: true, syncLogId: run.id };
    // Its holder has not opened the run yet, or the run reads finished and its holder is tidying up: it
    // lets go in a moment.
    await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
  }
  throw new ConflictError(`a ${start.platform} sync is starting or finishing on another instance: try again`, { platform: start.platform });
}

/** Holding the job, no other instance runs this sync: whatever still reads "started" was cut off. */
async function openRun(db: Db, start: SyncRunStart, now: Date): Promise<{ syncLogId: string; interrupted: string[] }> {
  return db.$transaction(async (tx) => {
    const stale = await tx.platformSyncLog.findMany({ where: { projectId: start.projectId, platform: start.platform, status: 'started' }, select: { id: true } });
    if (stale.length > 0) {
      await tx.platformSyncLog.updateMany({ where: { id: { in: stale.map((s) => s.id) }, status: 'started' }, data: { status: 'failed', completedAt: now, errors: [INTERRUPTED] } });
    }
    const log = await tx.platformSyncLog.create({
      data: { projectId: start.projectId, integrationId: start.integrationId, platform: start.platform, syncType: start.syncType, status: 'started' },
    });
    await tx.platformIntegration.update({ where: { id: start.integrationId }, data: { syncStatus: 'in_progress', syncError: null } });
    return { syncLogId: log.id, interrupted: stale.map((s) => s.id) };
  });
}

/** A run's hold on its sync job: the lease renewed in the background until released. */
export class SyncLease {
  private lostIt = false;
  private stopping = false;
  private readonly timer: NodeJS.Timeout;
  private releasedIt!: () => void;
  /** Resolves once release() has run. */
  readonly released = new Promise<void>((resolve) => (this.releasedIt = resolve));

  constructor(
    private readonly jobs: Jobs,
    private readonly db: Db,
    readonly job: ClaimedJob,
    readonly integrationId: string,
    readonly syncLogId: string,
    readonly leaseMs: number,
  ) {
    this.timer = setInterval(() => void this.renew(), Math.max(Math.floor(leaseMs / 3), 50));
    this.timer.unref();
    live.add(this);
  }

  /** True once a renewal found the job taken over (this instance stalled past its lease). */
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
      const held = await this.jobs.renew([this.job], this.leaseMs);
      if (!held.has(this.job.id)) {
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

  /** Closes the run as shut down (if still open) and, while the job is still ours, the integration's status. */
  async closeAsShutDown(): Promise<void> {
    await this.db.platformSyncLog.updateMany({ where: { id: this.syncLogId, status: 'started' }, data: { status: 'failed', completedAt: new Date(), errors: [SHUT_DOWN] } });
    if (this.lostIt) return;
    await this.db.platformIntegration.updateMany({ where: { id: this.integrationId, syncStatus: 'in_progress' }, data: { syncStatus: 'error', syncError: SHUT_DOWN.message } });
  }

  /** Stops renewing and completes the job (if still ours), so the next start opens a run at once. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    live.delete(this);
    await this.jobs
      .complete(this.job, { result: { syncLogId: this.syncLogId } })
      .catch((error: unknown) => logger.warn({ err: errorMessage(error), syncLogId: this.syncLogId }, 'could not release the sync lease'));
    this.releasedIt();
  }
}

/**
 * Graceful shutdown: this process's runs stop at their next page and close as interrupted, and their jobs
 * complete, so another instance can start a sync at once instead of waiting for the lease to run out. A run
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
