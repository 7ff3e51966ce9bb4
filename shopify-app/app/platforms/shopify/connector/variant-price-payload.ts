// What one `productVariantsBulkUpdate` call sends and what it means per variant: shared by the direct
// path (pricing.ts) and the bulk-operation path (bulk-operations.ts).
import {
  isConnectorError,
  type Money,
  type PriceUpdate,
  type PriceUpdateFailed,
  type PriceUpdateResult,
} from '@calibr/shared-contracts';
import { shopifyMoney } from './normalize';

/** Shopify's limit on `productVariantsBulkUpdate`'s input array. */
export const MAX_VARIANTS_PER_CALL = 250;

/** One variant's change ready to send. */
export interface PreparedChange {
  index: number;
  update: PriceUpdate;
  productId: string;
  previousPrice: Money | null;
}

export interface VariantsBulkUpdatePayload {
  productVariants: Array<{ id: string; price: string; compareAtPrice?: string | null; updatedAt?: string }> | null;
  userErrors: Array<{ code: string | null; field: string[] | null; message: string }>;
}

export function variantInput(update: PriceUpdate): Record<string, unknown> {
  return {
    id: update.externalId,
    price: update.price.amount,
    ...(update.compareAtPrice !== undefined ? { compareAtPrice: update.compareAtPrice ? update.compareAtPrice.amount : null } : {}),
  };
}

/**
 * Per-variant outcomes of one call. A userError whose `field` is `["variants", "<i>", …]` belongs to
 * input `i`; one without an index failed the whole call.
 */
export function interpretPayload(
  payload: VariantsBulkUpdatePayload,
  call: readonly PreparedChange[],
  currency: string,
): Map<number, PriceUpdateResult> {
  const outcomes = new Map<number, PriceUpdateResult>();
  const perVariant = new Map<number, VariantsBulkUpdatePayload['userErrors']>();
  const general: VariantsBulkUpdatePayload['userErrors'] = [];
  for (const error of payload.userErrors) {
    const position = error.field && error.field[0] === 'variants' ? Number(error.field[1]) : NaN;
    if (Number.isInteger(position) && position >= 0 && position < call.length) {
      perVariant.set(position, [...(perVariant.get(position) ?? []), error]);
    } else general.push(error);
  }
  const updated = new Map((payload.productVariants ?? []).map((v) => [v.id, v]));
  const appliedAt = new Date().toISOString();
  call.forEach((change, position) => {
    const errors = perVariant.get(position) ?? (updated.has(change.update.externalId) ? [] : general);
    const variant = updated.get(change.update.externalId);
    if (errors.length === 0 && variant) {
      outcomes.set(change.index, {
        status: 'applied',
        idempotencyKey: change.update.idempotencyKey,
        externalId: change.update.externalId,
        price: shopifyMoney(variant.price, currency),
        previousPrice: change.previousPrice,
        appliedAt: variant.updatedAt ?? appliedAt,
        platformReference: { kind: 'mutation', id: `productVariantsBulkUpdate:${change.productId}` },
      });
      return;
    }
    const first = errors[0];
    outcomes.set(
      change.index,
      failed(change.update, reasonForUserError(first?.code ?? null), first?.message ?? 'Shopify did not update this variant', {
        ...(first ? { platformError: { code: first.code ?? 'USER_ERROR', message: first.message } } : {}),
      }),
    );
  });
  return outcomes;
}

function reasonForUserError(code: string | null): PriceUpdateFailed['reason'] {
  switch (code) {
    case 'PRODUCT_VARIANT_DOES_NOT_EXIST':
    case 'PRODUCT_DOES_NOT_EXIST':
    case 'MUST_BE_FOR_THIS_PRODUCT':
    case 'PRODUCT_VARIANT_ID_MISSING':
      return 'not_found';
    case 'GREATER_THAN_OR_EQUAL_TO':
    case 'NEGATIVE_PRICE_VALUE':
    case 'INVALID_INPUT':
      return 'validation';
    default:
      return 'rejected';
  }
}

export function failed(
  update: PriceUpdate,
  reason: PriceUpdateFailed['reason'],
  message: string,
  extra: Partial<Pick<PriceUpdateFailed, 'errors' | 'platformError' | 'retryAfter' | 'retryable'>> = {},
): PriceUpdateFailed {
  const retryable = extra.retryable ?? (reason === 'rate_limited' || reason === 'platform_unavailable');
  return {
    status: 'failed',
    idempotencyKey: String(update?.idempotencyKey ?? ''),
    externalId: String(update?.externalId ?? ''),
    reason,
    message,
    retryable,
    ...(extra.errors ? { errors: extra.errors } : {}),
    ...(extra.platformError ? { platformError: extra.platformError } : {}),
    ...(extra.retryAfter !== undefined ? { retryAfter: extra.retryAfter } : {}),
  };
}

export function failureFromError(update: PriceUpdate, error: unknown): PriceUpdateFailed {
  if (isConnectorError(error)) {
    switch (error.code) {
      case 'rate_limited':
        return failed(update, 'rate_limited', error.message, { retryAfter: (error as { retryAfter?: number }).retryAfter ?? 1 });
      case 'platform_unavailable':
        return failed(update, 'platform_unavailable', error.message);
      case 'authentication':
      case 'authorization':
        return failed(update, 'unauthorized', error.message, { retryable: false });
      case 'not_found':
        return failed(update, 'not_found', error.message);
      default:
        return failed(update, 'internal', error.message, { retryable: true });
    }
  }
  return failed(update, 'internal', error instanceof Error ? error.message : String(error), { retryable: true });
}

