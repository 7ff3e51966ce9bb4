// Minimal built-in copy of the facts the sandbox needs about each operation it serves (path, method,
// usage plan, required parameters), used when Amazon's models aren't on disk. The models win when present.
import type { ParamSpec } from './operations';

export interface BuiltinOperation {
  api: string;
  operationId: string;
  method: string;
  path: string;
  rate: number;
  burst: number;
  params: ParamSpec[];
  grantless?: boolean;
}

const q = (name: string, extra: Partial<ParamSpec> = {}): ParamSpec => ({ name, in: 'query', required: false, type: 'string', ...extra });
const req = (name: string, extra: Partial<ParamSpec> = {}): ParamSpec => q(name, { required: true, ...extra });
const p = (name: string): ParamSpec => ({ name, in: 'path', required: true, type: 'string' });
const csv = (extra: Partial<ParamSpec> = {}): Partial<ParamSpec> => ({ type: 'array', items: { type: 'string' }, collectionFormat: 'csv', ...extra });
const body = (name: string, schema: Record<string, unknown>): ParamSpec => ({ name, in: 'body', required: true, schema });

const obj = (required: string[], properties: Record<string, unknown> = {}) => ({ type: 'object', required, properties });
const requestsBody = (itemRequired: string[]) =>
  obj(['requests'], {
    requests: { type: 'array', minItems: 1, maxItems: 20, items: obj(itemRequired) },
  });

const LISTINGS = 'listingsItems_2021-08-01';
const PRICING = 'productPricingV0';
const FEES = 'productFeesV0';
const NOTIFICATIONS = 'notifications';

export const BUILTIN_OPERATIONS: BuiltinOperation[] = [
  { api: 'sellers', operationId: 'getMarketplaceParticipations', method: 'GET', path: '/sellers/v1/marketplaceParticipations', rate: 0.016, burst: 15, params: [] },
  { api: 'sellers', operationId: 'getAccount', method: 'GET', path: '/sellers/v1/account', rate: 0.016, burst: 15, params: [] },
  {
    api: LISTINGS, operationId: 'getListingsItem', method: 'GET', path: '/listings/2021-08-01/items/{sellerId}/{sku}', rate: 5, burst: 10,
    params: [p('sellerId'), p('sku'), req('marketplaceIds', csv()), q('issueLocale'), q('includedData', csv())],
  },
  {
    api: LISTINGS, operationId: 'searchListingsItems', method: 'GET', path: '/listings/2021-08-01/items/{sellerId}', rate: 5, burst: 5,
    params: [
      p('sellerId'), req('marketplaceIds', csv()), q('includedData', csv()), q('identifiers', csv({ maxItems: 20 })),
      q('identifiersType'), q('pageSize', { type: 'integer', maximum: 20 }), q('pageToken'), q('sortBy'), q('sortOrder'),
    ],
  },
  {
    api: LISTINGS, operationId: 'patchListingsItem', method: 'PATCH', path: '/listings/2021-08-01/items/{sellerId}/{sku}', rate: 5, burst: 5,
    params: [p('sellerId'), p('sku'), req('marketplaceIds', csv()), q('includedData', csv()), q('mode'), body('body', obj(['productType', 'patches']))],
  },
  {
    api: LISTINGS, operationId: 'putListingsItem', method: 'PUT', path: '/listings/2021-08-01/items/{sellerId}/{sku}', rate: 5, burst: 10,
    params: [p('sellerId'), p('sku'), req('marketplaceIds', csv({ maxItems: 1 })), q('mode'), body('body', obj(['productType', 'attributes']))],
  },
  {
    api: LISTINGS, operationId: 'deleteListingsItem', method: 'DELETE', path: '/listings/2021-08-01/items/{sellerId}/{sku}', rate: 5, burst: 5,
    params: [p('sellerId'), p('sku'), req('marketplaceIds', csv({ maxItems: 1 }))],
  },
  {
    api: 'catalogItems_2022-04-01', operationId: 'getCatalogItem', method: 'GET', path: '/catalog/2022-04-01/items/{asin}', rate: 2, burst: 2,
    params: [p('asin'), req('marketplaceIds', csv()), q('includedData', csv())],
  },
  {
    api: 'catalogItems_2022-04-01', operationId: 'searchCatalogItems', method: 'GET', path: '/catalog/2022-04-01/items', rate: 2, burst: 2,
    params: [
      req('marketplaceIds', csv({ maxItems: 1 })), q('identifiers', csv({ maxItems: 20 })), q('identifiersType'), q('keywords', csv({ maxItems: 20 })),
      q('includedData', csv()), q('sellerId'), q('pageSize', { type: 'integer', maximum: 20 }), q('pageToken'),
    ],
  },
  {
    api: PRICING, operationId: 'getPricing', method: 'GET', path: '/products/pricing/v0/price', rate: 0.5, burst: 1,
    params: [req('MarketplaceId'), q('Asins', csv({ maxItems: 20 })), q('Skus', csv({ maxItems: 20 })), req('ItemType', { enum: ['Asin', 'Sku'] })],
  },
  {
    api: PRICING, operationId: 'getCompetitivePricing', method: 'GET', path: '/products/pricing/v0/competitivePrice', rate: 0.5, burst: 1,
    params: [req('MarketplaceId'), q('Asins', csv({ maxItems: 20 })), q('Skus', csv({ maxItems: 20 })), req('ItemType', { enum: ['Asin', 'Sku'] })],
  },
  {
    api: PRICING, operationId: 'getListingOffers', method: 'GET', path: '/products/pricing/v0/listings/{SellerSKU}/offers', rate: 1, burst: 2,
    params: [p('SellerSKU'), req('MarketplaceId'), req('ItemCondition')],
  },
  {
    api: PRICING, operationId: 'getItemOffers', method: 'GET', path: '/products/pricing/v0/items/{Asin}/offers', rate: 0.5, burst: 1,
    params: [p('Asin'), req('MarketplaceId'), req('ItemCondition')],
  },
  {
    api: PRICING, operationId: 'getItemOffersBatch', method: 'POST', path: '/batches/products/pricing/v0/itemOffers', rate: 0.1, burst: 1,
    params: [body('getItemOffersBatchRequestBody', requestsBody(['uri', 'method', 'MarketplaceId', 'ItemCondition']))],
  },
  {
    api: PRICING, operationId: 'getListingOffersBatch', method: 'POST', path: '/batches/products/pricing/v0/listingOffers', rate: 0.5, burst: 1,
    params: [body('getListingOffersBatchRequestBody', requestsBody(['uri', 'method', 'MarketplaceId', 'ItemCondition']))],
  },
  {
    api: 'productPricing_2022-05-01', operationId: 'getCompetitiveSummary', method: 'POST', path: '/batches/products/pricing/2022-05-01/items/competitiveSummary', rate: 0.033, burst: 1,
    params: [body('requests', requestsBody(['asin', 'marketplaceId', 'includedData', 'method', 'uri']))],
  },
  {
    api: FEES, operationId: 'getMyFeesEstimateForSKU', method: 'POST', path: '/products/fees/v0/listings/{SellerSKU}/feesEstimate', rate: 1, burst: 2,
    params: [p('SellerSKU'), body('body', obj(['FeesEstimateRequest']))],
  },
  {
    api: FEES, operationId: 'getMyFeesEstimateForASIN', method: 'POST', path: '/products/fees/v0/items/{Asin}/feesEstimate', rate: 1, burst: 2,
    params: [p('Asin'), body('body', obj(['FeesEstimateRequest']))],
  },
  {
    api: FEES, operationId: 'getMyFeesEstimates', method: 'POST', path: '/products/fees/v0/feesEstimate', rate: 0.5, burst: 1,
    params: [body('body', { type: 'array', minItems: 1, maxItems: 20, items: obj(['IdType', 'IdValue']) })],
  },
  {
    api: 'feeds_2021-06-30', operationId: 'getFeeds', method: 'GET', path: '/feeds/2021-06-30/feeds', rate: 0.0222, burst: 10,
    params: [q('feedTypes', csv({ maxItems: 10 })), q('marketplaceIds', csv({ maxItems: 10 })), q('pageSize', { type: 'integer', minimum: 1, maximum: 100 }), q('processingStatuses', csv()), q('createdSince'), q('createdUntil'), q('nextToken')],
  },
  {
    api: 'feeds_2021-06-30', operationId: 'createFeed', method: 'POST', path: '/feeds/2021-06-30/feeds', rate: 0.0083, burst: 15,
    params: [body('body', obj(['inputFeedDocumentId', 'feedType', 'marketplaceIds'], { marketplaceIds: { type: 'array', minItems: 1, maxItems: 25 } }))],
  },
  { api: 'feeds_2021-06-30', operationId: 'getFeed', method: 'GET', path: '/feeds/2021-06-30/feeds/{feedId}', rate: 2, burst: 15, params: [p('feedId')] },
  { api: 'feeds_2021-06-30', operationId: 'cancelFeed', method: 'DELETE', path: '/feeds/2021-06-30/feeds/{feedId}', rate: 2, burst: 15, params: [p('feedId')] },
  {
    api: 'feeds_2021-06-30', operationId: 'createFeedDocument', method: 'POST', path: '/feeds/2021-06-30/documents', rate: 0.5, burst: 15,
    params: [body('body', obj(['contentType'], { contentType: { type: 'string' } }))],
  },
  {
    api: 'feeds_2021-06-30', operationId: 'getFeedDocument', method: 'GET', path: '/feeds/2021-06-30/documents/{feedDocumentId}', rate: 0.0222, burst: 10,
    params: [p('feedDocumentId'), q('enableContentEncodingUrlHeader', { type: 'boolean' })],
  },
  // Notifications v1 (grantless where the model says so; the scope is checked by the router).
  { api: NOTIFICATIONS, operationId: 'getSubscription', method: 'GET', path: '/notifications/v1/subscriptions/{notificationType}', rate: 1, burst: 5, params: [p('notificationType'), q('payloadVersion')] },
  { api: NOTIFICATIONS, operationId: 'getSubscriptions', method: 'GET', path: '/notifications/v1/subscriptions', rate: 1, burst: 5, params: [req('notificationTypes', { ...csv({ maxItems: 1, minItems: 1 }) }), q('payloadVersion')] },
  {
    api: NOTIFICATIONS, operationId: 'createSubscription', method: 'POST', path: '/notifications/v1/subscriptions/{notificationType}', rate: 1, burst: 5,
    params: [p('notificationType'), body('body', obj(['destinationId', 'payloadVersion'], { destinationId: { type: 'string' }, payloadVersion: { type: 'string' } }))],
  },
  { api: NOTIFICATIONS, operationId: 'getSubscriptionById', method: 'GET', path: '/notifications/v1/subscriptions/{notificationType}/{subscriptionId}', rate: 1, burst: 5, params: [p('notificationType'), p('subscriptionId')], grantless: true },
  { api: NOTIFICATIONS, operationId: 'deleteSubscriptionById', method: 'DELETE', path: '/notifications/v1/subscriptions/{notificationType}/{subscriptionId}', rate: 1, burst: 5, params: [p('notificationType'), p('subscriptionId')], grantless: true },
  { api: NOTIFICATIONS, operationId: 'getDestinations', method: 'GET', path: '/notifications/v1/destinations', rate: 1, burst: 5, params: [], grantless: true },
  {
    api: NOTIFICATIONS, operationId: 'createDestination', method: 'POST', path: '/notifications/v1/destinations', rate: 1, burst: 5, grantless: true,
    params: [body('body', obj(['name', 'resourceSpecification'], { name: { type: 'string' }, resourceSpecification: { type: 'object' } }))],
  },
  { api: NOTIFICATIONS, operationId: 'getDestination', method: 'GET', path: '/notifications/v1/destinations/{destinationId}', rate: 1, burst: 5, params: [p('destinationId')], grantless: true },
  { api: NOTIFICATIONS, operationId: 'deleteDestination', method: 'DELETE', path: '/notifications/v1/destinations/{destinationId}', rate: 1, burst: 5, params: [p('destinationId')], grantless: true },
];
