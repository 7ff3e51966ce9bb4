// GET /api/platforms/registry: the registered connectors and their health for the session's shop. For a
// remote connector it also asks the service what it really serves (/connector/info) and says whether
// that matches what the app expects.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, methodNotAllowed, shopApi } from '../platforms/platform-api.server';
import { registryViews } from '../platforms/platform-registry-view.server';

export function loader({ request }: LoaderFunctionArgs) {
  return shopApi(request, async ({ projectId, registry }) => json({ connectors: await registryViews(registry, projectId) }));
}

export function action({ request }: ActionFunctionArgs) {
  return shopApi(request, async () => methodNotAllowed(request, 'GET'));
}
