// Product Pricing API 2022-05-01 getCompetitiveSummary: featured offer (Buy Box), lowest priced offers
// and reference prices for up to 20 ASINs per call.
import { marketplace } from '../marketplaces';
import { buyBoxWinner, marketOffers, type MarketOffer } from '../market';
import { moneyType2022 } from '../money';
import { SpApiError } from './errors';
import type { SpCall, SpHandler } from './router';

interface SummaryRequest {
  asin: string;
  marketplaceId: string;
  includedData: string[];
  lowestPricedOffersInputs?: { itemCondition: string; offerType: string }[];
  method: string;
  uri: string;
}

const ASIN = /^[A-Z0-9]{10}$/;

function offer2022(o: MarketOffer) {
  return {
    sellerId: o.sellerId,
    condition: o.condition,
    subCondition: o.condition === 'New' ? 'New' : 'Good',
    fulfillmentType: o.fulfillment,
    listingPrice: moneyType2022(o.price),
    shippingOptions: [{ shippingOptionType: 'DEFAULT', price: moneyType2022(o.shipping) }],
    primeDetails: { eligibility: o.prime ? 'NATIONAL' : 'NONE' },
  };
}

function summary(call: SpCall, r: SummaryRequest) {
  const status = (statusCode: number, reasonPhrase: string) => ({ statusCode, reasonPhrase });
  const mp = marketplace(r.marketplaceId);
  if (!mp || mp.region !== call.region) {
    return {
      status: status(400, 'Bad Request'),
      body: { asin: r.asin, marketplaceId: r.marketplaceId, errors: [{ code: 'INVALID_MARKETPLACE_ID', message: `${r.marketplaceId} is not a valid marketplace for this region` }] },
    };
  }
  const item = call.world.state.catalog[r.asin];
  if (!item || !item.marketplaceIds.includes(mp.id)) {
    return {
      status: status(404, 'Not Found'),
      body: { asin: r.asin, marketplaceId: mp.id, errors: [{ code: 'NOT_FOUND', message: `${r.asin} was not found in marketplace ${mp.id}` }] },
    };
  }
  const offers = marketOffers(call.world, r.asin, mp.id);
  const body: Record<string, unknown> = { asin: r.asin, marketplaceId: mp.id };
  if (r.includedData.includes('featuredBuyingOptions')) {
    const winner = buyBoxWinner(call.world, r.asin, mp.id, offers);
    body.featuredBuyingOptions = winner
      ? [
          {
            buyingOptionType: 'New',
            segmentedFeaturedOffers: [
              { ...offer2022(winner), featuredOfferSegments: [{ customerMembership: 'DEFAULT', segmentDetails: { glanceViewWeightPercentage: 100 } }] },
            ],
          },
        ]
      : [];
  }
  if (r.includedData.includes('lowestPricedOffers')) {
    const inputs = r.lowestPricedOffersInputs?.length ? r.lowestPricedOffersInputs : [{ itemCondition: 'New', offerType: 'Consumer' }];
    body.lowestPricedOffers = inputs
      .map((input) => ({ lowestPricedOffersInput: input, offers: offers.filter((o) => o.condition === input.itemCondition).slice(0, 20).map(offer2022) }))
      .filter((entry) => entry.offers.length > 0);
  }
  if (r.includedData.includes('referencePrices')) {
    const winner = buyBoxWinner(call.world, r.asin, mp.id, offers);
    body.referencePrices = winner ? [{ name: 'CompetitivePrice', price: moneyType2022(winner.landed) }] : [];
  }
  if (r.includedData.includes('similarItems')) body.similarItems = [];
  return { status: status(200, 'Success'), body };
}

export const getCompetitiveSummary: SpHandler = (call) => {
  const requests = (call.body as { requests: SummaryRequest[] }).requests;
  const bad = requests.find((r) => !ASIN.test(r.asin));
  if (bad) throw new SpApiError(400, 'INVALID_ASIN', `${bad.asin} is not a valid ASIN`);
  return { status: 200, body: { responses: requests.map((r) => summary(call, r)) } };
};
