// Competitive prices for the seller's ASINs (Product Pricing v0 getItemOffersBatch, up to 20 ASINs per
// call): the Buy Box price and who holds it, the offers (Amazon's 20 lowest) with ours marked, the lowest
// competing offer and the offer count, recorded as CompetitorPriceObservation rows so the pricing policy
// sees how they move over time.
//
// Amazon's Summary.LowestPrices counts every offer, ours included: read alone, it makes our own price "the
// lowest offer" and the policy would undercut itself. The Offers list of the same answer says which offers
// are ours (MyOffer for the caller, SellerId for every seller account the shop holds), so the lowest
// competing offer comes from it, at no extra call.
import { addMoney, buyBoxOffer, lowestCompetingOffer, subtractMoney, type CompetitiveOffer, type Money } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
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
    SubCondition?: string;
  }[];
}
interface BatchAnswer {
  responses?: { status?: { statusCode?: number }; body?: { payload?: OffersPayload; errors?: { code: string; message: string }[] }; request?: { Asin?: string } }[];
}

export interface CompetitiveObservation {
  asin: string;
  marketplaceId: string;
  currency: string | null;
  buyBox: Money | null;
  buyBoxSellerId: string | null;
  buyBoxIsOurs: boolean | null;
  /** The lowest landed price among competing offers (ours excluded); null when only ours are left. */
  lowestOffer: Money | null;
  /** Every offer on the ASIN, ours included. */
  offerCount: number | null;
  /** The offers Amazon listed (its 20 lowest, cheapest first), each marked ours or not. */
  offers: CompetitiveOffer[];
  error?: { code: string; message: string };
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

/**
 * `ownSellerIds`: every seller account the shop holds in this marketplace; Amazon's MyOffer marks the
 * caller's own offer as well.
 */
export function observationFrom(asin: string, marketplaceId: string, ownSellerIds: ReadonlySet<string>, payload: OffersPayload): CompetitiveObservation {
  const summary = payload.Summary ?? {};
  const buyBoxPrice = summary.BuyBoxPrices?.find((b) => isNew(b.condition));
  const buyBox = money(buyBoxPrice?.LandedPrice);
  const offers: CompetitiveOffer[] = [];
  for (const o of payload.Offers ?? []) {
    const landed = landedPrice(o);
    if (!landed) continue;
    const sellerId = o.SellerId ?? null;
    offers.push({
      sellerId,
      isOurs: o.MyOffer === true || (sellerId !== null && ownSellerIds.has(sellerId)),
      fulfillment: o.IsFulfilledByAmazon ? 'AFN' : 'MFN',
      landed,
      isBuyBoxWinner: o.IsBuyBoxWinner === true,
    });
  }
  const winner = buyBoxOffer(offers, buyBox);
  const buyBoxSellerId = winner?.sellerId ?? buyBoxPrice?.sellerId ?? null;
  const lowestOffer = lowestCompetingOffer(offers)?.landed ?? null;
  return {
    asin,
    marketplaceId,
    currency: buyBox?.currency ?? offers[0]?.landed.currency ?? null,
    buyBox,
    buyBoxSellerId,
    buyBoxIsOurs: winner ? winner.isOurs : buyBoxSellerId !== null ? ownSellerIds.has(buyBoxSellerId) : buyBox ? false : null,
    lowestOffer,
    offerCount: typeof summary.TotalOfferCount === 'number' ? summary.TotalOfferCount : null,
    offers,
  };
}

/** Reads competitive prices for ASINs, 20 per call, waiting for the seller's getItemOffersBatch turn. */
export async function readCompetitivePrices(
  client: SpApiClient,
  marketplaceId: string,
  asins: readonly string[],
  options: { maxWaitMs?: number; ownSellerIds?: Iterable<string> } = {},
): Promise<CompetitiveObservation[]> {
  const ownSellerIds = new Set([client.sellingPartnerId, ...(options.ownSellerIds ?? [])]);
  const observations: CompetitiveObservation[] = [];
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
    part.forEach((asin, i) => {
      const response = answer.responses?.find((r) => r.request?.Asin === asin || r.body?.payload?.ASIN === asin) ?? answer.responses?.[i];
      const payload = response?.body?.payload;
      if (!payload || (response?.status?.statusCode ?? 200) >= 400) {
        const error = response?.body?.errors?.[0] ?? { code: 'NoOffers', message: 'Amazon returned no offers for this ASIN' };
        observations.push({ asin, marketplaceId, currency: null, buyBox: null, buyBoxSellerId: null, buyBoxIsOurs: null, lowestOffer: null, offerCount: null, offers: [], error });
        return;
      }
      observations.push(observationFrom(asin, marketplaceId, ownSellerIds, payload));
    });
  }
  return observations;
}

/** Records observations against the tenant's listings with those ASINs. */
export async function recordObservations(ctx: AmazonContext, projectId: string, observations: readonly CompetitiveObservation[]): Promise<number> {
  const valid = observations.filter((o) => !o.error && o.currency);
  if (valid.length === 0) return 0;
  const listings = await ctx.db.amazonListing.findMany({
    where: { projectId, asin: { in: valid.map((o) => o.asin) } },
    select: { id: true, asin: true, marketplaceId: true, externalId: true },
  });
  const observedAt = new Date();
  await ctx.db.amazonCompetitorObservation.createMany({
    data: valid.map((o) => {
      const listing = listings.find((l) => l.asin === o.asin && l.marketplaceId === o.marketplaceId);
      return {
        projectId,
        listingId: listing?.id ?? null,
        marketplaceId: o.marketplaceId,
        asin: o.asin,
        sku: listing?.externalId ?? null,
        currency: o.currency!,
        buyBoxAmount: o.buyBox?.amount ?? null,
        buyBoxSellerId: o.buyBoxSellerId,
        buyBoxIsOurs: o.buyBoxIsOurs,
        lowestOfferAmount: o.lowestOffer?.amount ?? null,
        offerCount: o.offerCount,
        // Amounts as decimal strings in the row's currency: the policy reads who competes from here.
        details: { offers: o.offers.map((offer) => ({ ...offer, landed: offer.landed.amount })) },
        observedAt,
      };
    }),
  });
  return valid.length;
}
