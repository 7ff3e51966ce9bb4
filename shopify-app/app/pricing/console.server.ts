// The console pages' loaders: the embedded session (authenticate.admin) and the shop's Project.
import { db } from '../db.server';
import { recordInstallation } from '../models/installation.server';
import { authenticate } from '../shopify.server';

export async function consoleProject(request: Request): Promise<{ projectId: string; shop: string }> {
  const { session } = await authenticate.admin(request);
  const project = await db.project.findUnique({ where: { shopDomain: session.shop }, select: { id: true } });
  return { projectId: project?.id ?? (await recordInstallation(session)).projectId, shop: session.shop };
}
