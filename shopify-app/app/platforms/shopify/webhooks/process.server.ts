// Processing one recorded delivery of the topics other than products/update (which the processor
// batches, see ./processor.server.ts and ./products-update.server.ts). The processor calls this module;
// this module never calls the processor (only its delivery type, erased at build).
import { eraseShop, recordUninstall, updateScopes } from './lifecycle.server';
import { retireDeletedProduct } from './products-delete.server';
import { updateShopDetails } from './shop-update.server';
import type { ClaimedDelivery } from './processor.server';
import type { ShopifyChecks } from './shopify-checks.server';
import { topicName } from './topics';

/** One delivery of a lifecycle or compliance topic. Returns true when its own record was erased with the shop. */
export async function processOtherTopic(delivery: ClaimedDelivery, checks: ShopifyChecks): Promise<boolean> {
  switch (topicName(delivery.topic)) {
    case 'app/uninstalled':
      await recordUninstall(delivery, checks);
      return false;
    case 'app/scopes_update':
      await updateScopes(delivery, checks);
      return false;
    case 'shop/update':
      await updateShopDetails(delivery, checks);
      return false;
    case 'products/delete':
      await retireDeletedProduct(delivery, checks);
      return false;
    case 'shop/redact':
      return eraseShop(delivery);
    case 'customers/data_request':
    case 'customers/redact':
      // Calibrate stores no customer data: nothing to report or erase. Answering 200 is the reply.
      return false;
    default:
      return false;
  }
}
