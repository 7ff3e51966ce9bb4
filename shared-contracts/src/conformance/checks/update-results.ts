// Reading an update's outcome later (`getUpdateResult`): how callers learn what became of a `pending`
// update without sending it again.
import { NotFoundError, equalsMoney, priceUpdateResultSchema, updateResultsAnswerSchema } from '../..';
import { ensure, ensureEqual, ensureRejects, ensureShape, show } from '../assertions';
import type { ConformanceCheck } from './check';
import { describeResult } from './outcome';

export const updateResultChecks: ConformanceCheck[] = [
  {
    id: 'update-result',
    title: 'getUpdateResult answers each key with its latest result (pending, then applied once settled); an unknown key is NotFoundError',
    async run(ctx) {
      const { connector } = ctx;
      const read = connector.pricing.getUpdateResult?.bind(connector.pricing);
      if (!read) {
        ensure(connector.capabilities.priceUpdateMode === 'synchronous', `priceUpdateMode ${connector.capabilities.priceUpdateMode}: pending updates need pricing.getUpdateResult`);
        return ctx.skip('a synchronous connector without getUpdateResult');
      }
      const [l, m] = [ctx.fixtures.listing, ctx.fixtures.secondListing];
      const [p1] = await ctx.pricesFor(l);
      const [q1] = await ctx.pricesFor(m);
      const keys = [ctx.key('result-a'), ctx.key('result-b')];
      const batch = await connector.pricing.batchUpdatePrices([ctx.update(l, p1, keys[0]!), ctx.update(m, q1, keys[1]!)]);
      for (const [i, sent] of batch.results.entries()) {
        ensure(sent.status !== 'failed', `update ${i} failed: ${describeResult(sent)}`);
        const now = ensureShape(priceUpdateResultSchema, await read(keys[i]!), `getUpdateResult(${keys[i]})`);
        ensureEqual(now.idempotencyKey, keys[i], `getUpdateResult(${keys[i]}).idempotencyKey`);
        ensureEqual(now.externalId, sent.externalId, `getUpdateResult(${keys[i]}).externalId`);
        // Read right away: what the batch said, or already further along (never back to pending).
        ensure(now.status === sent.status || (sent.status === 'pending' && now.status !== 'failed'), `getUpdateResult right after the batch is ${describeResult(now)}, the batch said ${sent.status}`);
      }
      await ctx.settle();
      for (const [i, price] of [p1, q1].entries()) {
        const final = ensureShape(priceUpdateResultSchema, await read(keys[i]!), `getUpdateResult(${keys[i]}) after settling`);
        ensure(final.status === 'applied', `getUpdateResult(${keys[i]}) after settling is ${describeResult(final)}, expected applied`);
        if (final.status === 'applied') ensure(equalsMoney(final.price, price), `getUpdateResult(${keys[i]}).price ${show(final.price)} != ${show(price)}`);
      }
      const unknown = ctx.key('never-sent');
      await ensureRejects(() => read(unknown), NotFoundError, 'getUpdateResult(unknown key)');
      // The many-keys form, when there is one, answers exactly as the one-key form does.
      const readMany = connector.pricing.getUpdateResults?.bind(connector.pricing);
      if (readMany) {
        const many = ensureShape(updateResultsAnswerSchema, await readMany([keys[1]!, unknown, keys[0]!]), 'getUpdateResults');
        ensureEqual(many.results.map((r) => r?.idempotencyKey ?? null), [keys[1], null, keys[0]], 'getUpdateResults keys (in order, null for the unknown one)');
        ensureEqual(many.results[0], await read(keys[1]!), `getUpdateResults vs getUpdateResult(${keys[1]})`);
      }
    },
  },
];
