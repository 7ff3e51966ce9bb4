// Competitive offers for the seller's ASINs (Product Pricing v0 getItemOffersBatch, up to 20 ASINs per
// call), served as the contract's `pricing.getCompetitiveOffers`: the Buy Box price, the offers (Amazon's
// 20 lowest) with ours marked, the offer count. The app records them and decides what moved.
//
// Amazon's Summary.LowestPrices counts every offer, ours included: read alone, it makes our own price "the
// lowest offer" and the policy would undercut itself. The Offers list of the same answer says which offers
// are ours (MyOffer for the caller, SellerId for every seller account the shop holds), so each is marked.
import { addMoney, subtractMoney, type CompetitiveListing, type CompetitiveOffer, type Money } from '@calibr/shared-contracts';
import { chunks } from '../catalog/listing-store';
import { moneyFromAmazon } from '../money/amazon-money';
import type { SpApiClient } from '../sp-api/sp-api-client';

/** Amazon's limit of requests in one getItemOffersBatch call. */
export const ITEM_OFFERS_BATCH_SIZE = 20;

type AmazonMoney = { CurrencyCode?: string; Amount?: number };
interface OffersPayload {
  ASIN?: string;
  status?: string;
  Summary?: {
    TotalOfferCount?: number;
    BuyBoxPrices?: { condition?: string; LandedPrice?: AmazonMoney; ListingPrice?: AmazonMoney; sellerId?: string }[];
    NumberOfOffers?: { condition?: string; fulfillmentChannel?: string; OfferCount?: number }[];
  };
  Offers?: {
    SellerId?: string;
    MyOffer?: boolean;
    IsBuyBoxWinner?: boolean;
    ListingPrice?: AmazonMoney;
    Shipping?: AmazonMoney;
    Points?: { PointsMonetaryValue?: AmazonMoney };
    IsFulfilledByAmazon?: boolean;
    IsFeaturedMerchant?: boolean;
    PrimeInformation?: { IsPrime?: boolean; IsNationalPrime?: boolean };
    SubCondition?: string;
    SellerFeedbackRating?: { SellerPositiveFeedbackRating?: number; FeedbackCount?: number };
  }[];
  ItemCondition?: string;
}
interface BatchAnswer {
  responses?: { status?: { statusCode?: number }; body?: { payload?: OffersPayload; errors?: { code: string; message: string }[] }; request?: { Asin?: string } }[];
}

const money = (m: AmazonMoney | undefined) => moneyFromAmazon(m?.Amount, m?.CurrencyCode);
const isNew = (condition: string | undefined) => !condition || condition.toLowerCase() === 'new';

/** Landed price as Amazon defines it: ListingPrice + Shipping − Points; null when it can't be read. */
function landedPrice(offer: NonNullable<OffersPayload['Offers']>[number]): Money | null {
  const listing = money(offer.ListingPrice);
  if (!listing) return null;
  const shipping = money(offer.Shipping);
  const points = money(offer.Points?.PointsMonetaryValue);
  const withShipping = shipping && shipping.currency === listing.currency ? addMoney(listing, shipping) : listing;
  return points && points.currency === listing.currency ? subtractMoney(withShipping, points) : withShipping;
}

/** Feedback figures as Amazon gave them, or null (it omits them for new sellers). */
const percentage = (value: unknown) => (typeof value === 'number' && value >= 0 && value <= 100 ? value : null);
const count = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null);

/**
 * `ownSellerIds`: every seller account the shop holds in this marketplace; Amazon's MyOffer marks the
 * caller's own offer as well.
 */
export function competitiveListingFrom(asin: string, marketplaceId: string, ownSellerIds: ReadonlySet<string>, payload: OffersPayload, observedAt: string): CompetitiveListing {
  const summary = payload.Summary ?? {};
  const buyBox = money(summary.BuyBoxPrices?.find((b) => isNew(b.condition))?.LandedPrice);
  const condition = (payload.ItemCondition ?? 'New').toLowerCase();
  const offers: CompetitiveOffer[] = [];
  for (const o of payload.Offers ?? []) {
    const landed = landedPrice(o);
    // One marketplace, one currency: an offer Amazon prices otherwise can't be compared.
    if (!landed || (buyBox && landed.currency !== buyBox.currency)) continue;
    const sellerId = o.SellerId ?? null;
    const rating = o.SellerFeedbackRating;
    offers.push({
      sellerId,
      isOurs: o.MyOffer === true || (sellerId !== null && ownSellerIds.has(sellerId)),
      fulfillment: o.IsFulfilledByAmazon ? 'AFN' : 'MFN',
      landed,
      isBuyBoxWinner: o.IsBuyBoxWinner === true,
      ...(typeof o.IsFeaturedMerchant === 'boolean' ? { isBuyBoxEligible: o.IsFeaturedMerchant } : {}),
      ...(typeof o.PrimeInformation?.IsPrime === 'boolean' ? { isPrime: o.PrimeInformation.IsPrime } : {}),
      condition,
      ...(rating ? { feedback: { percentage: percentage(rating.SellerPositiveFeedbackRating), count: count(rating.FeedbackCount) } } : {}),
    });
  }
  const currency = buyBox?.currency ?? offers[0]?.landed.currency ?? null;
  return {
    itemId: asin,
    marketplaceId,
    currency,
    buyBox,
    offerCount: typeof summary.TotalOfferCount === 'number' ? summary.TotalOfferCount : null,
    offers: offers.filter((o) => o.landed.currency === currency),
    observedAt,
  };
}

/** Reads competitive prices for ASINs, 20 per call, waiting for the seller's getItemOffersBatch turn. */
export async function readCompetitivePrices(
  client: SpApiClient,
  marketplaceId: string,
  asins: readonly string[],
  options: { maxWaitMs?: number; ownSellerIds?: Iterable<string> } = {},
): Promise<CompetitiveListing[]> {
  const ownSellerIds = new Set([client.sellingPartnerId, ...(options.ownSellerIds ?? [])]);
  const readings = new Map<string, CompetitiveListing>();
  for (const part of chunks([...new Set(asins)], ITEM_OFFERS_BATCH_SIZE)) {
    const answer = await client.call<BatchAnswer>(
      {
        operation: 'productPricing.getItemOffersBatch',
        body: {
          requests: part.map((asin) => ({
            uri: `/products/pricing/v0/items/${encodeURIComponent(asin)}/offers`,
            method: 'GET',
            MarketplaceId: marketplaceId,
            ItemCondition: 'New',
            CustomerType: 'Consumer',
          })),
        },
        version: 'v0',
      },
      options.maxWaitMs !== undefined ? { maxWaitMs: options.maxWaitMs } : {},
    );
    const observedAt = new Date().toISOString();
    part.forEach((asin, i) => {
      const response = answer.responses?.find((r) => r.request?.Asin === asin || r.body?.payload?.ASIN === asin) ?? answer.responses?.[i];
      const payload = response?.body?.payload;
      if (!payload || (response?.status?.statusCode ?? 200) >= 400) {
        const error = response?.body?.errors?.[0] ?? { code: 'NoOffers', message: 'Amazon returned no offers for this ASIN' };
        readings.set(asin, { itemId: asin, marketplaceId, currency: null, buyBox: null, offerCount: null, offers: [], observedAt, error: { code: error.code, message: error.message } });
        return;
      }
      readings.set(asin, competitiveListingFrom(asin, marketplaceId, ownSellerIds, payload, observedAt));
    });
  }
  // One answer per ASIN asked for, in the order asked (a repeated ASIN is read once).
  return asins.map((asin) => readings.get(asin)!);
}
