// What the console and the status API show about a shop's Shopify connection.
import { db } from '../../db.server';
import { missingScopes } from './scopes.server';

export interface ShopifyStatus {
  shop: string;
  connected: boolean;
  scopes: string[];
  /** scopes the app requires that the merchant has not granted (the console asks for them) */
  missingScopes: string[];
  apiVersion: string | null;
  installedAt: string | null;
  uninstalledAt: string | null;
  tokenExpiresAt: string | null;
  listings: { total: number; active: number };
  lastSync: null | {
    id: string;
    type: string;
    status: string;
    startedAt: string;
    completedAt: string | null;
    itemsSynced: number;
    itemsFailed: number;
    error: string | null;
  };
  webhooks: Array<{
    topic: string;
    uri: string;
    apiVersion: string;
    source: string;
    deliveriesReceived: number;
    duplicatesIgnored: number;
    deliveriesFailed: number;
    lastDeliveryAt: string | null;
    lastError: string | null;
    health: 'healthy' | 'failing' | 'no_deliveries';
  }>;
  outsideChanges: Array<{ at: string; externalId: string; from: string; to: string; currency: string }>;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export async function shopifyStatus(projectId: string): Promise<ShopifyStatus | null> {
  const integration = await db.shopifyIntegration.findUnique({ where: { projectId } });
  if (!integration) return null;
  const [total, active, lastSync, subscriptions, outside] = await Promise.all([
    db.listing.count({ where: { projectId, platform: 'shopify', status: { not: 'deleted' } } }),
    db.listing.count({ where: { projectId, platform: 'shopify', status: 'active' } }),
    db.platformSyncLog.findFirst({ where: { projectId, platform: 'shopify' }, orderBy: { startedAt: 'desc' } }),
    db.shopifyWebhookSubscription.findMany({ where: { projectId }, orderBy: { topic: 'asc' } }),
    db.auditLog.findMany({
      where: { projectId, action: 'listing.price_changed_outside_calibrate' },
      orderBy: { createdAt: 'desc' },
      take: 10,
    }),
  ]);
  const syncErrors = (lastSync?.errors as Array<{ message?: string }> | null) ?? null;
  return {
    shop: integration.shopDomain,
    connected: integration.isActive,
    scopes: integration.scope.split(',').map((s) => s.trim()).filter(Boolean),
    missingScopes: missingScopes(integration.scope),
    apiVersion: integration.apiVersion,
    installedAt: iso(integration.installedAt),
    uninstalledAt: iso(integration.uninstalledAt),
    tokenExpiresAt: iso(integration.accessTokenExpiresAt),
    listings: { total, active },
    lastSync: lastSync
      ? {
          id: lastSync.id,
          type: lastSync.syncType,
          status: lastSync.status,
          startedAt: lastSync.startedAt.toISOString(),
          completedAt: iso(lastSync.completedAt),
          itemsSynced: lastSync.itemsSynced,
          itemsFailed: lastSync.itemsFailed,
          error: syncErrors?.[0]?.message ?? null,
        }
      : null,
    webhooks: subscriptions.map((s) => ({
      topic: s.topic,
      uri: s.uri,
      apiVersion: s.apiVersion,
      source: s.source,
      deliveriesReceived: s.deliveriesReceived,
      duplicatesIgnored: s.duplicatesIgnored,
      deliveriesFailed: s.deliveriesFailed,
      lastDeliveryAt: iso(s.lastDeliveryAt),
      lastError: s.lastError,
      health: s.lastErrorAt && (!s.lastDeliveryAt || s.lastErrorAt >= s.lastDeliveryAt) ? 'failing' : s.deliveriesReceived > 0 ? 'healthy' : 'no_deliveries',
    })),
    outsideChanges: outside.map((a) => {
      const data = (a.data ?? {}) as { externalId?: string; from?: string; to?: string; currency?: string };
      return { at: a.createdAt.toISOString(), externalId: data.externalId ?? '', from: data.from ?? '', to: data.to ?? '', currency: data.currency ?? '' };
    }),
  };
}

export interface ProductRow {
  productId: string;
  title: string;
  vendor: string | null;
  status: string;
  variants: Array<{ id: string; title: string | null; sku: string | null; price: string; compareAtPrice: string | null; currency: string }>;
}

export interface ProductPage {
  items: ProductRow[];
  page: number;
  pageSize: number;
  totalProducts: number;
  hasNext: boolean;
  hasPrevious: boolean;
  query: string;
}

/** Synced products (with their variants' prices), searchable by title or SKU, a page at a time. */
export async function syncedProducts(projectId: string, options: { query?: string; page?: number; pageSize?: number } = {}): Promise<ProductPage> {
  const query = (options.query ?? '').trim().slice(0, 100);
  const pageSize = Math.min(Math.max(options.pageSize ?? 20, 1), 100);
  const page = Math.max(options.page ?? 1, 1);
  const where = {
    projectId,
    platform: 'shopify',
    status: { not: 'deleted' },
    productExternalId: { not: null },
    ...(query ? { OR: [{ title: { contains: query } }, { sku: { contains: query } }] } : {}),
  };
  const productIds = await db.listing.groupBy({ by: ['productExternalId', 'title'], where, orderBy: [{ title: 'asc' }, { productExternalId: 'asc' }] });
  const totalProducts = productIds.length;
  const slice = productIds.slice((page - 1) * pageSize, page * pageSize).map((p) => p.productExternalId!);
  const rows = slice.length
    ? await db.listing.findMany({
        where: { projectId, platform: 'shopify', status: { not: 'deleted' }, productExternalId: { in: slice } },
        orderBy: [{ variantTitle: 'asc' }, { externalId: 'asc' }],
      })
    : [];
  const items: ProductRow[] = slice.map((productId) => {
    const variants = rows.filter((r) => r.productExternalId === productId);
    const first = variants[0];
    const data = (first?.data ?? {}) as { vendor?: string | null };
    return {
      productId,
      title: first?.title ?? productId,
      vendor: data.vendor ?? null,
      status: first?.status ?? 'unknown',
      variants: variants.map((v) => ({
        id: v.externalId,
        title: v.variantTitle,
        sku: v.sku,
        price: v.priceAmount,
        compareAtPrice: v.compareAtAmount,
        currency: v.currency,
      })),
    };
  });
  return { items, page, pageSize, totalProducts, hasNext: page * pageSize < totalProducts, hasPrevious: page > 1, query };
}
