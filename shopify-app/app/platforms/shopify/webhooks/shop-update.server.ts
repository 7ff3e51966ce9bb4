// shop/update: the merchant changed the shop's settings (its time zone, say). The body (the REST shop, with
// `iana_timezone`) is signed, but a captured older delivery re-sent under new ids would be signed too, and
// deliveries may arrive out of order: so the details are read from Shopify as they are now and stored,
// as app/scopes_update reads the grant back.
import { db } from '../../../db.server';
import { logger } from '../../../lib/logger.server';
import { recordShopDetails } from '../shop-details.server';
import type { LifecycleDelivery } from './lifecycle.server';
import type { ShopifyChecks } from './shopify-checks.server';

export async function updateShopDetails(delivery: LifecycleDelivery, checks: Pick<ShopifyChecks, 'shopDetails'>): Promise<void> {
  const { shop, webhookId, eventId } = delivery;
  const project = await db.project.findUnique({ where: { shopDomain: shop }, select: { id: true, timezone: true } });
  if (!project) {
    logger.warn({ shop, webhookId, eventId }, 'shop/update ignored: no installation of this shop');
    return;
  }
  const details = await checks.shopDetails(shop, project.id);
  if (details === null) {
    logger.warn({ shop, webhookId, eventId }, 'shop/update: Shopify can’t be asked for the shop (no token, or refused); details unchanged');
    return;
  }
  await recordShopDetails(project.id, details);
  logger.info({ shop, webhookId, eventId, timezone: details.ianaTimezone, previous: project.timezone }, 'shop/update: the shop’s details read from Shopify');
}
