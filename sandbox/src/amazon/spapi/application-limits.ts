// Per-application rate limits: besides each selling partner + application pair's usage plan (the models'
// "Usage Plan" tables), Amazon caps some operations for the application as a whole, across every seller
// it serves. The models don't carry these; the figures are Amazon's rate-limit pages (requests per second):
// developer-docs.amazon.com/sp-api/docs/listings-items-api-rate-limits (Listings Items 2021-08-01) and
// …/catalog-items-api-rate-limits (Catalog Items 2022-04-01). Feeds list "Not applicable"; Product Pricing and
// Sellers list none. Amazon gives one burst column (the pair's); the application bucket holds one second
// of its rate.

export interface ApplicationLimit {
  /** Requests per second for the application across all sellers. */
  rate: number;
  burst: number;
}

export const APPLICATION_RATE_LIMITS: Readonly<Record<string, ApplicationLimit>> = {
  getListingsItem: { rate: 100, burst: 100 },
  patchListingsItem: { rate: 500, burst: 500 },
  putListingsItem: { rate: 100, burst: 100 },
  deleteListingsItem: { rate: 100, burst: 100 },
  getCatalogItem: { rate: 250, burst: 250 },
  searchCatalogItems: { rate: 500, burst: 500 },
};

/** Amazon's words for each level (Listings Items API rate limits, "Throttle error messages"). */
export const SELLER_QUOTA_MESSAGE = 'You exceeded your quota for the requested resource.';
export const APPLICATION_QUOTA_MESSAGE = 'The frequency of requests was greater than what is allowed for the application.';
