// Progress of long work for the console: the push (changes and each platform's attempts by status) and
// background jobs (imports, the monitor's turns).
import { db } from '../db.server';

export interface PushProgress {
  changes: Record<string, number>;
  attempts: Record<string, Record<string, number>>;
  /** Changes not settled yet (approved or pushing). */
  open: number;
  jobs: Array<{ id: string; kind: string; status: string; progressDone: number; progressTotal: number | null; error: string | null; updatedAt: string }>;
}

export async function pushProgress(projectId: string): Promise<PushProgress> {
  const [changes, attempts, jobs] = await Promise.all([
    db.priceChange.groupBy({ by: ['status'], where: { projectId }, _count: { _all: true } }),
    db.priceChangeAttempt.groupBy({ by: ['platform', 'status'], where: { projectId, priceChange: { status: { in: ['approved', 'pushing'] } } }, _count: { _all: true } }),
    db.backgroundJob.findMany({ where: { projectId, kind: { not: 'pricing.monitor' } }, orderBy: { createdAt: 'desc' }, take: 10 }),
  ]);
  const byStatus = Object.fromEntries(changes.map((c) => [c.status, c._count._all]));
  const byPlatform: Record<string, Record<string, number>> = {};
  for (const a of attempts) (byPlatform[a.platform] ??= {})[a.status] = a._count._all;
  return {
    changes: byStatus,
    attempts: byPlatform,
    open: (byStatus.approved ?? 0) + (byStatus.pushing ?? 0),
    jobs: jobs.map((j) => ({ id: j.id, kind: j.kind, status: j.status, progressDone: j.progressDone, progressTotal: j.progressTotal, error: j.error, updatedAt: j.updatedAt.toISOString() })),
  };
}
