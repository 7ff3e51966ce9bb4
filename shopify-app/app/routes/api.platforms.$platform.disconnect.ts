// POST /api/platforms/:platform/disconnect: the platform forgets the shop's credentials, the integration
// is marked disconnected. Shopify is disconnected by uninstalling the app (409).
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { disconnectPlatform } from '../platforms/platform-connections.server';
import { json, methodNotAllowed, platformApi } from '../platforms/platform-api.server';
import { platformView } from '../platforms/platform-status.server';

export function action({ request, params }: ActionFunctionArgs) {
  return platformApi(request, params.platform, async ({ projectId, platform, registration }) => {
    if (request.method !== 'POST') return methodNotAllowed(request, 'POST');
    await disconnectPlatform(projectId, platform);
    return json({ outcome: 'disconnected', platform: await platformView(projectId, registration, { live: false }) });
  });
}

export function loader({ request, params }: LoaderFunctionArgs) {
  return platformApi(request, params.platform, async () => methodNotAllowed(request, 'POST'));
}
