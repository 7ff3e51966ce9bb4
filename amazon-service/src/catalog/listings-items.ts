// The seller's own listings (Listings Items API 2021-08-01): search page by page, read one, and map an
// item to the normalized SellableListing.
import type { Money, SellableListing, ListingStatus } from '@calibr/shared-contracts';
import { normalizeSku } from '@calibr/shared-contracts';
import { compareDecimals } from '../feeds/json-decimal';
import { moneyFromAmazon } from '../money/amazon-money';
import type { SpApiClient } from '../sp-api/sp-api-client';

export interface ListingsItem {
  sku: string;
  summaries?: {
    marketplaceId: string;
    asin?: string;
    productType?: string;
    status?: string[];
    itemName?: string;
    createdDate?: string;
    lastUpdatedDate?: string;
    mainImage?: { link?: string };
  }[];
  offers?: { marketplaceId: string; offerType: string; price: { currencyCode: string; amount: string | number }; audience?: { value?: string } }[];
  attributes?: Record<string, unknown>;
  issues?: ListingIssue[];
}

/** An issue on a listing (Listings Items API `Issue`); a type, not an interface, so it stores as JSON. */
export type ListingIssue = {
  code: string;
  message: string;
  severity: string;
  attributeNames?: string[];
  categories?: string[];
  marketplaceIds?: string[];
};

export interface ListingsPage {
  items: ListingsItem[];
  nextToken: string | undefined;
  numberOfResults: number;
}

/** Amazon's page size limit for searchListingsItems. */
export const LISTINGS_PAGE_SIZE = 20;
/** Most items one searchListingsItems query returns and pages through, however many match (numberOfResults). */
export const SEARCH_RESULTS_CAP = 1000;
const INCLUDED = ['summaries', 'offers', 'attributes', 'issues'];

export async function searchListingsPage(client: SpApiClient, marketplaceId: string, pageToken?: string, query: Record<string, unknown> = {}): Promise<ListingsPage> {
  const answer = await client.call<{ items?: ListingsItem[]; numberOfResults?: number; pagination?: { nextToken?: string } }>({
    operation: 'listingsItems.searchListingsItems',
    path: { sellerId: client.sellingPartnerId },
    query: { marketplaceIds: [marketplaceId], includedData: INCLUDED, pageSize: LISTINGS_PAGE_SIZE, ...(pageToken ? { pageToken } : {}), ...query },
  });
  return { items: answer.items ?? [], nextToken: answer.pagination?.nextToken, numberOfResults: answer.numberOfResults ?? 0 };
}

/** The listings of up to LISTINGS_PAGE_SIZE SKUs in one call (searchListingsItems by SKU), by SKU; absent SKUs are missing. */
export async function searchListingsBySku(client: SpApiClient, marketplaceId: string, skus: readonly string[]): Promise<Map<string, ListingsItem>> {
  if (skus.length > LISTINGS_PAGE_SIZE) throw new RangeError(`at most ${LISTINGS_PAGE_SIZE} SKUs per search`);
  const page = await searchListingsPage(client, marketplaceId, undefined, { identifiersType: 'SKU', identifiers: [...skus] });
  return new Map(page.items.map((item) => [item.sku, item]));
}

/**
 * ERROR issues on the listing's price in this marketplace (its purchasable_offer, or an INVALID_PRICE
 * category): what Amazon's downstream checks (pricing health, price validation) raise against a price
 * it accepted and then did not apply.
 */
export function priceIssues(item: ListingsItem, marketplaceId: string): ListingIssue[] {
  return (item.issues ?? []).filter(
    (i) =>
      i.severity === 'ERROR' &&
      (!i.marketplaceIds || i.marketplaceIds.includes(marketplaceId)) &&
      (i.attributeNames?.includes('purchasable_offer') || i.categories?.includes('INVALID_PRICE')),
  );
}

export async function getListingsItem(client: SpApiClient, sku: string, marketplaceId: string): Promise<ListingsItem> {
  return client.call<ListingsItem>({
    operation: 'listingsItems.getListingsItem',
    path: { sellerId: client.sellingPartnerId, sku },
    query: { marketplaceIds: [marketplaceId], includedData: INCLUDED },
  });
}

type PurchasableOfferAttr = {
  marketplace_id?: string;
  currency?: string;
  our_price?: { schedule?: { value_with_tax?: number | string }[] }[];
  minimum_seller_allowed_price?: { schedule?: { value_with_tax?: number | string }[] }[];
  maximum_seller_allowed_price?: { schedule?: { value_with_tax?: number | string }[] }[];
};

function scheduleValue(list: PurchasableOfferAttr['our_price'], currency: string | undefined): Money | null {
  return moneyFromAmazon(list?.[0]?.schedule?.[0]?.value_with_tax, currency);
}

export interface ListingPrices {
  price: Money | null;
  minPrice: Money | null;
  maxPrice: Money | null;
}

export function pricesOf(item: ListingsItem, marketplaceId: string): ListingPrices {
  // Our offer is the standard audience's (the one our price patches name); a B2B offer has its own price.
  const offer = item.offers?.find((o) => o.marketplaceId === marketplaceId && o.offerType === 'B2C' && (o.audience?.value ?? 'ALL') === 'ALL');
  const attr = ((item.attributes?.purchasable_offer ?? []) as PurchasableOfferAttr[]).find((p) => !p.marketplace_id || p.marketplace_id === marketplaceId);
  return {
    price: offer ? moneyFromAmazon(offer.price.amount, offer.price.currencyCode) : scheduleValue(attr?.our_price, attr?.currency),
    minPrice: scheduleValue(attr?.minimum_seller_allowed_price, attr?.currency),
    maxPrice: scheduleValue(attr?.maximum_seller_allowed_price, attr?.currency),
  };
}

export async function readOfferPrice(client: SpApiClient, sku: string, marketplaceId: string): Promise<ListingPrices & { item: ListingsItem }> {
  const item = await getListingsItem(client, sku, marketplaceId);
  return { ...pricesOf(item, marketplaceId), item };
}

/** Whether a price Amazon shows is `amount` in `currency` (decimals compared by value: 10.5 is 10.50). */
export function showsPrice(live: Money | null | undefined, amount: string, currency: string): boolean {
  return Boolean(live && live.currency === currency && compareDecimals(live.amount, amount) === 0);
}

function statusOf(status: string[] | undefined): ListingStatus {
  if (!status) return 'unknown';
  if (status.includes('BUYABLE')) return 'active';
  return status.includes('DISCOVERABLE') ? 'inactive' : 'incomplete';
}

export function toSellableListing(item: ListingsItem, marketplaceId: string): SellableListing {
  const summary = item.summaries?.find((s) => s.marketplaceId === marketplaceId) ?? item.summaries?.[0];
  const prices = pricesOf(item, marketplaceId);
  return {
    platform: 'amazon',
    externalId: item.sku,
    productExternalId: summary?.asin ?? item.sku,
    sku: item.sku,
    normalizedSku: normalizeSku(item.sku),
    title: summary?.itemName ?? item.sku,
    marketplaceId,
    ...(summary?.asin ? { asin: summary.asin } : {}),
    status: statusOf(summary?.status),
    price: prices.price,
    minPrice: prices.minPrice,
    maxPrice: prices.maxPrice,
    ...(summary?.lastUpdatedDate ? { updatedAt: summary.lastUpdatedDate } : {}),
  };
}

export function productTypeOf(item: ListingsItem, marketplaceId: string): string | undefined {
  return (item.summaries?.find((s) => s.marketplaceId === marketplaceId) ?? item.summaries?.[0])?.productType;
}
