// POST /api/platforms/:platform/connect
//   {fields: {...}}        a platform with a credentials form (the form's fields by name)
//   {credentials: {...}}   PlatformCredentials, for platforms that accept them (Amazon self-authorization)
//   {}                     a platform connected on its settings page: answers with the signed link to open
// 200 {outcome: "connected", platform: <view>} or {outcome: "settings_page", settingsLink: {url, expiresAt}}.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { connectPlatform } from '../platforms/platform-connections.server';
import { json, methodNotAllowed, platformApi } from '../platforms/platform-api.server';
import { readJsonBody } from '../lib/request-body.server';
import { platformView } from '../platforms/platform-status.server';

export function action({ request, params }: ActionFunctionArgs) {
  return platformApi(request, params.platform, async ({ projectId, shop, platform, registration }) => {
    if (request.method !== 'POST') return methodNotAllowed(request, 'POST');
    const outcome = await connectPlatform(projectId, shop, platform, await readJsonBody(request));
    if (outcome.outcome === 'settings_page') return json(outcome);
    return json({ ...outcome, platform: await platformView(projectId, registration, { live: false }) });
  });
}

export function loader({ request, params }: LoaderFunctionArgs) {
  return platformApi(request, params.platform, async () => methodNotAllowed(request, 'POST'));
}
