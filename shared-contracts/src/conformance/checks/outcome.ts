// Helpers for price checks: an update's final outcome once asynchronous processing is done.
import { priceUpdateResultSchema, type PriceUpdateResult } from '../..';
import { ensureShape } from '../assertions';
import type { CheckContext } from '../context';

/**
 * For a `pending` result of an asynchronous connector: settle, then read the latest result with
 * `getUpdateResult` when the connector has it. Otherwise the result as given.
 */
export async function finalOutcome(ctx: CheckContext, result: PriceUpdateResult): Promise<PriceUpdateResult> {
  if (result.status !== 'pending') return result;
  await ctx.settle();
  const read = ctx.connector.pricing.getUpdateResult;
  if (!read) return result;
  return ensureShape(priceUpdateResultSchema, await read(result.idempotencyKey), `getUpdateResult(${result.idempotencyKey})`);
}

export function describeResult(result: PriceUpdateResult): string {
  return result.status === 'failed' ? `failed (${result.reason}: ${result.message})` : result.status;
}
