// GET /api/platforms: every registered platform for the session's shop, with its capabilities,
// connection, health (each checked under its own deadline: one platform down marks only its own entry)
// and sync state. `?live=0` answers from the database alone, without asking the platforms.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, methodNotAllowed, shopApi } from '../platforms/platform-api.server';
import { platformViews } from '../platforms/platform-status.server';

export function loader({ request }: LoaderFunctionArgs) {
  return shopApi(request, async ({ projectId, shop }) => {
    const live = new URL(request.url).searchParams.get('live') !== '0';
    return json({ shop, platforms: await platformViews(projectId, { live }) });
  });
}

export function action({ request }: ActionFunctionArgs) {
  return shopApi(request, async () => methodNotAllowed(request, 'GET'));
}
