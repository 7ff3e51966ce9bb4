// GET /api/pricing/progress: the push in flight (changes and attempts per platform by status) and recent
// background jobs with their progress, for the console's progress bars.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { json, pricingApi } from '../pricing/api.server';
import { pushProgress } from '../pricing/progress.server';

export function loader({ request }: LoaderFunctionArgs) {
  return pricingApi(request, async ({ projectId }) => json(await pushProgress(projectId)));
}
