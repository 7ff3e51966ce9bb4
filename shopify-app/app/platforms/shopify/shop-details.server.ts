// The shop's details as Shopify says them (`shop { name currencyCode ianaTimezone }`), kept on its Project:
// read after auth (install, reinstall), at every catalog sync, and when shop/update says they changed.
// Project.timezone is where the shop's day starts (lib/shop-day.ts): "today" on the home and the changes list.
import { db } from '../../db.server';
import { errorMessage, logger } from '../../lib/logger.server';
import { ianaZone } from '../../lib/shop-day';
import type { ShopInfo } from './connector/types';

/** Store the shop's details on its Project. A time zone Intl doesn't know is stored as none (the day is UTC) and logged. */
export async function recordShopDetails(projectId: string, shop: ShopInfo): Promise<void> {
  const timezone = ianaZone(shop.ianaTimezone);
  if (timezone === null) {
    logger.warn({ shop: shop.myshopifyDomain, projectId, ianaTimezone: shop.ianaTimezone }, 'the shop’s time zone is not one Intl knows: its day is taken in UTC');
  }
  await db.project.update({ where: { id: projectId }, data: { name: shop.name, currency: shop.currencyCode, timezone } });
}

/**
 * After auth: the shop's details read through its connector (the offline session just stored) and kept.
 * It never fails the auth: a failure is logged, and the next sync reads them.
 */
export async function readShopDetailsAfterAuth(shop: string, projectId: string): Promise<void> {
  try {
    // Loaded on use: the connector's module imports the Shopify app config, which imports this module's caller.
    const { shopifyConnectorFor } = await import('./connector-for-shop.server');
    await recordShopDetails(projectId, await shopifyConnectorFor(shop, projectId).loadShop());
  } catch (error) {
    logger.warn({ shop, projectId, err: errorMessage(error) }, 'the shop’s details were not read after auth; the next sync reads them');
  }
}
