// Fee estimates (`pricing.getFeeEstimates`), present exactly when the connector declares `feeEstimates`.
import { ValidationError, addMoney, feeBatchSize, feeEstimatesResultSchema, fromMinorUnits, toMinorUnits, type Money } from '../..';
import { ensure, ensureEqual, ensureRejects, ensureShape } from '../assertions';
import type { ConformanceCheck } from './check';

export const feeEstimateChecks: ConformanceCheck[] = [
  {
    id: 'fee-estimates',
    title: 'getFeeEstimates (with feeEstimates): one estimate per item in request order, item errors not throws, Money in the price\'s currency, total = sum of the lines',
    async run(ctx) {
      const { connector } = ctx;
      const estimate = connector.pricing.getFeeEstimates?.bind(connector.pricing);
      if (!connector.capabilities.feeEstimates) {
        ensure(!estimate, 'pricing.getFeeEstimates is present but capabilities.feeEstimates is false');
        return;
      }
      ensure(estimate, 'capabilities.feeEstimates is true but pricing.getFeeEstimates is missing');
      const { listing, secondListing, unknownListingId } = ctx.fixtures;
      const market = listing.marketplaceId ? { marketplaceId: listing.marketplaceId } : {};
      const live = await connector.pricing.getPrice(listing.externalId, market);
      // Two prices of the same listing and another listing, with an unknown one in the middle.
      const higher = fromMinorUnits(toMinorUnits(live.price) + 100n, live.price.currency);
      const items = [
        { externalId: listing.externalId, price: live.price },
        { externalId: unknownListingId, price: live.price },
        { externalId: listing.externalId, price: higher },
        { externalId: secondListing.externalId, price: live.price },
      ];
      const answer = ensureShape(feeEstimatesResultSchema, await estimate({ items, ...market }), 'getFeeEstimates');
      ensureEqual(answer.estimates.map((e) => e.externalId), items.map((i) => i.externalId), 'externalIds of the estimates (one per item, in order)');
      answer.estimates.forEach((e, i) => {
        ensureEqual(e.price, items[i]!.price, `price of estimate ${i}`);
        if (i === 1) {
          ensure(e.error !== undefined && e.total === null, 'an unknown listing came back with fees and no error');
          return;
        }
        ensure(!e.error && e.total, `estimate ${i} (${e.externalId}) failed: ${e.error?.code}: ${e.error?.message}`);
        ensureEqual(e.total!.currency, e.price.currency, `currency of estimate ${i}`);
        const sum = e.fees.reduce<Money>((total, line) => addMoney(total, line.amount), fromMinorUnits(0n, e.price.currency));
        ensureEqual(e.total, sum, `total of estimate ${i} (the sum of its ${e.fees.length} lines)`);
      });
      const max = feeBatchSize(connector.capabilities);
      const tooMany = Array.from({ length: max + 1 }, () => items[0]!);
      await ensureRejects(() => estimate({ items: tooMany, ...market }), ValidationError, `getFeeEstimates with ${max + 1} items (> maxFeeBatch)`);
    },
  },
];
