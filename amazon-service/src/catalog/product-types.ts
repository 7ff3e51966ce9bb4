// A JSON_LISTINGS_FEED PATCH must name the listing's own Amazon product type (Amazon refuses a patch
// whose productType differs from the listing's). Types come from stored listings; SKUs we haven't seen
// are looked up 20 at a time (searchListingsItems by SKU) and stored on the way.
import type { AmazonContext } from '../amazon-context';
import type { SpApiClient } from '../sp-api/sp-api-client';
import { chunks, productTypesFor } from './listing-store';
import { productTypeOf, searchListingsPage } from './listings-items';
import { storeListings } from './listings-sync';

/** Amazon's limit of identifiers in one searchListingsItems call. */
const IDENTIFIERS_PER_SEARCH = 20;
const LOOKUPS_IN_FLIGHT = 4;

export async function resolveProductTypes(ctx: AmazonContext, client: SpApiClient, projectId: string, marketplaceId: string, skus: readonly string[]): Promise<Map<string, string>> {
  const types = await productTypesFor(ctx, projectId, marketplaceId, skus);
  const unknown = [...new Set(skus)].filter((sku) => !types.has(sku));
  const parts = chunks(unknown, IDENTIFIERS_PER_SEARCH);
  // A few lookups in flight at once; the seller's searchListingsItems limiter paces them.
  const lookup = async () => {
    for (let part = parts.shift(); part; part = parts.shift()) {
      const page = await searchListingsPage(client, marketplaceId, undefined, { identifiers: part, identifiersType: 'SKU', pageSize: IDENTIFIERS_PER_SEARCH });
      if (page.items.length) await storeListings(ctx, projectId, marketplaceId, page.items);
      for (const item of page.items) {
        const type = productTypeOf(item, marketplaceId);
        if (type) types.set(item.sku, type);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOOKUPS_IN_FLIGHT, parts.length) }, lookup));
  return types;
}
