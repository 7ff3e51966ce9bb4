// The app's lifecycle webhooks: uninstall, scope changes, and the shop/redact erasure.
import { db } from '../db.server';
import { logger } from '../lib/logger.server';

/** app/uninstalled: the integration is deactivated and the shop's sessions (tokens) removed. */
export async function recordUninstall(shop: string): Promise<void> {
  const now = new Date();
  const project = await db.project.findUnique({ where: { shopDomain: shop } });
  await db.session.deleteMany({ where: { shop } });
  if (!project) return;
  await db.$transaction([
    db.shopifyIntegration.updateMany({
      where: { projectId: project.id },
      data: { isActive: false, uninstalledAt: now, accessTokenCiphertext: null, refreshTokenCiphertext: null },
    }),
    db.project.update({ where: { id: project.id }, data: { status: 'uninstalled' } }),
    db.platformIntegration.updateMany({
      where: { projectId: project.id, platform: 'shopify' },
      data: { status: 'disconnected', disconnectedAt: now },
    }),
    db.auditLog.create({
      data: { projectId: project.id, actor: 'shopify', actorType: 'webhook', action: 'integration.uninstalled', entityType: 'Project', entityId: project.id },
    }),
  ]);
}

/** app/scopes_update: `{ current: [...], previous: [...] }`: the stored scope follows `current`. */
export async function updateScopes(shop: string, payload: { current?: string[] } | null): Promise<void> {
  const current = Array.isArray(payload?.current) ? payload.current.join(',') : undefined;
  if (current === undefined) throw new Error('app/scopes_update payload has no `current` scopes');
  await db.session.updateMany({ where: { shop }, data: { scope: current } });
  await db.shopifyIntegration.updateMany({ where: { shopDomain: shop }, data: { scope: current } });
}

/**
 * shop/redact (48 h after uninstall): erase everything we hold for the shop. Deleting the Project
 * cascades to every tenant-keyed table; sessions and delivery records are keyed by shop domain.
 */
export async function eraseShop(shop: string): Promise<void> {
  const integration = await db.shopifyIntegration.findUnique({ where: { shopDomain: shop } });
  if (integration?.isActive) {
    // Shopify sends shop/redact only to a shop that stayed uninstalled; a reinstalled shop keeps its data.
    logger.warn({ shop }, 'shop/redact ignored: the app is installed there again');
    return;
  }
  await db.$transaction([
    db.session.deleteMany({ where: { shop } }),
    db.project.deleteMany({ where: { shopDomain: shop } }),
    db.processedWebhook.deleteMany({ where: { shop } }),
  ]);
}
