// The bodies of the notifications the sandbox's Amazon sends, in Amazon's shapes: ANY_OFFER_CHANGED
// (PascalCase, the offers an ASIN has in a marketplace: the top 20 by landed price, the subscriber's own among
// them, told apart by SellerId as Amazon does), FEED_PROCESSING_FINISHED and PRICING_HEALTH (camelCase).
import { buyBoxWinner, isFeaturedMerchant, marketOffers, type MarketOffer } from '../market';
import { marketplace } from '../marketplaces';
import { moneyTypeV0, moneyType2022, type Price } from '../money';
import type { Feed } from '../state';
import type { AmazonWorld } from '../world';

/** What a notification has before the metadata of the subscription it goes out on. */
export interface NotificationBody {
  notificationType: string;
  payloadVersion: string;
  eventTime: string;
  payload: unknown;
  /** ANY_OFFER_CHANGED's envelope is PascalCase; the newer types' is camelCase. */
  pascal: boolean;
}

export interface MarketView {
  offers: MarketOffer[];
  winner?: MarketOffer;
}

export function marketView(world: AmazonWorld, asin: string, marketplaceId: string): MarketView {
  const offers = marketOffers(world, asin, marketplaceId);
  return { offers, winner: buyBoxWinner(world, asin, marketplaceId, offers) };
}

const channel = (o: MarketOffer) => (o.fulfillment === 'AFN' ? 'Amazon' : 'Merchant');

/** A reference price for the ASIN: its list price (MSRP) when the catalog has one, else the highest offer's landed price. */
export function referencePrice(world: AmazonWorld, asin: string, marketplaceId: string, offers: MarketOffer[]): Price | undefined {
  const list = world.state.catalog[asin]?.listPrices[marketplaceId];
  if (list) return list;
  return offers.length ? offers[offers.length - 1]!.landed : undefined;
}

function salesRankings(world: AmazonWorld, asin: string) {
  const item = world.state.catalog[asin];
  return item
    ? [
        { ProductCategoryId: item.websiteDisplayGroup, Rank: item.salesRank * 7 },
        { ProductCategoryId: item.classificationId, Rank: item.salesRank },
      ]
    : [];
}

function counts(offers: MarketOffer[]) {
  const byKey = new Map<string, { Condition: string; FulfillmentChannel: string; OfferCount: number }>();
  for (const o of offers) {
    const key = `${o.condition}|${channel(o)}`;
    const entry = byKey.get(key) ?? { Condition: o.condition.toLowerCase(), FulfillmentChannel: channel(o), OfferCount: 0 };
    entry.OfferCount++;
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}

export function anyOfferChanged(
  world: AmazonWorld,
  sellerId: string,
  asin: string,
  marketplaceId: string,
  view: MarketView,
  changeType: 'External' | 'Featured Offer',
): NotificationBody {
  const now = new Date(world.now()).toISOString();
  const { offers, winner } = view;
  const currency = marketplace(marketplaceId)?.defaultCurrencyCode ?? 'USD';
  const zero = { Amount: 0, CurrencyCode: currency };
  const reference = referencePrice(world, asin, marketplaceId, offers);
  const refMoney = reference ? moneyTypeV0(reference) : zero;
  const lowest = new Map<string, MarketOffer>();
  for (const o of offers) {
    const key = `${o.condition}|${channel(o)}`;
    if (!lowest.has(key)) lowest.set(key, o); // offers come sorted by landed price
  }
  const eligible = offers.filter(isFeaturedMerchant);
  const lowestNew = offers.find((o) => o.condition === 'New');
  const mp = marketplace(marketplaceId);
  return {
    notificationType: 'ANY_OFFER_CHANGED',
    payloadVersion: '1.0',
    eventTime: now,
    pascal: true,
    payload: {
      AnyOfferChangedNotification: {
        SellerId: sellerId,
        OfferChangeTrigger: { MarketplaceId: marketplaceId, ASIN: asin, ItemCondition: 'new', TimeOfOfferChange: now, OfferChangeType: changeType },
        Summary: {
          NumberOfOffers: counts(offers),
          LowestPrices: [...lowest.values()].map((o) => ({
            Condition: o.condition.toLowerCase(),
            FulfillmentChannel: channel(o),
            LandedPrice: moneyTypeV0(o.landed),
            ListingPrice: moneyTypeV0(o.price),
            Shipping: moneyTypeV0(o.shipping),
          })),
          BuyBoxPrices: winner
            ? [{ Condition: 'new', LandedPrice: moneyTypeV0(winner.landed), ListingPrice: moneyTypeV0(winner.price), Shipping: moneyTypeV0(winner.shipping) }]
            : [],
          ListPrice: refMoney,
          MinimumAdvertisedPrice: refMoney,
          SuggestedLowerPricePlusShipping: lowestNew ? moneyTypeV0(lowestNew.landed) : refMoney,
          TotalBuyBoxEligibleOffers: eligible.length,
          SalesRankings: salesRankings(world, asin),
          NumberOfBuyBoxEligibleOffers: counts(eligible),
          CompetitivePriceThreshold: refMoney,
        },
        Offers: offers.slice(0, 20).map((o) => ({
          SellerId: o.sellerId,
          SubCondition: o.subCondition,
          SellerFeedbackRating: { FeedbackCount: o.feedbackCount, SellerPositiveFeedbackRating: o.feedbackPercent },
          ShippingTime: { MinimumHours: o.prime ? 24 : 48, MaximumHours: o.prime ? 48 : 96, AvailabilityType: 'NOW', AvailableDate: now },
          ListingPrice: moneyTypeV0(o.price),
          Points: { PointsNumber: 0 },
          Shipping: moneyTypeV0(o.shipping),
          ShipsFrom: { Country: o.shipsFromCountry, State: '' },
          IsFulfilledByAmazon: o.fulfillment === 'AFN',
          PrimeInformation: { IsOfferPrime: o.prime, IsOfferNationalPrime: o.prime },
          IsExpeditedShippingAvailable: o.prime,
          IsFeaturedMerchant: isFeaturedMerchant(o),
          ShipsDomestically: o.shipsFromCountry === (mp?.countryCode ?? o.shipsFromCountry),
          ShipsInternationally: false,
        })),
      },
    },
  };
}

export function feedProcessingFinished(world: AmazonWorld, feed: Feed): NotificationBody {
  return {
    notificationType: 'FEED_PROCESSING_FINISHED',
    payloadVersion: '2020-09-04',
    eventTime: feed.processingEndTime ?? new Date(world.now()).toISOString(),
    pascal: false,
    payload: {
      feedProcessingFinishedNotification: {
        sellerId: feed.sellerId,
        accountId: `amzn1.merchant.o.${feed.sellerId}`,
        feedId: feed.feedId,
        feedType: feed.feedType,
        processingStatus: feed.processingStatus,
        ...(feed.resultFeedDocumentId ? { resultFeedDocumentId: feed.resultFeedDocumentId } : {}),
      },
    },
  };
}

export function pricingHealth(world: AmazonWorld, sellerId: string, asin: string, marketplaceId: string, own: MarketOffer, view: MarketView): NotificationBody {
  const now = new Date(world.now()).toISOString();
  const reference = referencePrice(world, asin, marketplaceId, view.offers);
  const fulfillmentType = (o: MarketOffer) => o.fulfillment;
  const count = (offers: MarketOffer[]) => {
    const byKey = new Map<string, { condition: string; fulfillmentType: string; offerCount: number }>();
    for (const o of offers) {
      const key = `${o.condition}|${o.fulfillment}`;
      const e = byKey.get(key) ?? { condition: o.condition.toLowerCase(), fulfillmentType: fulfillmentType(o), offerCount: 0 };
      e.offerCount++;
      byKey.set(key, e);
    }
    return [...byKey.values()];
  };
  const item = world.state.catalog[asin];
  return {
    notificationType: 'PRICING_HEALTH',
    payloadVersion: '1.0',
    eventTime: now,
    pascal: false,
    payload: {
      issueType: 'BuyBoxDisqualification',
      sellerId,
      offerChangeTrigger: { marketplaceId, asin, itemCondition: 'new', timeOfOfferChange: now },
      merchantOffer: {
        condition: own.condition.toLowerCase(),
        fulfillmentType: own.fulfillment,
        listingPrice: moneyType2022(own.price),
        shipping: moneyType2022(own.shipping),
        landedPrice: moneyType2022(own.landed),
      },
      summary: {
        numberOfOffers: count(view.offers),
        buyBoxEligibleOffers: count(view.offers.filter(isFeaturedMerchant)),
        ...(view.winner
          ? { buyBoxPrices: [{ condition: 'new', listingPrice: moneyType2022(view.winner.price), shipping: moneyType2022(view.winner.shipping), landedPrice: moneyType2022(view.winner.landed) }] }
          : {}),
        salesRankings: item
          ? [
              { productCategoryId: item.websiteDisplayGroup, rank: item.salesRank * 7 },
              { productCategoryId: item.classificationId, rank: item.salesRank },
            ]
          : [],
        referencePrice: reference ? { competitivePriceThreshold: moneyType2022(reference), ...(item?.listPrices[marketplaceId] ? { msrpPrice: moneyType2022(item.listPrices[marketplaceId]) } : {}) } : {},
      },
    },
  };
}
