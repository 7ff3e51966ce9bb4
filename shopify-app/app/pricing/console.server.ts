// The console pages' loaders: the embedded session (authenticate.admin) and the shop's Project.
import { authenticate, projectIdForSession } from '../shopify.server';

export async function consoleProject(request: Request): Promise<{ projectId: string; shop: string }> {
  const { session } = await authenticate.admin(request);
  return { projectId: await projectIdForSession(session), shop: session.shop };
}
