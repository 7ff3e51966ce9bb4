// The JSON_LISTINGS_FEED document (Amazon's "Selling Partner Listings Feed v2"), limited to what Calibrate
// sends: PATCH messages that replace a listing's `purchasable_offer` for one marketplace.
import { JsonDecimal } from './json-decimal';

export const JSON_LISTINGS_FEED = 'JSON_LISTINGS_FEED';
export const FEED_CONTENT_TYPE = 'application/json; charset=UTF-8';
/** Amazon's limits for one JSON_LISTINGS_FEED submission. */
export const MAX_MESSAGES_PER_FEED = 25_000;
export const MAX_FEED_BYTES = 10 * 1024 * 1024;
/** Amazon's generic product type, accepted for offer-only changes when the listing's own type is unknown. */
export const GENERIC_PRODUCT_TYPE = 'PRODUCT';

export interface PriceSchedule {
  schedule: { value_with_tax: JsonDecimal }[];
}

/** The standard offer audience (buyers on Amazon's retail sites); `B2B` is Amazon Business. */
export const OFFER_AUDIENCE = 'ALL';

/**
 * One entry of the `purchasable_offer` attribute (Amazon's attribute names). An offer is keyed by
 * marketplace_id, currency and audience, and a `merge` must name the whole key of the offer it changes.
 */
export interface PurchasableOffer {
  marketplace_id: string;
  currency: string;
  audience: typeof OFFER_AUDIENCE;
  our_price: PriceSchedule[];
  minimum_seller_allowed_price?: PriceSchedule[];
  maximum_seller_allowed_price?: PriceSchedule[];
}

/**
 * `merge`: our price (and min/max when the rules set them) replace those values; a minimum or maximum
 * the seller set on Amazon and we don't send is kept (a `replace` would drop it).
 */
export interface PurchasableOfferPatch {
  op: 'merge';
  path: '/attributes/purchasable_offer';
  value: PurchasableOffer[];
}

export interface ListingsFeedMessage {
  messageId: number;
  sku: string;
  operationType: 'PATCH';
  productType: string;
  patches: PurchasableOfferPatch[];
}

export interface ListingsFeedHeader {
  sellerId: string;
  version: '2.0';
  issueLocale?: string;
}

/** A price change for one SKU in one marketplace; amounts are decimal strings in `currency`. */
export interface ListingPriceChange {
  sku: string;
  marketplaceId: string;
  currency: string;
  price: string;
  minimumPrice?: string;
  maximumPrice?: string;
  productType?: string;
}

const schedule = (amount: string): PriceSchedule[] => [{ schedule: [{ value_with_tax: new JsonDecimal(amount) }] }];

/** Builds the PATCH message for one price change. Throws TypeError for a malformed amount (validate first). */
export function buildPriceMessage(messageId: number, change: ListingPriceChange): ListingsFeedMessage {
  const offer: PurchasableOffer = {
    marketplace_id: change.marketplaceId,
    currency: change.currency,
    audience: OFFER_AUDIENCE,
    our_price: schedule(change.price),
  };
  if (change.minimumPrice !== undefined) offer.minimum_seller_allowed_price = schedule(change.minimumPrice);
  if (change.maximumPrice !== undefined) offer.maximum_seller_allowed_price = schedule(change.maximumPrice);
  return {
    messageId,
    sku: change.sku,
    operationType: 'PATCH',
    productType: change.productType || GENERIC_PRODUCT_TYPE,
    patches: [{ op: 'merge', path: '/attributes/purchasable_offer', value: [offer] }],
  };
}

/** The same patch as a `patchListingsItem` body (Listings Items API 2021-08-01), for the few-SKU path. */
export function buildPatchListingsItemBody(change: ListingPriceChange): { productType: string; patches: PurchasableOfferPatch[] } {
  const message = buildPriceMessage(1, change);
  return { productType: message.productType, patches: message.patches };
}

const q = JSON.stringify;
const scheduleJson = (list: PriceSchedule[] | undefined): string => `[{"schedule":[{"value_with_tax":${list![0]!.schedule[0]!.value_with_tax.text}}]}]`;

/**
 * The JSON text of a price message, written directly (the feed path serializes 25,000 of these, so it
 * skips the generic writer). Same output as writeJson(message); a test holds the two together.
 */
export function writePriceMessage(message: ListingsFeedMessage): string {
  const patches = message.patches.map((patch) => {
    const offers = patch.value.map(
      (o) =>
        `{"marketplace_id":${q(o.marketplace_id)},"currency":${q(o.currency)},"audience":${q(o.audience)},"our_price":${scheduleJson(o.our_price)}` +
        (o.minimum_seller_allowed_price ? `,"minimum_seller_allowed_price":${scheduleJson(o.minimum_seller_allowed_price)}` : '') +
        (o.maximum_seller_allowed_price ? `,"maximum_seller_allowed_price":${scheduleJson(o.maximum_seller_allowed_price)}` : '') +
        '}',
    );
    return `{"op":${q(patch.op)},"path":${q(patch.path)},"value":[${offers.join(',')}]}`;
  });
  return `{"messageId":${message.messageId},"sku":${q(message.sku)},"operationType":"PATCH","productType":${q(message.productType)},"patches":[${patches.join(',')}]}`;
}
