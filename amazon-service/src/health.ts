// Process health for load balancers and orchestrators, beside the richer GET /health:
//   GET /healthz  liveness: the process is up (no database call)
//   GET /readyz   readiness: the database answers and every one of the service's migrations is applied; 503 while
//                 the process drains on shutdown, so the balancer stops sending it requests.
import { databaseReadiness } from '@calibr/db';
import { amazonSchema, type AmazonDb } from './database/amazon-db';
import { Router } from 'express';
import { errorSummary } from './log-errors';

export interface Drain {
  draining: boolean;
}

/**
 * `notifications`: the notification queue's detail (state, lag, error counts), shown by /readyz; a queue
 * that is down doesn't make the service unready (feeds are polled meanwhile).
 */
export function healthEndpoints(db: AmazonDb, drain: Drain, notifications?: () => Record<string, unknown>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: 'amazon-service', pid: process.pid, uptimeSeconds: Math.round(process.uptime()) });
  });
  router.get('/readyz', async (_req, res) => {
    if (drain.draining) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    const { ok, detail } = await databaseReadiness(db, (error) => errorSummary(error, 120), amazonSchema);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', ...detail, ...(notifications ? { notifications: notifications() } : {}) });
  });
  return router;
}
