// Progress of long work for the console: the push (changes and each platform's attempts by status),
// platform syncs still running (a full sync of a large catalog takes minutes) and background jobs
// (imports). The console polls GET /api/pricing/progress while any of it is open.
import { db } from '../db.server';

export interface PushProgress {
  changes: Record<string, number>;
  attempts: Record<string, Record<string, number>>;
  /** Changes not settled yet (approved or pushing). */
  open: number;
  jobs: Array<{ id: string; kind: string; status: string; progressDone: number; progressTotal: number | null; error: string | null; updatedAt: string }>;
  /** Platform syncs still running (started in the last hours; an older one died with its process). */
  syncs: Array<{ id: string; platform: string; syncType: string; itemsSynced: number; itemsTotal: number | null; startedAt: string }>;
}

const SYNC_STALE_MS = 6 * 3600_000;

export async function pushProgress(projectId: string): Promise<PushProgress> {
  const [changes, attempts, jobs, syncs] = await Promise.all([
    db.priceChange.groupBy({ by: ['status'], where: { projectId }, _count: { _all: true } }),
    db.priceChangeAttempt.groupBy({ by: ['platform', 'status'], where: { projectId, priceChange: { status: { in: ['approved', 'pushing'] } } }, _count: { _all: true } }),
    db.backgroundJob.findMany({ where: { projectId }, orderBy: { createdAt: 'desc' }, take: 10 }),
    db.platformSyncLog.findMany({ where: { projectId, status: 'started', startedAt: { gt: new Date(Date.now() - SYNC_STALE_MS) } }, orderBy: { startedAt: 'desc' }, take: 10 }),
  ]);
  const byStatus = Object.fromEntries(changes.map((c) => [c.status, c._count._all]));
  const byPlatform: Record<string, Record<string, number>> = {};
  for (const a of attempts) (byPlatform[a.platform] ??= {})[a.status] = a._count._all;
  return {
    changes: byStatus,
    attempts: byPlatform,
    open: (byStatus.approved ?? 0) + (byStatus.pushing ?? 0),
    jobs: jobs.map((j) => ({ id: j.id, kind: j.kind, status: j.status, progressDone: j.progressDone, progressTotal: j.progressTotal, error: j.error, updatedAt: j.updatedAt.toISOString() })),
    syncs: syncs.map((r) => ({ id: r.id, platform: r.platform, syncType: r.syncType, itemsSynced: r.itemsSynced, itemsTotal: r.itemsTotal, startedAt: r.startedAt.toISOString() })),
  };
}
