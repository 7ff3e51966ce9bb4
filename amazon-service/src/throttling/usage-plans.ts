// Each SP-API operation's default usage plan (requests per second and burst), as published in the
// "Usage Plan" table of Amazon's models. They seed the limiters; `x-amzn-RateLimit-Limit` adjusts them,
// since Amazon may grant a seller a different rate. amazon-sp-api's own restore rates are partly stale.

export interface UsagePlan {
  /** Sustained requests per second. */
  rate: number;
  /** Bucket size: requests that may go at once after a quiet period. */
  burst: number;
}

export const USAGE_PLANS = {
  // Sellers API v1
  getMarketplaceParticipations: { rate: 0.016, burst: 15 },
  getAccount: { rate: 0.016, burst: 15 },
  // Listings Items API 2021-08-01
  getListingsItem: { rate: 5, burst: 10 },
  searchListingsItems: { rate: 5, burst: 5 },
  patchListingsItem: { rate: 5, burst: 5 },
  putListingsItem: { rate: 5, burst: 10 },
  deleteListingsItem: { rate: 5, burst: 5 },
  // Catalog Items API 2022-04-01
  searchCatalogItems: { rate: 2, burst: 2 },
  getCatalogItem: { rate: 2, burst: 2 },
  // Product Pricing API v0 and 2022-05-01
  getPricing: { rate: 0.5, burst: 1 },
  getCompetitivePricing: { rate: 0.5, burst: 1 },
  getListingOffers: { rate: 1, burst: 2 },
  getItemOffers: { rate: 0.5, burst: 1 },
  getItemOffersBatch: { rate: 0.1, burst: 1 },
  getListingOffersBatch: { rate: 0.5, burst: 1 },
  getCompetitiveSummary: { rate: 0.033, burst: 1 },
  getFeaturedOfferExpectedPriceBatch: { rate: 0.033, burst: 1 },
  // Product Fees API v0
  getMyFeesEstimateForSKU: { rate: 1, burst: 2 },
  getMyFeesEstimateForASIN: { rate: 1, burst: 2 },
  getMyFeesEstimates: { rate: 0.5, burst: 1 },
  // Feeds API 2021-06-30
  createFeedDocument: { rate: 0.5, burst: 15 },
  createFeed: { rate: 0.0083, burst: 15 },
  getFeed: { rate: 2, burst: 15 },
  getFeeds: { rate: 0.0222, burst: 10 },
  cancelFeed: { rate: 2, burst: 15 },
  getFeedDocument: { rate: 0.0222, burst: 10 },
  // Notifications API v1
  createDestination: { rate: 1, burst: 5 },
  getDestinations: { rate: 1, burst: 5 },
  createSubscription: { rate: 1, burst: 5 },
  getSubscription: { rate: 1, burst: 5 },
  deleteSubscriptionById: { rate: 1, burst: 5 },
} as const satisfies Record<string, UsagePlan>;

export type SpApiOperation = keyof typeof USAGE_PLANS;

/**
 * Limits Amazon puts on the application as a whole, across every seller it calls for (requests per second),
 * from Amazon's rate-limit pages (developer-docs.amazon.com/sp-api/docs/listings-items-api-rate-limits,
 * …/catalog-items-api-rate-limits); the models don't carry them. Feeds list "Not applicable"; Product
 * Pricing and Sellers list none. Amazon gives one burst column (the pair's): the application bucket holds
 * one second of its rate.
 */
export const APPLICATION_LIMITS: Readonly<Record<string, UsagePlan>> = {
  getListingsItem: { rate: 100, burst: 100 },
  patchListingsItem: { rate: 500, burst: 500 },
  putListingsItem: { rate: 100, burst: 100 },
  deleteListingsItem: { rate: 100, burst: 100 },
  getCatalogItem: { rate: 250, burst: 250 },
  searchCatalogItems: { rate: 500, burst: 500 },
};

/** Amazon's 429 message when the application's limit (not the seller's) was hit. */
export const APPLICATION_QUOTA_MESSAGE = 'The frequency of requests was greater than what is allowed for the application.';

/** Which level a 429 came from, by Amazon's message for it (Listings Items API rate limits, "Throttle error messages"). */
export function throttledLevel(message: string | undefined): 'application' | 'seller' {
  return message && /allowed for (the application|relationships|product data)/i.test(message) ? 'application' : 'seller';
}

export function usagePlanFor(operation: string): UsagePlan {
  return (USAGE_PLANS as Record<string, UsagePlan>)[operation] ?? { rate: 1, burst: 1 };
}

/**
 * JSON_LISTINGS_FEED submissions are capped separately from createFeed's usage plan:
 * at most 5 per 5 minutes per selling partner and region.
 */
export const LISTINGS_FEED_SUBMISSIONS = { count: 5, windowMs: 5 * 60_000 } as const;
