// Connectors that each break one rule on purpose. The kit must catch every one of them.
import {
  parseMoney,
  parseOrThrow,
  offerChangesRequestSchema,
  type BatchUpdateResult,
  type CompetitiveOffersRequest,
  type CompetitiveOffersResult,
  type PricingOperations,
  type PriceUpdate,
  type PriceUpdateResult,
  validatePriceUpdate,
  partitionPriceUpdates,
  RateLimitedError,
  ConnectorError,
  NotFoundError,
  money,
  type FeeEstimatesRequest,
  type FeeEstimatesResult,
  type OfferChangesRequest,
  type OfferChangesResult,
} from '../../src';
import { ReferenceConnector, summarize, type ReferenceConnectorOptions } from '../../src/reference/in-memory-connector';

/** Ignores idempotency keys: a retried update is applied again. */
export class DoubleApplyConnector extends ReferenceConnector {
  protected override async applyIdempotently(update: PriceUpdate): Promise<{ result: PriceUpdateResult; replayed: boolean }> {
    const result = this.execute(update);
    this.emitter.priceUpdateResult(result);
    return { result, replayed: false };
  }
}

/** One bad item fails the whole batch (the rest are never applied). */
export class WholeBatchFailsConnector extends ReferenceConnector {
  protected override async batchUpdatePrices(input: readonly PriceUpdate[]): Promise<BatchUpdateResult> {
    const { invalid } = partitionPriceUpdates(input, this.capabilities.maxBatchSize);
    if (invalid.length === 0) return super.batchUpdatePrices(input);
    const results = input.map((u): PriceUpdateResult => ({
      status: 'failed',
      idempotencyKey: u.idempotencyKey,
      externalId: u.externalId,
      reason: 'validation',
      message: 'batch contains invalid items',
      retryable: false,
    }));
    for (const r of results) this.emitter.priceUpdateResult(r);
    return summarize(results);
  }
}

/** Accepts float amounts (19.99 as a number) and exponent strings by converting through Number. */
export class FloatMoneyConnector extends ReferenceConnector {
  protected override async updatePrice(input: PriceUpdate): Promise<PriceUpdateResult> {
    const raw = input.price as { amount: unknown; currency: string };
    if (typeof raw.amount === 'number' || /e/i.test(String(raw.amount))) {
      // The defect: whatever JavaScript makes of it (19.99 -> "19.99", "1e3" -> "1000").
      const coerced = parseMoney(String(Number(raw.amount)), raw.currency);
      return super.updatePrice({ ...input, price: coerced });
    }
    return super.updatePrice(validatePriceUpdate(input));
  }
}

/** Hides the platform's throttling behind a generic error: callers can't know when to retry. */
export class SwallowsRateLimitConnector extends ReferenceConnector {
  protected override async guard<T>(fn: () => Promise<T> | T): Promise<T> {
    try {
      return await super.guard(fn);
    } catch (error) {
      if (error instanceof RateLimitedError) throw new ConnectorError('internal', 'something went wrong');
      throw error;
    }
  }
}

/** Reads competitive offers but never marks our own: the policy would undercut itself. */
export class UnmarkedOwnOffersConnector extends ReferenceConnector {
  protected override async readCompetition(request: CompetitiveOffersRequest): Promise<CompetitiveOffersResult> {
    const answer = await super.readCompetition(request);
    return { listings: answer.listings.map((l) => ({ ...l, offers: l.offers.map((o) => ({ ...o, isOurs: false })) })) };
  }
}

/** Fee estimates whose total leaves out the fulfilment line (not the sum of its lines). */
export class WrongFeeTotalConnector extends ReferenceConnector {
  protected override async estimateFees(request: FeeEstimatesRequest): Promise<FeeEstimatesResult> {
    const answer = await super.estimateFees(request);
    return { estimates: answer.estimates.map((e) => (e.total ? { ...e, total: e.fees[0]!.amount, fees: [...e.fees, { type: 'ClosingFee', amount: money('1.00', e.price.currency) }] } : e)) };
  }
}

/** Throws for a whole batch when one listing is unknown, instead of that item's error. */
export class ThrowsForUnknownFeeItemConnector extends ReferenceConnector {
  protected override async estimateFees(request: FeeEstimatesRequest): Promise<FeeEstimatesResult> {
    const answer = await super.estimateFees(request);
    const failed = answer.estimates.find((e) => e.error);
    if (failed) throw new NotFoundError(`no listing ${failed.externalId}`, { resource: 'listing', resourceId: failed.externalId });
    return answer;
  }
}

/** Answers `pending` (feed-like) but keeps no record to read the outcome from later. */
export class NoUpdateResultConnector extends ReferenceConnector {
  constructor(options: ReferenceConnectorOptions = {}) {
    super({ ...options, mode: 'asynchronous' });
    const { getUpdateResult: _dropped, ...rest } = this.pricing;
    (this as { pricing: PricingOperations }).pricing = rest;
  }
}

/** Answers eraseTenant but keeps the tenant's authorization: a redacted shop could still be served. */
export class KeepsTenantConnector extends ReferenceConnector {
  override async eraseTenant() {
    return { erased: {} };
  }
}

/** Consumes what it hands out: a second read with the same `after` comes back empty. */
export class ConsumingOfferChangesConnector extends ReferenceConnector {
  private readOnce = new Set<string>();
  protected override async readOfferChanges(input: OfferChangesRequest): Promise<OfferChangesResult> {
    const answer = await super.readOfferChanges(input);
    const fresh = answer.changes.filter((c) => !this.readOnce.has(c.cursor));
    for (const c of fresh) this.readOnce.add(c.cursor);
    return { ...answer, changes: fresh, cursor: fresh.at(-1)?.cursor ?? input.after ?? null };
  }
}

/** Ignores `limit`: every page holds every change. */
export class UnlimitedOfferChangesConnector extends ReferenceConnector {
  protected override async readOfferChanges(input: OfferChangesRequest): Promise<OfferChangesResult> {
    const { limit: _ignored, ...rest } = parseOrThrow(offerChangesRequestSchema, input, 'request');
    return super.readOfferChanges(rest);
  }
}

/** Hands out pricing health to a caller that didn't ask for it (one that can't know the kind). */
export class UnaskedPricingHealthConnector extends ReferenceConnector {
  protected override async readOfferChanges(input: OfferChangesRequest): Promise<OfferChangesResult> {
    return super.readOfferChanges({ ...parseOrThrow(offerChangesRequestSchema, input, 'request'), include: ['pricingHealth'] });
  }
}

/** Declares offerChanges and has no getOfferChanges. */
export class MissingOfferChangesConnector extends ReferenceConnector {
  constructor(options: ReferenceConnectorOptions = {}) {
    super(options);
    delete (this.pricing as { getOfferChanges?: unknown }).getOfferChanges;
  }
}
