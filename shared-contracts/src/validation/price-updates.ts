// Validation for price updates, single and batched, shared by every connector so they all
// keep the same rules (a bad item in a batch fails alone).
import { ValidationError, type FieldError } from '../errors';
import type { PriceUpdate, PriceUpdateFailed } from '../types';
import { batchShapeSchema, priceUpdateSchema } from './schemas';
import { issuesToFieldErrors, parseOrThrow } from './zod-errors';

/** A validated update, or ValidationError (paths like `price.amount`, prefixed by `path`). */
export function validatePriceUpdate(input: unknown, path = ''): PriceUpdate {
  return parseOrThrow(priceUpdateSchema, input, path);
}

export interface PartitionedBatch {
  /** Valid updates with their input position. */
  readonly valid: ReadonlyArray<{ readonly index: number; readonly update: PriceUpdate }>;
  /** Invalid items, already as `failed` results, with their input position. */
  readonly invalid: ReadonlyArray<{ readonly index: number; readonly result: PriceUpdateFailed }>;
}

/**
 * Split a batch into valid and invalid items. Throws ValidationError only when the batch as a whole
 * is malformed (not an array, empty, too large, an idempotency key used twice).
 */
export function partitionPriceUpdates(input: unknown, maxBatchSize?: number): PartitionedBatch {
  const items = parseOrThrow(batchShapeSchema(maxBatchSize), input, 'updates');
  const seen = new Map<string, number>();
  const duplicates: FieldError[] = [];
  items.forEach((item, index) => {
    const key = (item as { idempotencyKey?: unknown } | null)?.idempotencyKey;
    if (typeof key !== 'string') return;
    const first = seen.get(key);
    if (first !== undefined) {
      duplicates.push({
        path: `updates[${index}].idempotencyKey`,
        message: `idempotency key also used by updates[${first}]`,
        code: 'duplicate_idempotency_key',
      });
    } else seen.set(key, index);
  });
  if (duplicates.length > 0) throw new ValidationError(duplicates);

  const valid: { index: number; update: PriceUpdate }[] = [];
  const invalid: { index: number; result: PriceUpdateFailed }[] = [];
  items.forEach((item, index) => {
    const parsed = priceUpdateSchema.safeParse(item);
    if (parsed.success) {
      valid.push({ index, update: parsed.data });
      return;
    }
    const errors = issuesToFieldErrors(parsed.error.issues, `updates[${index}]`);
    invalid.push({ index, result: invalidItemResult(item, errors) });
  });
  return { valid, invalid };
}

/** The `failed` result for an item that didn't validate. */
export function invalidItemResult(item: unknown, errors: readonly FieldError[]): PriceUpdateFailed {
  const raw = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    status: 'failed',
    idempotencyKey: str(raw.idempotencyKey),
    externalId: str(raw.externalId),
    ...(typeof raw.marketplaceId === 'string' ? { marketplaceId: raw.marketplaceId } : {}),
    reason: 'validation',
    message: errors.map((e) => `${e.path}: ${e.message}`).join('; '),
    retryable: false,
    errors,
  };
}
