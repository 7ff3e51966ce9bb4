// The console pages' loaders: the embedded session (authenticate.admin) and the shop's Project.
import { authenticate, projectIdForSession } from '../shopify.server';

type AdminContext = Awaited<ReturnType<typeof authenticate.admin>>;

export async function consoleProject(request: Request): Promise<{ projectId: string; shop: string; redirect: AdminContext['redirect'] }> {
  const { session, redirect } = await authenticate.admin(request);
  // `redirect` is Shopify's: to a page of the app it keeps the embedded query string (shop, host, id_token…).
  return { projectId: await projectIdForSession(session), shop: session.shop, redirect };
}
