// GET /api/platforms/:platform/settings: a fresh link to the platform's own settings page (Amazon's, on
// the Amazon service), signed for this shop and short-lived. 404 for a platform without one.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { NotFoundError } from '@calibr/shared-contracts';
import { json, methodNotAllowed, platformApi } from '../platforms/platform-api.server';

export function loader({ request, params }: LoaderFunctionArgs) {
  return platformApi(request, params.platform, async ({ shop, registration }) => {
    if (!registration.settingsLink) {
      throw new NotFoundError(`${registration.descriptor.displayName} has no settings page outside the app`, { resource: 'settings_page' });
    }
    return json(registration.settingsLink(shop), { headers: { 'Cache-Control': 'no-store' } });
  });
}

export function action({ request, params }: ActionFunctionArgs) {
  return platformApi(request, params.platform, async () => methodNotAllowed(request, 'GET'));
}
