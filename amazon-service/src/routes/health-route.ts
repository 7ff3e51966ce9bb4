// GET /health: the service is up and its database answers. No tenant data, no authentication.
import { Router } from 'express';
import type { AmazonContext } from '../amazon-context';
import { AMAZON_CONNECTOR_VERSION } from '../connector/amazon-connector';

export function healthRoute(ctx: AmazonContext): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const started = Date.now();
    try {
      await ctx.db.amazonTenant.count({ take: 1 });
      res.json({ status: 'ok', service: 'amazon-service', version: AMAZON_CONNECTOR_VERSION, database: 'ok', routed: Boolean(ctx.hooks.httpsAgent), latencyMs: Date.now() - started });
    } catch {
      res.status(503).json({ status: 'unavailable', service: 'amazon-service', database: 'unavailable' });
    }
  });
  return router;
}
