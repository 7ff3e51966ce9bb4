// The app's lifecycle webhooks: uninstall, scope changes, and the shop/redact erasure. A delivery's shop
// comes from an unsigned header, so the two that destroy are verified before they act, and every action
// or refusal is logged with the shop and the delivery (X-Shopify-Webhook-Id, X-Shopify-Event-Id).
import { db } from '../../../db.server';
import { logger } from '../../../lib/logger.server';
import { eraseOnEveryPlatform } from '../../platform-erasure.server';
import type { ShopifyChecks } from './shopify-checks.server';
import { missingScopes } from '../scopes.server';

/** The delivery a lifecycle action is taken for. */
export interface LifecycleDelivery {
  shop: string;
  webhookId: string;
  eventId: string | null;
}

/**
 * app/uninstalled: the integration is deactivated and the shop's sessions (tokens) removed, once Shopify
 * refuses the shop's token (it revokes it on uninstall). While Shopify still accepts it the app is
 * installed, whatever the delivery says; with no token to ask with, nothing can be confirmed.
 */
export async function recordUninstall(delivery: LifecycleDelivery, checks: Pick<ShopifyChecks, 'tokenStatus'>): Promise<void> {
  const { shop, webhookId, eventId } = delivery;
  const now = new Date();
  const project = await db.project.findUnique({ where: { shopDomain: shop } });
  const token = await checks.tokenStatus(shop, project?.id ?? null);
  if (token !== 'refused') {
    const why = token === 'accepted' ? 'Shopify still accepts the shop’s token' : 'we hold no token of the shop to confirm it with';
    logger.warn({ shop, webhookId, eventId, token }, `app/uninstalled ignored: ${why}`);
    return;
  }
  // Sessions go in the same transaction as the rest: a retry after a failed transaction must still find
  // the token to ask Shopify with, or it would be ignored and the shop never marked uninstalled.
  if (!project) {
    await db.session.deleteMany({ where: { shop } });
    logger.info({ shop, webhookId, eventId, projectId: null }, 'app/uninstalled: Shopify refuses the shop’s token; sessions removed');
    return;
  }
  await db.$transaction([
    db.session.deleteMany({ where: { shop } }),
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
      data: {
        projectId: project.id,
        actor: 'shopify',
        actorType: 'webhook',
        action: 'integration.uninstalled',
        entityType: 'Project',
        entityId: project.id,
        data: { webhookId, eventId },
      },
    }),
  ]);
  logger.info({ shop, webhookId, eventId, projectId: project.id }, 'app/uninstalled: Shopify refuses the shop’s token; integration deactivated, sessions removed');
}

/**
 * app/scopes_update: the merchant's grant changed. The body (`previous`, `current`) is signed, but the grant
 * is read from Shopify itself (currentAppInstallation.accessScopes) and stored on the shop's sessions and
 * integration: what the app's token can do now. Scopes still missing are logged (the console asks for them).
 */
export async function updateScopes(delivery: LifecycleDelivery, checks: Pick<ShopifyChecks, 'grantedScopes'>): Promise<void> {
  const { shop, webhookId, eventId } = delivery;
  const project = await db.project.findUnique({ where: { shopDomain: shop }, select: { id: true } });
  const granted = await checks.grantedScopes(shop, project?.id ?? null);
  if (granted === null) {
    logger.warn({ shop, webhookId, eventId }, 'app/scopes_update: Shopify can’t be asked for the grant (no token, or refused); scopes unchanged');
    return;
  }
  const scope = granted.join(',');
  await db.session.updateMany({ where: { shop }, data: { scope } });
  await db.shopifyIntegration.updateMany({ where: { shopDomain: shop }, data: { scope } });
  logger.info({ shop, webhookId, eventId, granted, missing: missingScopes(granted) }, 'app/scopes_update: granted scopes read from Shopify');
}

/**
 * shop/redact (48 h after uninstall): erase everything we hold for the shop, only when we recorded its
 * uninstall (verified with Shopify, above). Every registered platform erases the shop first (the Amazon
 * service keeps its rows in its own database); only then is the Project deleted, which cascades to every
 * tenant-keyed table here; sessions and delivery records are keyed by shop domain. In that order a crash
 * in between leaves the Project and the recorded uninstall, so the retried delivery erases again (each
 * platform's erasure is idempotent). Returns true when the shop was erased.
 */
export async function eraseShop(delivery: LifecycleDelivery): Promise<boolean> {
  const { shop, webhookId, eventId } = delivery;
  const integration = await db.shopifyIntegration.findUnique({ where: { shopDomain: shop } });
  if (!integration || integration.isActive || !integration.uninstalledAt) {
    // Shopify sends shop/redact only to a shop that stayed uninstalled; a reinstalled shop keeps its data.
    const why = integration?.isActive ? 'the app is installed there' : 'the shop is not recorded as uninstalled';
    logger.warn({ shop, webhookId, eventId }, `shop/redact ignored: ${why}`);
    return false;
  }
  const project = await db.project.findUnique({ where: { shopDomain: shop }, select: { id: true } });
  const platforms = project ? await eraseOnEveryPlatform(project.id) : {};
  logger.info({ shop, webhookId, eventId, erased: platforms }, 'shop/redact: every platform erased the shop');
  await db.$transaction([
    db.session.deleteMany({ where: { shop } }),
    db.project.deleteMany({ where: { shopDomain: shop } }),
    db.processedWebhook.deleteMany({ where: { shop } }),
  ]);
  logger.info({ shop, webhookId, eventId, uninstalledAt: integration.uninstalledAt.toISOString() }, 'shop/redact: every row of the shop erased');
  return true;
}
