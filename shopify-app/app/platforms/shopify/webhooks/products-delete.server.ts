// products/delete: the product's Shopify listings are marked deleted, taken out of their product links
// (a link left with one platform is no link: its other listings are let go), its pending suggestions are
// closed as superseded (reason product_deleted) and its queued price attempts failed before any push, so
// nothing is left to fail at push time. The body (`{ id }`) names no shop and X-Shopify-Shop-Domain is not
// signed: we act only for a product we hold in that shop, and only once the shop's Admin API answers that
// it has no such product any more (a re-sent delivery of a product that exists changes nothing).
import type { Db } from '@calibr/db';
import { db } from '../../../db.server';
import { logger } from '../../../lib/logger.server';
import { PermanentWebhookError } from './failures';
import type { ShopifyChecks } from './shopify-checks.server';
import type { LifecycleDelivery } from './lifecycle.server';

export const PRODUCT_DELETED_REASON = 'product_deleted';

export interface ProductDeleteDelivery extends LifecycleDelivery {
  payload: unknown;
}

export interface RetiredProduct {
  listings: number;
  suggestions: number;
  attempts: number;
  links: number;
}

/** Retire a deleted product's listings, links, pending suggestions and queued attempts. Null when nothing was done. */
export async function retireDeletedProduct(delivery: ProductDeleteDelivery, checks: Pick<ShopifyChecks, 'productGone'>, client: Db = db): Promise<RetiredProduct | null> {
  const { shop, webhookId, eventId } = delivery;
  const id = (delivery.payload as { id?: unknown } | null)?.id;
  if (typeof id !== 'number' && !(typeof id === 'string' && /^\d+$/.test(id))) throw new PermanentWebhookError('products/delete payload has no numeric product `id`');
  const productGid = `gid://shopify/Product/${id}`;
  const project = await client.project.findUnique({ where: { shopDomain: shop }, select: { id: true } });
  if (!project) return null;
  const listings = await client.listing.findMany({
    where: { projectId: project.id, platform: 'shopify', productExternalId: productGid, status: { not: 'deleted' } },
    select: { id: true, productLinkId: true },
  });
  if (listings.length === 0) {
    logger.info({ shop, webhookId, eventId, product: productGid }, 'products/delete: no listing of this product held for the shop');
    return null;
  }
  if (!(await checks.productGone(shop, project.id, productGid))) {
    logger.warn({ shop, webhookId, eventId, product: productGid }, 'products/delete ignored: Shopify does not confirm the product is gone');
    return null;
  }

  const listingIds = listings.map((l) => l.id);
  const linkIds = [...new Set(listings.map((l) => l.productLinkId).filter((l): l is string => l !== null))];
  const now = new Date();
  const retired = await client.$transaction(async (tx) => {
    await tx.listing.updateMany({ where: { id: { in: listingIds } }, data: { status: 'deleted', productLinkId: null, linkSource: null } });
    // A link left with listings on fewer than two platforms links nothing: its other listings go free too.
    const hollow: string[] = [];
    for (const linkId of linkIds) {
      const left = await tx.listing.findMany({ where: { productLinkId: linkId, status: { not: 'deleted' } }, select: { platform: true } });
      if (new Set(left.map((l) => l.platform)).size < 2) hollow.push(linkId);
    }
    if (hollow.length > 0) await tx.listing.updateMany({ where: { productLinkId: { in: hollow } }, data: { productLinkId: null, linkSource: null } });
    const closed = { status: 'superseded', statusReason: PRODUCT_DELETED_REASON, decidedBy: 'system:shopify', decidedAt: now };
    const suggestions = await tx.priceSuggestion.updateMany({
      where: { projectId: project.id, status: 'pending', OR: [{ listingId: { in: listingIds } }, ...(hollow.length > 0 ? [{ productLinkId: { in: hollow } }] : [])] },
      data: closed,
    });
    const attempts = await tx.priceChangeAttempt.updateMany({
      where: { listingId: { in: listingIds }, status: 'queued' },
      data: { status: 'failed', platformCode: 'PRODUCT_DELETED', platformMessage: 'The product was deleted in Shopify before this price was sent' },
    });
    await tx.auditLog.create({
      data: {
        projectId: project.id,
        actor: 'shopify',
        actorType: 'webhook',
        action: 'product.deleted_in_shopify',
        entityType: 'Product',
        entityId: productGid,
        data: { webhookId, eventId, listings: listingIds.length, suggestions: suggestions.count, attempts: attempts.count, links: hollow.length },
      },
    });
    return { listings: listingIds.length, suggestions: suggestions.count, attempts: attempts.count, links: hollow.length };
  });
  logger.info({ shop, webhookId, eventId, product: productGid, ...retired }, 'products/delete: product retired');
  return retired;
}
