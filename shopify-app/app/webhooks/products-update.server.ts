// products/update: refresh the product's listings from the payload, unless we already hold a newer
// state (deliveries can arrive out of order), and record prices changed outside Calibrate.
import { normalizeSku, parseMoney, type NormalizedProduct } from '@calibr/shared-contracts';
import { productStatus } from '../connectors/shopify/normalize';
import { db } from '../db.server';
import { upsertShopifyProducts } from '../services/listings.server';

/** The REST-shaped product a products/update delivery carries (the fields we read). */
export interface ProductWebhookPayload {
  id: number;
  admin_graphql_api_id?: string;
  title: string;
  handle?: string;
  status?: string;
  vendor?: string;
  product_type?: string;
  updated_at: string;
  variants?: Array<{
    id: number;
    admin_graphql_api_id?: string;
    title?: string;
    sku?: string | null;
    price: string;
    compare_at_price?: string | null;
    updated_at?: string;
  }>;
}

/** How long after Calibrate pushed a price its echo (this webhook) still counts as ours. */
const OWN_CHANGE_WINDOW_MS = 24 * 60 * 60_000;

export async function applyProductUpdate(shop: string, payload: ProductWebhookPayload | null): Promise<void> {
  if (!payload || typeof payload.id !== 'number' || !payload.updated_at) throw new Error('products/update payload has no product');
  const project = await db.project.findUnique({ where: { shopDomain: shop } });
  if (!project) return; // not installed (or erased): nothing to refresh
  const currency = project.currency ?? (await shopCurrency(project.id));
  const product = fromPayload(payload, currency, shop);
  const result = await upsertShopifyProducts(project.id, [product]);
  for (const change of result.priceChanges) {
    const ours = await db.priceChangeAttempt.findFirst({
      where: {
        listingId: change.listingId,
        amount: change.to,
        status: { in: ['applied', 'pending'] },
        updatedAt: { gte: new Date(Date.now() - OWN_CHANGE_WINDOW_MS) },
      },
    });
    if (ours) continue;
    await db.auditLog.create({
      data: {
        projectId: project.id,
        actor: 'shopify',
        actorType: 'webhook',
        action: 'listing.price_changed_outside_calibrate',
        entityType: 'Listing',
        entityId: change.listingId,
        data: { externalId: change.externalId, from: change.from, to: change.to, currency: change.currency, productUpdatedAt: payload.updated_at },
      },
    });
  }
}

async function shopCurrency(projectId: string): Promise<string> {
  const any = await db.listing.findFirst({ where: { projectId, platform: 'shopify' }, select: { currency: true } });
  return any?.currency ?? 'USD';
}

function fromPayload(payload: ProductWebhookPayload, currency: string, shop: string): NormalizedProduct {
  const productId = payload.admin_graphql_api_id ?? `gid://shopify/Product/${payload.id}`;
  const status = productStatus((payload.status ?? 'active').toUpperCase());
  return {
    platform: 'shopify',
    externalId: productId,
    title: payload.title,
    status,
    ...(payload.vendor ? { brand: payload.vendor } : {}),
    ...(payload.product_type ? { productType: payload.product_type } : {}),
    ...(payload.handle ? { handle: payload.handle } : {}),
    url: `https://${shop}/admin/products/${payload.id}`,
    updatedAt: new Date(payload.updated_at).toISOString(),
    listings: (payload.variants ?? []).map((v) => {
      const title = v.title && v.title !== 'Default Title' ? `${payload.title} – ${v.title}` : payload.title;
      return {
        platform: 'shopify',
        externalId: v.admin_graphql_api_id ?? `gid://shopify/ProductVariant/${v.id}`,
        productExternalId: productId,
        sku: v.sku || null,
        normalizedSku: v.sku ? normalizeSku(v.sku) : null,
        title,
        status: status === 'active' ? 'active' : 'inactive',
        price: parseMoney(v.price, currency),
        compareAtPrice: v.compare_at_price ? parseMoney(v.compare_at_price, currency) : null,
        ...(v.updated_at ? { updatedAt: v.updated_at } : {}),
      };
    }),
  };
}
