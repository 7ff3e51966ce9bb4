// POST /api/integrations/shopify/sync {mode?: "full" | "incremental", strategy?: "auto" | "paginated" | "bulk"}:
// start a product sync (202 with
// its id; a sync already running is returned instead of starting another).
// GET /api/integrations/shopify/sync[?id=]: that sync's (or the latest one's) progress.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { ConnectorError, NotFoundError, ValidationError } from '@calibr/shared-contracts';
import { db } from '../db.server';
import { apiRoute, json } from '../lib/api-auth.server';
import { problem } from '../lib/problem';
import { readJsonBody } from '../lib/request-body.server';
import { startShopifySync, type SyncStrategy } from '../platforms/shopify/catalog-sync.server';

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return problem(new ConnectorError('validation', 'Use POST to start a sync'), new URL(request.url).pathname);
  return apiRoute(request, async ({ projectId }) => {
    const body = await readJsonBody(request);
    if (body.mode !== undefined && body.mode !== 'full' && body.mode !== 'incremental') {
      throw ValidationError.field('mode', 'must be "full" or "incremental"');
    }
    if (body.strategy !== undefined && !['auto', 'paginated', 'bulk'].includes(String(body.strategy))) {
      throw ValidationError.field('strategy', 'must be "auto", "paginated" or "bulk"');
    }
    const handle = await startShopifySync(projectId, {
      ...(body.mode ? { mode: body.mode as 'full' | 'incremental' } : {}),
      ...(body.strategy ? { strategy: body.strategy as SyncStrategy } : {}),
      trigger: 'manual',
    });
    return json({ syncId: handle.syncLogId, alreadyRunning: handle.alreadyRunning }, { status: 202 });
  });
}

export async function loader({ request }: LoaderFunctionArgs) {
  return apiRoute(request, async ({ projectId }) => {
    const id = new URL(request.url).searchParams.get('id');
    const log = await db.platformSyncLog.findFirst({
      where: { projectId, platform: 'shopify', ...(id ? { id } : {}) },
      orderBy: { startedAt: 'desc' },
    });
    if (!log) throw new NotFoundError('No sync found', { resource: 'sync', ...(id ? { resourceId: id } : {}) });
    return json({
      syncId: log.id,
      type: log.syncType,
      status: log.status,
      startedAt: log.startedAt.toISOString(),
      completedAt: log.completedAt?.toISOString() ?? null,
      itemsSynced: log.itemsSynced,
      itemsFailed: log.itemsFailed,
      errors: log.errors ?? [],
    });
  });
}
