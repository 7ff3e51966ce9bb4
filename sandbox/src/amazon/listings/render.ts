// A listing as the Listings Items API 2021-08-01 returns it (`Item`), with the `includedData` sets asked for.
// The JSON_LISTINGS_FEED processing report reuses it for its `items`.
import { amountNumber, listingsMoney } from '../money';
import type { Listing, ListingOffer } from '../state';

export const LISTING_INCLUDED_DATA = [
  'summaries',
  'attributes',
  'issues',
  'offers',
  'fulfillmentAvailability',
  'procurement',
  'relationships',
  'productTypes',
] as const;

/** Marketplaces (of those asked for) where the listing exists. */
export function listingMarketplaces(listing: Listing, marketplaceIds: string[]): string[] {
  return marketplaceIds.filter((id) => listing.offers[id]);
}

/** `purchasable_offer` attribute entries in Amazon's attribute format, built from the offers. */
export function purchasableOfferAttribute(offers: ListingOffer[]): unknown[] {
  return offers.map((offer) => {
    const schedule = (p: typeof offer.price) => [{ schedule: [{ value_with_tax: amountNumber(p) }] }];
    return {
      marketplace_id: offer.marketplaceId,
      currency: offer.price.currency,
      audience: 'ALL',
      our_price: schedule(offer.price),
      ...(offer.minPrice ? { minimum_seller_allowed_price: schedule(offer.minPrice) } : {}),
      ...(offer.maxPrice ? { maximum_seller_allowed_price: schedule(offer.maxPrice) } : {}),
    };
  });
}

export function listingAttributes(listing: Listing, marketplaceIds: string[]): Record<string, unknown[]> {
  const offers = marketplaceIds.map((id) => listing.offers[id]).filter((o): o is ListingOffer => Boolean(o));
  return {
    ...listing.attributes,
    item_name: marketplaceIds.map((id) => ({ value: listing.itemName, marketplace_id: id })),
    condition_type: marketplaceIds.map((id) => ({ value: listing.conditionType, marketplace_id: id })),
    merchant_suggested_asin: marketplaceIds.map((id) => ({ value: listing.asin, marketplace_id: id })),
    fulfillment_availability: [{ fulfillment_channel_code: listing.fulfillmentChannelCode, quantity: listing.quantity }],
    purchasable_offer: purchasableOfferAttribute(offers),
  };
}

export function renderListingItem(
  listing: Listing,
  marketplaceIds: string[],
  includedData: readonly string[],
  imageUrl?: string,
): Record<string, unknown> {
  const mps = listingMarketplaces(listing, marketplaceIds);
  const item: Record<string, unknown> = { sku: listing.sku };
  const wants = (d: string) => includedData.includes(d);
  if (wants('summaries')) {
    item.summaries = mps.map((id) => ({
      marketplaceId: id,
      asin: listing.asin,
      productType: listing.productType,
      conditionType: listing.conditionType,
      status: [...listing.offers[id]!.status],
      itemName: listing.itemName,
      createdDate: listing.createdDate,
      lastUpdatedDate: listing.lastUpdatedDate,
      ...(imageUrl ? { mainImage: { link: imageUrl, height: 500, width: 500 } } : {}),
    }));
  }
  if (wants('attributes')) item.attributes = listingAttributes(listing, mps);
  if (wants('issues')) {
    item.issues = listing.issues.filter((i) => !i.marketplaceIds || i.marketplaceIds.some((id) => mps.includes(id)));
  }
  if (wants('offers')) {
    item.offers = mps.map((id) => ({
      marketplaceId: id,
      offerType: 'B2C',
      price: listingsMoney(listing.offers[id]!.price),
      audience: { value: 'ALL', displayName: 'Sell on Amazon' },
    }));
  }
  if (wants('fulfillmentAvailability')) {
    item.fulfillmentAvailability = [{ fulfillmentChannelCode: listing.fulfillmentChannelCode, quantity: listing.quantity }];
  }
  if (wants('procurement')) item.procurement = [];
  if (wants('relationships')) item.relationships = mps.map((id) => ({ marketplaceId: id, relationships: [] }));
  if (wants('productTypes')) item.productTypes = mps.map((id) => ({ marketplaceId: id, productType: listing.productType }));
  return item;
}
