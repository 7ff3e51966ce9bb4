// POST /api/platforms/:platform/sync {mode?: "full" | "incremental"}: start a catalog sync (202 with the
// run's id; a run already going is returned instead of starting another).
// GET /api/platforms/:platform/sync[?id=&limit=]: the platform's sync history for the shop, newest first
// (each run's type, start, end, items synced and failed, errors).
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { NotFoundError, ValidationError } from '@calibr/shared-contracts';
import { json, methodNotAllowed, platformApi } from '../platforms/platform-api.server';
import { readJsonBody } from '../lib/request-body.server';
import { queryCount } from '../lib/route-params.server';
import { startPlatformSync, syncHistory } from '../platforms/platform-sync.server';

export function action({ request, params }: ActionFunctionArgs) {
  return platformApi(request, params.platform, async ({ projectId, platform }) => {
    if (request.method !== 'POST') return methodNotAllowed(request, 'GET, POST');
    const body = await readJsonBody(request);
    if (body.mode !== undefined && body.mode !== 'full' && body.mode !== 'incremental') {
      throw ValidationError.field('mode', 'must be "full" or "incremental"', 'invalid_enum');
    }
    const handle = await startPlatformSync(projectId, platform, { ...(body.mode ? { mode: body.mode as 'full' | 'incremental' } : {}), trigger: 'manual' });
    return json({ syncId: handle.syncLogId, mode: handle.mode, alreadyRunning: handle.alreadyRunning }, { status: 202 });
  });
}

export function loader({ request, params }: LoaderFunctionArgs) {
  return platformApi(request, params.platform, async ({ projectId, platform }) => {
    const url = new URL(request.url);
    const id = url.searchParams.get('id') ?? undefined;
    const runs = await syncHistory(projectId, { platform, ...(id ? { id } : {}), limit: queryCount(url.searchParams, 'limit', 100) ?? 20 });
    if (id && runs.length === 0) throw new NotFoundError(`No sync run ${id}`, { resource: 'sync', resourceId: id });
    return json(id ? runs[0] : { platform, runs });
  });
}
