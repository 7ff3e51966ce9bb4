// A stored AmazonPriceUpdate as the contract's PriceUpdateResult: pending with the feed id until
// Amazon's report answers (stage `submitted`), pending with stage `accepted` once Amazon accepted it and
// until the listing shows the price, then applied (live) or failed with Amazon's code and message.
import { createHash } from 'node:crypto';
import type { Money, PriceUpdate, PriceUpdateResult } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';

type Row = NonNullable<Awaited<ReturnType<AmazonContext['db']['amazonPriceUpdate']['findFirst']>>> & {
  priceFeed?: { feedId: string | null } | null;
};

/** What makes two updates "the same": a retry with this content is answered from storage. */
export function updateContentHash(update: PriceUpdate, marketplaceId: string): string {
  const m = (v: Money | undefined | null) => (v ? `${v.amount} ${v.currency}` : '');
  return createHash('sha256')
    .update([update.externalId, marketplaceId, m(update.price), m(update.minPrice), m(update.maxPrice), m(update.expectedCurrentPrice)].join('\n'))
    .digest('hex');
}

/** Amazon says "no such listing" in its message (the code varies by API); anything else is a refusal. */
export function failureReason(code: string | null, message: string | null): 'not_found' | 'rejected' {
  if (code === 'NOT_FOUND') return 'not_found';
  return /\b(does not exist|not found|no listing)\b/i.test(message ?? '') ? 'not_found' : 'rejected';
}

/**
 * Amazon accepted the change and it is not live yet: `accepted`, or a patch row `pending` (written before
 * `accepted` existed: a patch was pending only once ACCEPTED).
 */
export function isAccepted(row: { status: string; channel: string }): boolean {
  return row.status === 'accepted' || (row.channel === 'listings_item' && row.status === 'pending');
}

/** The message recorded for an issue Amazon raised after accepting the change (its code is kept as is). */
export function issueAfterAcceptance(message: string): string {
  return `Amazon accepted the price, then raised an issue instead of applying it: ${message}`;
}

export function resultFromRow(row: Row): PriceUpdateResult {
  const price = { amount: row.amount, currency: row.currency } as Money;
  const base = { idempotencyKey: row.idempotencyKey, externalId: row.sku, marketplaceId: row.marketplaceId };
  const reference =
    row.channel === 'listings_item' && row.submissionId
      ? { kind: 'submission', id: row.submissionId }
      : row.priceFeed?.feedId
        ? { kind: 'feed', id: row.priceFeed.feedId }
        : // Stored but not yet accepted by Amazon (waiting for a submission slot): our own feed record.
          { kind: 'calibr_price_feed', id: row.priceFeedId ?? row.id };
  switch (row.status) {
    case 'applied':
      return { ...base, status: 'applied', price, appliedAt: (row.resolvedAt ?? row.updatedAt).toISOString(), platformReference: reference };
    case 'failed': {
      const retryable = row.errorCode === 'CANCELLED';
      return {
        ...base,
        status: 'failed',
        reason: failureReason(row.errorCode, row.errorMessage),
        message: row.errorMessage ?? 'Amazon refused the price',
        retryable,
        platformError: { code: row.errorCode ?? 'Unknown', message: row.errorMessage ?? '' },
      };
    }
    default:
      return {
        ...base,
        status: 'pending',
        price,
        submittedAt: (row.submittedAt ?? row.createdAt).toISOString(),
        platformReference: reference,
        stage: isAccepted(row) ? 'accepted' : 'submitted',
      };
  }
}
