// GET /api/platforms/:platform/status: the connection and health of one platform, checked live.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, methodNotAllowed, platformApi } from '../platforms/platform-api.server';
import { platformView } from '../platforms/platform-status.server';

export function loader({ request, params }: LoaderFunctionArgs) {
  return platformApi(request, params.platform, async ({ projectId, registration }) => {
    const view = await platformView(projectId, registration, { live: true });
    return json({ platform: view.platform, connection: view.connection, health: view.health, sync: view.sync });
  });
}

export function action({ request, params }: ActionFunctionArgs) {
  return platformApi(request, params.platform, async () => methodNotAllowed(request, 'GET'));
}
