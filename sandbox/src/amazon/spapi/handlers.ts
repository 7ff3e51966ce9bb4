// The stateful SP-API operations the sandbox serves, by operationId.
import type { FeedProcessor } from '../feeds/processor';
import { getCatalogItem, searchCatalogItems } from './catalog';
import { feedHandlers } from './feeds';
import { deleteListingsItem, getListingsItem, patchListingsItem, putListingsItem, searchListingsItems } from './listings';
import { getCompetitiveSummary } from './pricing-2022';
import { getMyFeesEstimateForASIN, getMyFeesEstimateForSKU, getMyFeesEstimates } from './product-fees';
import { getCompetitivePricing, getItemOffers, getItemOffersBatch, getListingOffers, getListingOffersBatch, getPricing } from './pricing-v0';
import type { SpHandler } from './router';
import type { SqsService } from '../sqs/queues';
import { notificationHandlers } from '../notifications/api';
import { getAccount, getMarketplaceParticipations } from './sellers';

export function spApiHandlers(processor: FeedProcessor, sqs: SqsService): Record<string, SpHandler> {
  return {
    ...notificationHandlers(sqs).seller,
    getMarketplaceParticipations,
    getAccount,
    getListingsItem,
    searchListingsItems,
    patchListingsItem,
    putListingsItem,
    deleteListingsItem,
    getCatalogItem,
    searchCatalogItems,
    getPricing,
    getCompetitivePricing,
    getItemOffers,
    getListingOffers,
    getItemOffersBatch,
    getListingOffersBatch,
    getCompetitiveSummary,
    getMyFeesEstimateForSKU,
    getMyFeesEstimateForASIN,
    getMyFeesEstimates,
    ...feedHandlers(processor),
  };
}
