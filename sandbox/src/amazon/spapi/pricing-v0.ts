// Product Pricing API v0: getPricing, getCompetitivePricing, getItemOffers, getListingOffers and their
// batch forms, computed from the live offers and Buy Box of the sandbox's marketplace.
import { randomUUID } from 'node:crypto';
import { marketplace } from '../marketplaces';
import { buyBoxWinner, isFeaturedMerchant, lowestOffer, marketOffers, type MarketOffer } from '../market';
import { moneyTypeV0 } from '../money';
import type { Listing } from '../state';
import { SpApiError, invalidInput, invalidMarketplaces } from './errors';
import { requireMarketplaces, type SpCall, type SpHandler } from './router';

type Condition = 'New' | 'Used' | 'Collectible' | 'Refurbished' | 'Club';

function regionMarketplace(call: SpCall, id: unknown): string {
  const mp = marketplace(String(id));
  if (!mp || mp.region !== call.region) throw invalidMarketplaces('MarketplaceId');
  return mp.id;
}

function conditionOf(listing: Listing): Condition {
  return listing.conditionType.startsWith('new') ? 'New' : listing.conditionType.startsWith('collectible') ? 'Collectible' : 'Used';
}

function ownOffers(call: SpCall, mp: string, listings: Listing[], condition?: string) {
  return listings
    .filter((l) => l.offers[mp] && (!condition || conditionOf(l) === condition))
    .map((l) => {
      const price = l.offers[mp]!.price;
      const shipping = { CurrencyCode: price.currency, Amount: 0 };
      return {
        offerType: 'B2C',
        BuyingPrice: { ListingPrice: moneyTypeV0(price), LandedPrice: moneyTypeV0(price), Shipping: shipping },
        RegularPrice: moneyTypeV0(price),
        FulfillmentChannel: l.fulfillmentChannelCode.startsWith('AMAZON') ? 'AMAZON' : 'MERCHANT',
        ItemCondition: conditionOf(l),
        ItemSubCondition: conditionOf(l),
        SellerSKU: l.sku,
      };
    });
}

/** The items a getPricing / getCompetitivePricing call names, as (identifier, asin, listing) triples. */
function requestedItems(call: SpCall, mp: string): { id: string; asin?: string; listing?: Listing }[] {
  const type = call.params.ItemType as 'Asin' | 'Sku';
  const asins = call.params.Asins as string[] | undefined;
  const skus = call.params.Skus as string[] | undefined;
  if (type === 'Asin') {
    if (!asins) throw invalidInput('Asins is required when ItemType is Asin.');
    return asins.map((asin) => ({ id: asin, asin: call.world.state.catalog[asin]?.marketplaceIds.includes(mp) ? asin : undefined }));
  }
  if (!skus) throw invalidInput('Skus is required when ItemType is Sku.');
  return skus.map((sku) => {
    const listing = call.seller.listings[sku];
    return { id: sku, asin: listing?.offers[mp] ? listing.asin : undefined, listing: listing?.offers[mp] ? listing : undefined };
  });
}

function identifiers(call: SpCall, mp: string, asin: string, sku?: string) {
  return {
    MarketplaceASIN: { MarketplaceId: mp, ASIN: asin },
    ...(sku ? { SKUIdentifier: { MarketplaceId: mp, SellerId: call.seller.sellerId, SellerSKU: sku } } : {}),
  };
}

function keyOf(call: SpCall, id: string) {
  return call.params.ItemType === 'Asin' ? { ASIN: id } : { SellerSKU: id };
}

function clientError(call: SpCall, mp: string, id: string) {
  return { status: 'ClientError', ...keyOf(call, id), Product: { Identifiers: { MarketplaceASIN: { MarketplaceId: mp, ASIN: call.params.ItemType === 'Asin' ? id : '' } } } };
}

export const getPricing: SpHandler = (call) => {
  const mp = requireMarketplaces(call, call.params.MarketplaceId, 'MarketplaceId')[0]!;
  const condition = call.params.ItemCondition as string | undefined;
  const b2b = call.params.OfferType === 'B2B';
  const payload = requestedItems(call, mp).map(({ id, asin, listing }) => {
    if (!asin) return clientError(call, mp, id);
    const listings = listing ? [listing] : Object.values(call.seller.listings).filter((l) => l.asin === asin);
    return {
      status: 'Success',
      ...keyOf(call, id),
      Product: {
        Identifiers: identifiers(call, mp, asin, listing?.sku),
        Offers: b2b ? [] : ownOffers(call, mp, listings, condition),
      },
    };
  });
  return { status: 200, body: { payload } };
};

function salesRankings(call: SpCall, asin: string) {
  const item = call.world.state.catalog[asin];
  return item ? [{ ProductCategoryId: item.websiteDisplayGroup, Rank: item.salesRank * 7 }, { ProductCategoryId: item.classificationId, Rank: item.salesRank }] : [];
}

function priceTypeV0(o: MarketOffer) {
  return { LandedPrice: moneyTypeV0(o.landed), ListingPrice: moneyTypeV0(o.price), Shipping: moneyTypeV0(o.shipping) };
}

export const getCompetitivePricing: SpHandler = (call) => {
  const mp = regionMarketplace(call, call.params.MarketplaceId);
  if (call.params.ItemType === 'Sku') requireMarketplaces(call, mp, 'MarketplaceId');
  const business = call.params.CustomerType === 'Business';
  const payload = requestedItems(call, mp).map(({ id, asin, listing }) => {
    if (!asin) return clientError(call, mp, id);
    const offers = business ? [] : marketOffers(call.world, asin, mp);
    const competitivePrices = [];
    const winner = buyBoxWinner(call.world, asin, mp, offers);
    if (winner) {
      competitivePrices.push({
        CompetitivePriceId: '1',
        Price: priceTypeV0(winner),
        condition: 'New',
        subcondition: 'New',
        offerType: 'B2C',
        belongsToRequester: winner.sellerId === call.seller.sellerId,
      });
    }
    const usedBest = lowestOffer(offers, 'Used');
    if (usedBest) {
      competitivePrices.push({
        CompetitivePriceId: '2',
        Price: priceTypeV0(usedBest),
        condition: 'Used',
        subcondition: 'Good',
        offerType: 'B2C',
        belongsToRequester: usedBest.sellerId === call.seller.sellerId,
      });
    }
    const count = (c?: 'New' | 'Used') => offers.filter((o) => !c || o.condition === c).length;
    return {
      status: 'Success',
      ...keyOf(call, id),
      Product: {
        Identifiers: identifiers(call, mp, asin, listing?.sku),
        CompetitivePricing: {
          CompetitivePrices: competitivePrices,
          NumberOfOfferListings: [
            { condition: 'New', Count: count('New') },
            { condition: 'Used', Count: count('Used') },
            { condition: 'Any', Count: count() },
          ],
        },
        SalesRankings: salesRankings(call, asin),
      },
    };
  });
  return { status: 200, body: { payload } };
};

/** The GetOffersResult of getItemOffers / getListingOffers. */
function offersResult(call: SpCall, mp: string, asin: string, condition: Condition, customerType: string | undefined, sku?: string) {
  const all = customerType === 'Business' ? [] : marketOffers(call.world, asin, mp);
  const winner = buyBoxWinner(call.world, asin, mp, all);
  const offers = all.filter((o) => o.condition === condition);
  const channel = (o: MarketOffer) => (o.fulfillment === 'AFN' ? 'Amazon' : 'Merchant');
  const counts = new Map<string, { condition: string; fulfillmentChannel: 'Amazon' | 'Merchant'; OfferCount: number }>();
  const eligible = new Map<string, { condition: string; fulfillmentChannel: 'Amazon' | 'Merchant'; OfferCount: number }>();
  const lowest: Record<string, unknown>[] = [];
  for (const o of all) {
    const key = `${o.condition}|${channel(o)}`;
    const entry = counts.get(key) ?? { condition: o.condition.toLowerCase(), fulfillmentChannel: channel(o), OfferCount: 0 };
    entry.OfferCount++;
    counts.set(key, entry);
    if (isFeaturedMerchant(o)) {
      const e = eligible.get(key) ?? { condition: 'new', fulfillmentChannel: channel(o), OfferCount: 0 };
      e.OfferCount++;
      eligible.set(key, e);
    }
  }
  for (const c of ['New', 'Used'] as const) {
    for (const f of ['AFN', 'MFN'] as const) {
      const o = lowestOffer(all, c, f);
      if (o) lowest.push({ condition: c.toLowerCase(), fulfillmentChannel: channel(o), offerType: 'B2C', ...priceTypeV0(o) });
    }
  }
  const item = call.world.state.catalog[asin];
  const summary: Record<string, unknown> = {
    TotalOfferCount: all.length,
    NumberOfOffers: [...counts.values()],
    LowestPrices: lowest,
    BuyBoxPrices: winner ? [{ condition: 'New', offerType: 'B2C', ...priceTypeV0(winner), sellerId: winner.sellerId }] : [],
    SalesRankings: salesRankings(call, asin),
    BuyBoxEligibleOffers: [...eligible.values()],
    OffersAvailableTime: new Date(call.world.now()).toISOString(),
  };
  if (item?.listPrices[mp]) summary.ListPrice = moneyTypeV0(item.listPrices[mp]);
  return {
    marketplaceId: mp,
    ...(sku ? { SKU: sku } : { ASIN: asin }),
    status: 'Success',
    ItemCondition: condition,
    Identifier: { MarketplaceId: mp, ...(sku ? { SellerSKU: sku } : { ASIN: asin }), ItemCondition: condition },
    Summary: summary,
    Offers: offers.slice(0, 20).map((o) => ({
      MyOffer: o.sellerId === call.seller.sellerId,
      offerType: 'B2C',
      SubCondition: o.subCondition,
      SellerId: o.sellerId,
      SellerFeedbackRating: { SellerPositiveFeedbackRating: o.feedbackPercent, FeedbackCount: o.feedbackCount },
      ShippingTime: { minimumHours: o.fulfillment === 'AFN' ? 0 : 24, maximumHours: o.fulfillment === 'AFN' ? 0 : 48, availabilityType: 'NOW' },
      ListingPrice: moneyTypeV0(o.price),
      Shipping: moneyTypeV0(o.shipping),
      ShipsFrom: { Country: o.shipsFromCountry },
      IsFulfilledByAmazon: o.fulfillment === 'AFN',
      PrimeInformation: { IsPrime: o.prime, IsNationalPrime: o.prime },
      IsBuyBoxWinner: winner?.sellerId === o.sellerId,
      IsFeaturedMerchant: isFeaturedMerchant(o),
    })),
  };
}

function itemOffers(call: SpCall, asin: string, marketplaceId: unknown, condition: unknown, customerType: unknown) {
  const mp = regionMarketplace(call, marketplaceId);
  if (!call.world.state.catalog[asin]?.marketplaceIds.includes(mp)) throw invalidInput(`Invalid ASIN ${asin} for marketplace ${mp}`);
  return offersResult(call, mp, asin, condition as Condition, customerType as string | undefined);
}

function listingOffers(call: SpCall, sku: string, marketplaceId: unknown, condition: unknown, customerType: unknown) {
  const mp = requireMarketplaces(call, marketplaceId, 'MarketplaceId')[0]!;
  const listing = call.seller.listings[sku];
  if (!listing?.offers[mp]) throw invalidInput(`Invalid SellerSKU ${sku} for marketplace ${mp}`);
  return offersResult(call, mp, listing.asin, condition as Condition, customerType as string | undefined, sku);
}

export const getItemOffers: SpHandler = (call) => ({
  status: 200,
  body: { payload: itemOffers(call, String(call.params.Asin), call.params.MarketplaceId, call.params.ItemCondition, call.params.CustomerType) },
});

export const getListingOffers: SpHandler = (call) => ({
  status: 200,
  body: { payload: listingOffers(call, String(call.params.SellerSKU), call.params.MarketplaceId, call.params.ItemCondition, call.params.CustomerType) },
});

interface BatchRequest {
  uri: string;
  method: string;
  MarketplaceId: string;
  ItemCondition: string;
  CustomerType?: string;
}

const REASONS: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 404: 'Not Found' };

function batch(call: SpCall, uriPattern: RegExp, key: 'Asin' | 'SellerSKU', run: (id: string, r: BatchRequest) => unknown) {
  const requests = (call.body as { requests?: BatchRequest[] }).requests;
  if (!requests?.length) throw invalidInput('requests must contain between 1 and 20 requests.');
  const responses = requests.map((r) => {
    const headers = { 'x-amzn-RequestId': randomUUID(), Date: new Date(call.world.now()).toUTCString() };
    const m = uriPattern.exec(r.uri);
    const id = m ? decodeURIComponent(m[1]!) : undefined;
    const request = { MarketplaceId: r.MarketplaceId, ItemCondition: r.ItemCondition, ...(r.CustomerType ? { CustomerType: r.CustomerType } : {}), ...(id ? { [key]: id } : {}) };
    try {
      if (!id || r.method !== 'GET') throw invalidInput(`Invalid uri or method for this batch: ${r.method} ${r.uri}`);
      return { status: { statusCode: 200, reasonPhrase: REASONS[200] }, body: { payload: run(id, r) }, headers, request };
    } catch (e) {
      if (!(e instanceof SpApiError)) throw e;
      return { status: { statusCode: e.status, reasonPhrase: REASONS[e.status] ?? 'Error' }, body: e.toBody(), headers, request };
    }
  });
  return { status: 200, body: { responses } };
}

export const getItemOffersBatch: SpHandler = (call) =>
  batch(call, /^\/products\/pricing\/v0\/items\/([^/]+)\/offers$/, 'Asin', (asin, r) => itemOffers(call, asin, r.MarketplaceId, r.ItemCondition, r.CustomerType));

export const getListingOffersBatch: SpHandler = (call) =>
  batch(call, /^\/products\/pricing\/v0\/listings\/([^/]+)\/offers$/, 'SellerSKU', (sku, r) => listingOffers(call, sku, r.MarketplaceId, r.ItemCondition, r.CustomerType));
