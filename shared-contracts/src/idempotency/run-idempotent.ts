// The idempotent-retry rule in one place: same key + same content -> first result; other content ->
// conflict; thrown errors and retryable failures free the key for the next attempt.
import { ConflictError } from '../errors';
import type { PriceUpdate, PriceUpdateResult } from '../types';
import { fingerprintPriceUpdate } from './fingerprint';
import type { IdempotencyStore } from './idempotency-store';

export interface IdempotentOutcome {
  readonly result: PriceUpdateResult;
  /** True when this is a stored result returned again (nothing was sent to the platform). */
  readonly replayed: boolean;
}

/**
 * Run `execute` at most once per (scope, idempotency key). `scope` separates tenants and platforms
 * (e.g. `amazon:tenant-1`). Throws ConflictError when the key was used for different content, or
 * while the first attempt is still in flight.
 */
export async function runIdempotent(
  store: IdempotencyStore,
  scope: string,
  update: PriceUpdate,
  execute: () => Promise<PriceUpdateResult>,
): Promise<IdempotentOutcome> {
  const fingerprint = fingerprintPriceUpdate(update);
  const claim = await store.claim(scope, update.idempotencyKey, fingerprint);
  if (claim.state === 'existing') {
    if (claim.fingerprint !== fingerprint) {
      throw new ConflictError(
        `idempotency key ${update.idempotencyKey} was already used for a different price update`,
      );
    }
    if (!claim.result) {
      throw new ConflictError(`price update ${update.idempotencyKey} is still in progress; retry shortly`);
    }
    return { result: claim.result, replayed: true };
  }
  let result: PriceUpdateResult;
  try {
    result = await execute();
  } catch (error) {
    await store.release(scope, update.idempotencyKey);
    throw error;
  }
  if (result.status === 'failed' && result.retryable) {
    await store.release(scope, update.idempotencyKey);
  } else {
    await store.complete(scope, update.idempotencyKey, result);
  }
  return { result, replayed: false };
}
