// Competitive prices for the seller's ASINs (Product Pricing v0 getItemOffersBatch, up to 20 ASINs per
// call): the Buy Box price and who holds it, the lowest offers and the offer count, recorded as
// CompetitorPriceObservation rows so the pricing policy sees how they move over time.
import type { Money } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { chunks } from '../catalog/listing-store';
import { compareDecimals } from '../feeds/json-decimal';
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
    BuyBoxPrices?: { condition?: string; LandedPrice?: AmazonMoney; ListingPrice?: AmazonMoney }[];
    LowestPrices?: { condition?: string; fulfillmentChannel?: string; LandedPrice?: AmazonMoney; ListingPrice?: AmazonMoney }[];
    NumberOfOffers?: { condition?: string; fulfillmentChannel?: string; OfferCount?: number }[];
  };
  Offers?: { SellerId?: string; MyOffer?: boolean; IsBuyBoxWinner?: boolean; ListingPrice?: AmazonMoney; Shipping?: AmazonMoney; IsFulfilledByAmazon?: boolean; SubCondition?: string }[];
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
  lowestOffer: Money | null;
  offerCount: number | null;
  error?: { code: string; message: string };
}

const money = (m: AmazonMoney | undefined) => moneyFromAmazon(m?.Amount, m?.CurrencyCode);
const isNew = (condition: string | undefined) => !condition || condition.toLowerCase() === 'new';

function lowest(values: (Money | null)[]): Money | null {
  return values.filter((v): v is Money => v !== null).reduce<Money | null>((min, v) => (min === null || compareDecimals(v.amount, min.amount) < 0 ? v : min), null);
}

export function observationFrom(asin: string, marketplaceId: string, sellerId: string, payload: OffersPayload): CompetitiveObservation {
  const summary = payload.Summary ?? {};
  const buyBox = money(summary.BuyBoxPrices?.find((b) => isNew(b.condition))?.LandedPrice);
  const winner = payload.Offers?.find((o) => o.IsBuyBoxWinner);
  const lowestOffer = lowest((summary.LowestPrices ?? []).filter((l) => isNew(l.condition)).map((l) => money(l.LandedPrice ?? l.ListingPrice)));
  return {
    asin,
    marketplaceId,
    currency: buyBox?.currency ?? lowestOffer?.currency ?? null,
    buyBox,
    buyBoxSellerId: winner?.SellerId ?? null,
    buyBoxIsOurs: winner ? Boolean(winner.MyOffer || winner.SellerId === sellerId) : buyBox ? false : null,
    lowestOffer,
    offerCount: typeof summary.TotalOfferCount === 'number' ? summary.TotalOfferCount : null,
  };
}

/** Reads competitive prices for ASINs, 20 per call, waiting for the seller's getItemOffersBatch turn. */
export async function readCompetitivePrices(client: SpApiClient, marketplaceId: string, asins: readonly string[], options: { maxWaitMs?: number } = {}): Promise<CompetitiveObservation[]> {
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
        observations.push({ asin, marketplaceId, currency: null, buyBox: null, buyBoxSellerId: null, buyBoxIsOurs: null, lowestOffer: null, offerCount: null, error });
        return;
      }
      observations.push(observationFrom(asin, marketplaceId, client.sellingPartnerId, payload));
    });
  }
  return observations;
}

/** Records observations against the tenant's listings with those ASINs. */
export async function recordObservations(ctx: AmazonContext, projectId: string, observations: readonly CompetitiveObservation[]): Promise<number> {
  const valid = observations.filter((o) => !o.error && o.currency);
  if (valid.length === 0) return 0;
  const listings = await ctx.db.listing.findMany({
    where: { projectId, platform: 'amazon', asin: { in: valid.map((o) => o.asin) } },
    select: { id: true, asin: true, marketplaceId: true, externalId: true },
  });
  const observedAt = new Date();
  await ctx.db.competitorPriceObservation.createMany({
    data: valid.map((o) => {
      const listing = listings.find((l) => l.asin === o.asin && l.marketplaceId === o.marketplaceId);
      return {
        projectId,
        listingId: listing?.id ?? null,
        platform: 'amazon',
        marketplaceId: o.marketplaceId,
        asin: o.asin,
        sku: listing?.externalId ?? null,
        currency: o.currency!,
        buyBoxAmount: o.buyBox?.amount ?? null,
        buyBoxSellerId: o.buyBoxSellerId,
        buyBoxIsOurs: o.buyBoxIsOurs,
        lowestOfferAmount: o.lowestOffer?.amount ?? null,
        offerCount: o.offerCount,
        observedAt,
      };
    }),
  });
  return valid.length;
}
