// A patchListingsItem update still `queued` or `pending` when its key is asked about again (the app's poll
// resends it through batchUpdatePrices; getUpdateResult): settled from the live listing (getListingsItem),
// never by a blind second patch.
// - our price (and the bounds we sent) shows: applied (live);
// - an accepted patch whose price isn't shown while the listing carries a price issue (raised downstream,
//   after acceptance: pricing health, price validation): failed with Amazon's issue code and message;
// - PATCH_SETTLE_MS after the patch (may have) gone out, Amazon still shows another price: failed with what
//   Amazon shows. Amazon documents that an accepted patch can take a while to show; past the bound it won't;
// - `queued` means the process died around the send. Past the bound, a listing not updated since the row
//   was written never got that patch: it is sent again under the same row. A listing updated since then
//   (our patch may have landed and been replaced) is not patched again: failed with what Amazon shows.
import { ConnectorError, type PriceUpdateResult } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { recordAppliedPrices } from '../catalog/listing-store';
import { priceIssues, productTypeOf, readOfferPrice, showsPrice, type ListingPrices, type ListingsItem } from '../catalog/listings-items';
import type { ListingPriceChange } from '../feeds/json-listings-feed';
import { changeFromRow } from '../feeds/price-feed-store';
import type { SpApiClient } from '../sp-api/sp-api-client';
import { patchListingPrice, type PatchOutcome } from './patch-listings-item';
import { isAccepted, issueAfterAcceptance, resultFromRow } from './price-update-results';

/** How long an accepted patch may take to show on the listing before we stop waiting for it (real Amazon). */
export const PATCH_SETTLE_MS = 5 * 60_000;

/** Amazon's view, recorded on a patch that never showed. */
export const PATCH_NOT_APPLIED = 'PATCH_NOT_APPLIED';

type Row = NonNullable<Awaited<ReturnType<AmazonContext['db']['amazonPriceUpdate']['findFirst']>>> & { priceFeed: { feedId: string | null } | null };
const withFeed = { priceFeed: { select: { feedId: true } } } as const;

/** A patch row not settled yet: `queued` (sent, outcome unknown) or accepted (`accepted`; `pending` before it existed). */
const UNSETTLED = ['queued', 'pending', 'accepted'];

export function isUnsettledPatch(row: { channel: string; status: string }): boolean {
  return row.channel === 'listings_item' && UNSETTLED.includes(row.status);
}

function same(live: { amount: string; currency: string } | null, amount: string | null, currency: string): boolean {
  return amount === null || showsPrice(live, amount, currency); // a bound we didn't send: whatever the seller has is fine
}

export function showsOurs(live: ListingPrices, row: Pick<Row, 'amount' | 'minAmount' | 'maxAmount' | 'currency'>): boolean {
  return same(live.price, row.amount, row.currency) && same(live.minPrice, row.minAmount, row.currency) && same(live.maxPrice, row.maxAmount, row.currency);
}

/** The listing's last update as Amazon reports it, or undefined when it doesn't say. */
function lastUpdated(item: ListingsItem, marketplaceId: string): number | undefined {
  const summary = item.summaries?.find((s) => s.marketplaceId === marketplaceId) ?? item.summaries?.[0];
  const at = summary?.lastUpdatedDate ? Date.parse(summary.lastUpdatedDate) : NaN;
  return Number.isNaN(at) ? undefined : at;
}

export function amazonView(live: (ListingPrices & { item: ListingsItem }) | null, row: Pick<Row, 'sku' | 'marketplaceId' | 'amount' | 'currency'>): string {
  if (!live) return `SKU ${row.sku} not found in ${row.marketplaceId}`;
  const shown = live.price ? `${live.price.amount} ${live.price.currency}` : 'no price';
  const issues = (live.item.issues ?? []).filter((i) => i.severity === 'ERROR').map((i) => `${i.code}: ${i.message}`);
  return `Amazon shows ${shown} for ${row.sku} in ${row.marketplaceId}, not ${row.amount} ${row.currency}${issues.length ? ` (listing issues: ${issues.join('; ')})` : ''}`;
}

/** Writes patchListingsItem's answer onto its row. */
export async function recordPatchOutcome(ctx: AmazonContext, rowId: string, outcome: PatchOutcome): Promise<Row> {
  const now = new Date();
  return ctx.db.amazonPriceUpdate.update({
    where: { id: rowId },
    data:
      outcome.status === 'failed'
        ? { status: 'failed', errorCode: outcome.code, errorMessage: outcome.message, submissionId: outcome.submissionId ?? null, submittedAt: now, resolvedAt: now }
        : { status: outcome.status, submissionId: outcome.submissionId, submittedAt: now, ...(outcome.status === 'applied' ? { resolvedAt: now } : {}) },
    include: withFeed,
  });
}

async function reread(ctx: AmazonContext, id: string): Promise<PriceUpdateResult> {
  return resultFromRow(await ctx.db.amazonPriceUpdate.findUniqueOrThrow({ where: { id }, include: withFeed }));
}

export async function settlePatchUpdate(ctx: AmazonContext, client: SpApiClient, row: Row): Promise<PriceUpdateResult> {
  if (!isUnsettledPatch(row)) return resultFromRow(row);
  let live: (ListingPrices & { item: ListingsItem }) | null;
  try {
    live = await readOfferPrice(client, row.sku, row.marketplaceId);
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    if (error.code !== 'not_found') return resultFromRow(row); // can't look now: still what we know, asked again later
    live = null;
  }
  const unsettled = { id: row.id, status: { in: UNSETTLED } };
  if (live && showsOurs(live, row)) {
    await ctx.db.amazonPriceUpdate.updateMany({ where: unsettled, data: { status: 'applied', resolvedAt: new Date() } });
    await recordAppliedPrices(ctx, row.projectId, [{ sku: row.sku, marketplaceId: row.marketplaceId, currency: row.currency, amount: row.amount }]);
    return reread(ctx, row.id);
  }
  const issue = live && isAccepted(row) ? priceIssues(live.item, row.marketplaceId)[0] : undefined;
  if (issue) {
    // Accepted, then refused downstream: the issue Amazon raised is this change's outcome.
    await ctx.db.amazonPriceUpdate.updateMany({ where: unsettled, data: { status: 'failed', errorCode: issue.code, errorMessage: issueAfterAcceptance(issue.message), resolvedAt: new Date() } });
    return reread(ctx, row.id);
  }
  // For a queued row submittedAt is when it was last claimed for sending (unset: the first send, just after createdAt).
  const since = (row.submittedAt ?? row.createdAt).getTime();
  if (Date.now() - since < ctx.patchSettleMs) return resultFromRow(row);

  const updated = live ? lastUpdated(live.item, row.marketplaceId) : undefined;
  if (row.status === 'queued' && live && updated !== undefined && updated < since) {
    // Claimed by moving submittedAt: one resend even when two requests ask at once; a crash during it
    // leaves the row queued again, with the bound counting from this send.
    const claimed = await ctx.db.amazonPriceUpdate.updateMany({ where: { id: row.id, status: 'queued', submittedAt: row.submittedAt }, data: { submittedAt: new Date() } });
    if (claimed.count === 0) return reread(ctx, row.id);
    const productType = productTypeOf(live.item, row.marketplaceId);
    const change: ListingPriceChange = { ...changeFromRow(row), ...(productType ? { productType } : {}) };
    ctx.logger.info({ projectId: row.projectId, sku: row.sku, marketplaceId: row.marketplaceId }, 'queued patch never reached the listing: sending it again under its row');
    try {
      return resultFromRow(await recordPatchOutcome(ctx, row.id, await patchListingPrice(ctx, client, row.projectId, change)));
    } catch (error) {
      // Maybe sent (answer lost): stays queued, and the next ask waits the bound again before looking.
      if (!(error instanceof ConnectorError)) throw error;
      ctx.logger.warn({ sku: row.sku, code: error.code }, 'resending a queued patch failed; asked again later');
      return reread(ctx, row.id);
    }
  }

  const now = new Date();
  await ctx.db.amazonPriceUpdate.updateMany({
    where: unsettled,
    data: { status: 'failed', errorCode: live ? PATCH_NOT_APPLIED : 'NOT_FOUND', errorMessage: `${amazonView(live, row)} ${Math.round((now.getTime() - since) / 1000)} s after the patch`, resolvedAt: now },
  });
  return reread(ctx, row.id);
}
