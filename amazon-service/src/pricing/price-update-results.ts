// A stored AmazonPriceUpdate as the contract's PriceUpdateResult: pending with the feed id until
// Amazon's report answers, then applied or failed with Amazon's code and message.
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
      return { ...base, status: 'pending', price, submittedAt: (row.submittedAt ?? row.createdAt).toISOString(), platformReference: reference };
  }
}
