// Competitive prices through the Amazon service (it calls Product Pricing getItemOffersBatch within the
// seller's usage plan and records each reading as a CompetitorPriceObservation): a signed
// service-to-service call, scoped to the shop.
import { fromProblem, signRequest, type CompetitiveOffer } from '@calibr/shared-contracts';
import { amazonServiceConfig, remoteCallTimeoutMs } from '../../registry/service-config.server';

/** Amazon's limit of ASINs in one getItemOffersBatch call. */
export const OFFERS_BATCH_SIZE = 20;
const PATH = '/api/integrations/amazon/competitive';

export interface CompetitiveReading {
  asin: string;
  marketplaceId: string;
  currency: string | null;
  buyBox: { amount: string; currency: string } | null;
  buyBoxSellerId: string | null;
  buyBoxIsOurs: boolean | null;
  /** The lowest competing offer (ours excluded). */
  lowestOffer: { amount: string; currency: string } | null;
  offerCount: number | null;
  /** The offers Amazon listed, ours marked `isOurs`. */
  offers: CompetitiveOffer[];
  error?: { code: string; message: string };
}

export async function refreshCompetitivePrices(shop: string, asins: readonly string[], marketplaceId?: string): Promise<{ recorded: number; observations: CompetitiveReading[] }> {
  const { baseUrl, secret } = amazonServiceConfig();
  const body = JSON.stringify({ asins: [...asins], ...(marketplaceId ? { marketplaceId } : {}) });
  const headers = signRequest({ method: 'POST', path: PATH, tenantId: shop, body, secret });
  const response = await fetch(`${baseUrl}${PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body,
    // The service waits for the seller's getItemOffersBatch turn (up to 65 s) before answering.
    signal: AbortSignal.timeout(Math.max(remoteCallTimeoutMs(), 70_000)),
  });
  const text = await response.text();
  const json: unknown = text ? JSON.parse(text) : {};
  if (!response.ok) throw fromProblem(json, response.status);
  return json as { recorded: number; observations: CompetitiveReading[] };
}
