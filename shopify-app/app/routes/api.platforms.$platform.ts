// GET /api/platforms/:platform: one platform for the session's shop (live: connection and health asked
// of the connector under a deadline). An unregistered platform is a 404 problem.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, methodNotAllowed, platformApi } from '../platforms/platform-api.server';
import { platformView } from '../platforms/platform-status.server';

export function loader({ request, params }: LoaderFunctionArgs) {
  return platformApi(request, params.platform, async ({ projectId, registration }) => {
    const live = new URL(request.url).searchParams.get('live') !== '0';
    return json(await platformView(projectId, registration, { live }));
  });
}

export function action({ request, params }: ActionFunctionArgs) {
  return platformApi(request, params.platform, async () => methodNotAllowed(request, 'GET'));
}
