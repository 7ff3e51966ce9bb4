// Process health for load balancers and orchestrators, beside the richer GET /health:
//   GET /healthz  liveness: the process is up (no database call)
//   GET /readyz   readiness: the database answers and every committed migration is applied; 503 while
//                 the process drains on shutdown, so the balancer stops sending it requests.
import { committedMigrations, providerOf, type Db } from '@calibr/db';
import { Router } from 'express';
import { errorSummary } from './log-errors';

export interface Drain {
  draining: boolean;
}

export async function readiness(db: Db): Promise<{ ok: boolean; detail: Record<string, unknown> }> {
  try {
    const rows = await db.$queryRawUnsafe<Array<{ migration_name: string }>>(
      'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    const missing = committedMigrations(providerOf(db))
      .map((m) => m.name)
      .filter((name) => !applied.has(name));
    return missing.length === 0 ? { ok: true, detail: { database: 'ok', migrations: 'applied' } } : { ok: false, detail: { database: 'ok', migrations: 'pending', missing } };
  } catch (error) {
    return { ok: false, detail: { database: 'unavailable', error: errorSummary(error, 120) } };
  }
}

export function healthEndpoints(db: Db, drain: Drain): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: 'amazon-service', pid: process.pid, uptimeSeconds: Math.round(process.uptime()) });
  });
  router.get('/readyz', async (_req, res) => {
    if (drain.draining) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    const { ok, detail } = await readiness(db);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', ...detail });
  });
  return router;
}
