// Reading and updating prices, idempotency, batches, and money validation.
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  batchUpdateResultSchema,
  equalsMoney,
  minorUnitsOf,
  normalizedPriceSchema,
  priceUpdateResultSchema,
  type Money,
  type PriceUpdate,
  type PriceUpdateResult,
} from '../..';
import { ConformanceFailure, ensure, ensureEqual, ensureRejects, ensureShape, show } from '../assertions';
import type { CheckContext } from '../context';
import type { ConformanceCheck } from './check';
import { describeResult, finalOutcome } from './outcome';

async function sendUpdate(ctx: CheckContext, update: PriceUpdate, what: string): Promise<PriceUpdateResult> {
  return ensureShape(priceUpdateResultSchema, await ctx.connector.pricing.updatePrice(update), what);
}

async function ensureLive(ctx: CheckContext, listing: { externalId: string; marketplaceId?: string }, expected: Money, why: string) {
  await ctx.settle();
  const live = await ctx.livePrice(listing);
  ensure(equalsMoney(live, expected), `${why}: live price of ${listing.externalId} is ${live.amount}, expected ${expected.amount}`);
}

function ensureAccepted(ctx: CheckContext, result: PriceUpdateResult, what: string): void {
  const mode = ctx.connector.capabilities.priceUpdateMode;
  ensure(result.status !== 'failed', `${what} failed: ${describeResult(result)}`);
  if (mode === 'synchronous') ensureEqual(result.status, 'applied', `${what} status (synchronous connector)`);
  if (mode === 'asynchronous') ensureEqual(result.status, 'pending', `${what} status (asynchronous connector)`);
}

export const pricingChecks: ConformanceCheck[] = [
  {
    id: 'price-get',
    title: 'pricing.getPrice returns the live price as canonical Money',
    async run({ connector, fixtures }) {
      const l = fixtures.listing;
      const price = ensureShape(
        normalizedPriceSchema,
        await connector.pricing.getPrice(l.externalId, l.marketplaceId ? { marketplaceId: l.marketplaceId } : undefined),
        'getPrice',
      );
      ensureEqual(price.externalId, l.externalId, 'price.externalId');
      ensureEqual(price.platform, connector.platform, 'price.platform');
    },
  },
  {
    id: 'price-unknown',
    title: 'unknown listing: getPrice throws NotFoundError, updatePrice fails with reason not_found',
    async run(ctx) {
      const { connector, fixtures } = ctx;
      await ensureRejects(() => connector.pricing.getPrice(fixtures.unknownListingId), NotFoundError, 'getPrice(unknown)');
      const [p1] = await ctx.pricesFor(fixtures.listing);
      const result = await sendUpdate(ctx, ctx.update({ externalId: fixtures.unknownListingId }, p1, ctx.key('unknown')), 'updatePrice(unknown)');
      const final = await finalOutcome(ctx, result);
      ensure(
        final.status === 'failed' && final.reason === 'not_found',
        `updatePrice(unknown listing) should fail with not_found, got ${describeResult(final)}`,
      );
    },
  },
  {
    id: 'price-update',
    title: 'updatePrice is applied (synchronous) or pending with a platform reference (asynchronous), then live',
    async run(ctx) {
      const l = ctx.fixtures.listing;
      const [p1] = await ctx.pricesFor(l);
      const key = ctx.key('update');
      const result = await sendUpdate(ctx, ctx.update(l, p1, key), 'updatePrice');
      ensureAccepted(ctx, result, 'updatePrice');
      ensureEqual(result.idempotencyKey, key, 'result.idempotencyKey');
      ensureEqual(result.externalId, l.externalId, 'result.externalId');
      if (result.status !== 'failed') ensure(equalsMoney(result.price, p1), `result.price ${show(result.price)} != ${show(p1)}`);
      await ensureLive(ctx, l, p1, 'after updatePrice');
      const final = await finalOutcome(ctx, result);
      ensure(final.status !== 'failed', `update ended ${describeResult(final)}`);
    },
  },
  {
    id: 'price-update-expected-price',
    title: 'an update whose expectedCurrentPrice is stale fails with reason conflict and changes nothing',
    async run(ctx) {
      const l = ctx.fixtures.listing;
      const live = await ctx.livePrice(l);
      const [p1, , p3] = await ctx.pricesFor(l);
      const result = await sendUpdate(ctx, ctx.update(l, p1, ctx.key('stale'), { expectedCurrentPrice: p3 }), 'updatePrice(stale expected)');
      const final = await finalOutcome(ctx, result);
      ensure(final.status === 'failed' && final.reason === 'conflict', `expected failed/conflict, got ${describeResult(final)}`);
      await ensureLive(ctx, l, live, 'after a conflicting update');
    },
  },
  {
    id: 'idempotent-retry',
    title: 'retrying an update with the same idempotency key returns the first result and never re-applies it',
    async run(ctx) {
      const l = ctx.fixtures.listing;
      const [p1, p2] = await ctx.pricesFor(l);
      const k1 = ctx.key('first');
      const r1 = await sendUpdate(ctx, ctx.update(l, p1, k1), 'first update');
      ensureAccepted(ctx, r1, 'first update');
      await ctx.settle();
      const r2 = await sendUpdate(ctx, ctx.update(l, p2, ctx.key('second')), 'second update');
      ensureAccepted(ctx, r2, 'second update');
      await ctx.settle();
      const retry = await sendUpdate(ctx, ctx.update(l, p1, k1), 'retry of the first update');
      if (r1.status === 'applied') {
        ensureEqual(retry, r1, 'retried result');
      } else if (r1.status === 'pending') {
        ensure(retry.status !== 'failed', `retry ${describeResult(retry)}`);
        ensureEqual(retry.platformReference, r1.platformReference, 'retried platformReference');
        ensureEqual(retry.idempotencyKey, k1, 'retried idempotencyKey');
      }
      await ensureLive(ctx, l, p2, 'a retried update was applied again');
    },
  },
  {
    id: 'idempotency-key-reuse',
    title: 'the same idempotency key with different content is a conflict (ConflictError / failed conflict in a batch)',
    async run(ctx) {
      const l = ctx.fixtures.listing;
      const [p1, p2, p3] = await ctx.pricesFor(l);
      const k = ctx.key('reused');
      ensureAccepted(ctx, await sendUpdate(ctx, ctx.update(l, p1, k), 'first update'), 'first update');
      await ctx.settle();
      await ensureRejects(() => ctx.connector.pricing.updatePrice(ctx.update(l, p2, k)), ConflictError, 'same key, other price');
      const batch = ensureShape(
        batchUpdateResultSchema,
        await ctx.connector.pricing.batchUpdatePrices([ctx.update(l, p3, k)]),
        'batch reusing the key',
      );
      const item = batch.results[0];
      ensure(item?.status === 'failed' && item.reason === 'conflict', `batch item reusing a key: ${item ? describeResult(item) : 'missing'}`);
      await ensureLive(ctx, l, p1, 'a conflicting reuse changed the price');
    },
  },
  {
    id: 'batch-per-item-failures',
    title: 'in a batch, invalid and unknown items fail alone; the others are applied; results keep input order',
    async run(ctx) {
      const { fixtures } = ctx;
      const [a1] = await ctx.pricesFor(fixtures.listing);
      const [b1] = await ctx.pricesFor(fixtures.secondListing);
      const items: PriceUpdate[] = [
        ctx.update(fixtures.listing, a1, ctx.key('ok-1')),
        { ...ctx.update(fixtures.secondListing, b1, ctx.key('bad-money')), price: { amount: '1.0000001', currency: b1.currency } },
        ctx.update(fixtures.secondListing, b1, ctx.key('ok-2')),
        ctx.update({ externalId: fixtures.unknownListingId }, a1, ctx.key('unknown')),
      ];
      const batch = ensureShape(batchUpdateResultSchema, await ctx.connector.pricing.batchUpdatePrices(items), 'batchUpdatePrices');
      ensureEqual(batch.results.length, items.length, 'number of results');
      batch.results.forEach((r, i) => ensureEqual(r.idempotencyKey, items[i]?.idempotencyKey, `results[${i}].idempotencyKey`));
      const [ok1, bad, ok2, unknown] = batch.results as PriceUpdateResult[];
      ensureAccepted(ctx, ok1 as PriceUpdateResult, 'valid item 0');
      ensureAccepted(ctx, ok2 as PriceUpdateResult, 'valid item 2');
      ensure(bad?.status === 'failed' && bad.reason === 'validation', `invalid-money item: ${bad ? describeResult(bad) : 'missing'}`);
      ensure(
        bad.errors?.some((e) => /price/.test(e.path)),
        `invalid-money item's errors should name the price field, got ${show(bad.errors)}`,
      );
      const unknownFinal = await finalOutcome(ctx, unknown as PriceUpdateResult);
      ensure(
        unknownFinal.status === 'failed' && unknownFinal.reason === 'not_found',
        `unknown-listing item: ${describeResult(unknownFinal)}`,
      );
      await ensureLive(ctx, fixtures.listing, a1, 'valid item 0 of a batch with bad items');
      await ensureLive(ctx, fixtures.secondListing, b1, 'valid item 2 of a batch with bad items');
    },
  },
  {
    id: 'batch-malformed',
    title: 'a malformed batch (empty, duplicate keys, over maxBatchSize) throws ValidationError and changes nothing',
    async run(ctx) {
      const l = ctx.fixtures.listing;
      const live = await ctx.livePrice(l);
      const [p1, p2] = await ctx.pricesFor(l);
      await ensureRejects(() => ctx.connector.pricing.batchUpdatePrices([]), ValidationError, 'empty batch');
      const dup = ctx.key('dup');
      await ensureRejects(
        () => ctx.connector.pricing.batchUpdatePrices([ctx.update(l, p1, dup), ctx.update(l, p2, dup)]),
        ValidationError,
        'batch with a duplicated idempotency key',
      );
      const max = ctx.connector.capabilities.maxBatchSize;
      if (max <= 1000) {
        const tooMany = Array.from({ length: max + 1 }, (_, i) => ctx.update(l, p1, ctx.key(`over-${i}`)));
        await ensureRejects(() => ctx.connector.pricing.batchUpdatePrices(tooMany), ValidationError, `batch of ${max + 1} (> maxBatchSize)`);
      }
      await ensureLive(ctx, l, live, 'a rejected batch changed the price');
    },
  },
  {
    id: 'invalid-money',
    title: 'updatePrice rejects non-string, exponent, NaN, negative, over-precise and unknown-currency money with ValidationError',
    async run(ctx) {
      const l = ctx.fixtures.listing;
      const live = await ctx.livePrice(l);
      const c = live.currency;
      const digits = minorUnitsOf(c);
      const overPrecise = digits === 0 ? `${live.amount}.5` : `${live.amount}1`;
      const bad: [string, unknown][] = [
        ['a float number', { amount: 19.99, currency: c }],
        ['an integer number', { amount: 20, currency: c }],
        ['exponent notation', { amount: '1e3', currency: c }],
        ['NaN', { amount: 'NaN', currency: c }],
        ['Infinity', { amount: 'Infinity', currency: c }],
        ['a negative amount', { amount: `-${live.amount}`, currency: c }],
        ['negative zero', { amount: '-0', currency: c }],
        [`more decimals than ${c} has`, { amount: overPrecise, currency: c }],
        ['an unknown currency', { amount: live.amount, currency: 'ZZZ' }],
        ['a lower-case currency', { amount: live.amount, currency: c.toLowerCase() }],
        ['an empty amount', { amount: '', currency: c }],
        ['a blank amount', { amount: '  ', currency: c }],
        ['no currency', { amount: live.amount }],
      ];
      const accepted: string[] = [];
      for (const [label, price] of bad) {
        const update = { ...ctx.update(l, live, ctx.key(`bad-${label.replace(/\W+/g, '-')}`)), price } as unknown as PriceUpdate;
        try {
          await ctx.connector.pricing.updatePrice(update);
          accepted.push(label);
        } catch (error) {
          if (!(error instanceof ValidationError)) {
            throw new ConformanceFailure(`${label}: expected ValidationError, got ${(error as Error)?.name}: ${(error as Error)?.message}`);
          }
          ensure(
            error.errors.some((e) => e.path.startsWith('price')),
            `${label}: ValidationError should name price.amount/price.currency, got ${show(error.errors)}`,
          );
        }
      }
      if (accepted.length > 0) throw new ConformanceFailure(`accepted invalid money: ${accepted.join(', ')}`);
      await ensureLive(ctx, l, live, 'invalid money changed the price');
    },
  },
];
