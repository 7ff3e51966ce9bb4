// A shop's installation as our database keeps it: the tenant (Project), its ShopifyIntegration, the
// generic PlatformIntegration row, and the webhook subscriptions shopify.app.toml declares.
import type { Session } from '@shopify/shopify-api';
import { readAppToml } from '../../app-toml.server';
import { SHOPIFY_API_VERSION } from './connector/api-version';
import { db } from '../../db.server';

/**
 * The shop's Project id for a verified session: the one we have, or the installation recorded now (a
 * session can arrive before the afterAuth hook has run, e.g. right after a reinstall).
 */
export async function projectIdForSession(session: Session): Promise<string> {
  const existing = await db.project.findUnique({ where: { shopDomain: session.shop }, select: { id: true } });
  return existing?.id ?? (await recordInstallation(session)).projectId;
}

/** After OAuth or token exchange: the shop is installed (again) with these scopes. */
export async function recordInstallation(session: Session): Promise<{ projectId: string }> {
  const shop = session.shop;
  const now = new Date();
  const project = await db.project.upsert({
    where: { shopDomain: shop },
    create: { shopDomain: shop, name: shop.replace(/\.myshopify\.com$/, ''), status: 'active' },
    update: { status: 'active' },
  });
  const before = await db.shopifyIntegration.findUnique({ where: { shopDomain: shop } });
  // What a first install and a reinstall both record: the session's grant as it is now.
  const grant = {
    scope: session.scope ?? '',
    apiVersion: SHOPIFY_API_VERSION,
    accessTokenExpiresAt: session.expires ?? null,
    refreshTokenExpiresAt: session.refreshTokenExpires ?? null,
  };
  const integration = await db.shopifyIntegration.upsert({
    where: { shopDomain: shop },
    create: {
      projectId: project.id,
      shopDomain: shop,
      ...grant,
      installedAt: now,
      isActive: true,
    },
    update: {
      ...grant,
      isActive: true,
      uninstalledAt: null,
      ...(before && !before.isActive ? { installedAt: now } : {}),
    },
  });
  if (!before || !before.isActive) {
    await db.auditLog.create({
      data: { projectId: project.id, actor: 'shopify', actorType: 'system', action: 'integration.installed', entityType: 'ShopifyIntegration', entityId: integration.id },
    });
  }
  await db.platformIntegration.upsert({
    where: { projectId_platform: { projectId: project.id, platform: 'shopify' } },
    create: { projectId: project.id, platform: 'shopify', platformName: 'Shopify', externalId: shop, status: 'connected' },
    update: { status: 'connected', externalId: shop, disconnectedAt: null },
  });
  await syncWebhookSubscriptions(project.id, integration.id);
  return { projectId: project.id };
}

/**
 * Make the shop's ShopifyWebhookSubscription rows say exactly what shopify.app.toml subscribes: add
 * the missing ones, drop app_toml rows the toml no longer lists (delivery counters are kept otherwise).
 */
export async function syncWebhookSubscriptions(projectId: string, integrationId: string): Promise<void> {
  const toml = readAppToml();
  const wanted = toml.subscriptions.map((s) => ({ topic: s.topic, uri: s.uri }));
  const existing = await db.shopifyWebhookSubscription.findMany({ where: { integrationId, source: 'app_toml' } });
  for (const row of existing) {
    if (!wanted.some((w) => w.topic === row.topic && w.uri === row.uri)) {
      await db.shopifyWebhookSubscription.delete({ where: { id: row.id } });
    }
  }
  for (const w of wanted) {
    await db.shopifyWebhookSubscription.upsert({
      where: { integrationId_topic_uri: { integrationId, topic: w.topic, uri: w.uri } },
      create: { projectId, integrationId, topic: w.topic, uri: w.uri, apiVersion: toml.webhooksApiVersion, source: 'app_toml' },
      update: { apiVersion: toml.webhooksApiVersion },
    });
  }
}

export async function projectForShop(shop: string) {
  return db.project.findUnique({ where: { shopDomain: shop }, include: { shopifyIntegration: true } });
}
