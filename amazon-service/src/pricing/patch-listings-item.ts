// The few-SKU path: one patchListingsItem per SKU (5 requests per second per seller). Amazon validates the
// patch synchronously (ACCEPTED or INVALID with issues) and processes accepted ones downstream, so the
// price shows a while later (or an issue appears instead); we read the listing back to tell "applied"
// (live) from "accepted" (not live yet).
import { ConnectorError } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { recordAppliedPrices } from '../catalog/listing-store';
import { buildPatchListingsItemBody, type ListingPriceChange } from '../feeds/json-listings-feed';
import type { SpApiClient } from '../sp-api/sp-api-client';
import { readOfferPrice, showsPrice } from '../catalog/listings-items';

interface PatchAnswer {
  sku: string;
  status: 'ACCEPTED' | 'INVALID' | 'VALID';
  submissionId: string;
  issues?: { code: string; message: string; severity: string }[];
}

export type PatchOutcome =
  | { status: 'applied'; submissionId: string }
  /** ACCEPTED by Amazon, not shown on the listing yet. */
  | { status: 'accepted'; submissionId: string }
  | { status: 'failed'; code: string; message: string; submissionId?: string };

export async function patchListingPrice(ctx: AmazonContext, client: SpApiClient, projectId: string, change: ListingPriceChange): Promise<PatchOutcome> {
  let answer: PatchAnswer;
  try {
    answer = await client.call<PatchAnswer>({
      operation: 'listingsItems.patchListingsItem',
      path: { sellerId: client.sellingPartnerId, sku: change.sku },
      query: { marketplaceIds: [change.marketplaceId] },
      body: buildPatchListingsItemBody(change),
    }, { idempotent: false });
  } catch (error) {
    if (error instanceof ConnectorError && (error.code === 'not_found' || error.code === 'validation')) {
      return { status: 'failed', code: error.code === 'not_found' ? 'NOT_FOUND' : (error.platformError?.code ?? 'InvalidInput'), message: error.platformError?.message ?? error.message };
    }
    throw error;
  }
  const errors = (answer.issues ?? []).filter((i) => i.severity === 'ERROR');
  if (answer.status === 'INVALID' || errors.length) {
    const first = errors[0];
    return { status: 'failed', code: first?.code ?? 'INVALID', message: errors.map((e) => e.message).join('; ') || 'Amazon refused the price', submissionId: answer.submissionId };
  }
  // ACCEPTED: Amazon applies it asynchronously; read it back once.
  const live = await readOfferPrice(client, change.sku, change.marketplaceId).catch(() => null);
  if (showsPrice(live?.price, change.price, change.currency)) {
    await recordAppliedPrices(ctx, projectId, [{ sku: change.sku, marketplaceId: change.marketplaceId, currency: change.currency, amount: change.price }]);
    return { status: 'applied', submissionId: answer.submissionId };
  }
  return { status: 'accepted', submissionId: answer.submissionId };
}
