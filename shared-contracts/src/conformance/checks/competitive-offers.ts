// Competitive offers (`pricing.getCompetitiveOffers`), present exactly when the connector declares
// `competitivePricing`.
import { ValidationError, competitiveBatchSize, competitiveOffersResultSchema } from '../..';
import { ensure, ensureEqual, ensureRejects, ensureShape } from '../assertions';
import type { ConformanceCheck } from './check';

export const competitiveOfferChecks: ConformanceCheck[] = [
  {
    id: 'competitive-offers',
    title: 'getCompetitiveOffers (with competitivePricing): one result per item in order, canonical Money in one currency, ours marked, unreadable items carry an error',
    async run(ctx) {
      const { connector } = ctx;
      const read = connector.pricing.getCompetitiveOffers?.bind(connector.pricing);
      if (!connector.capabilities.competitivePricing) {
        ensure(!read, 'pricing.getCompetitiveOffers is present but capabilities.competitivePricing is false');
        return;
      }
      ensure(read, 'capabilities.competitivePricing is true but pricing.getCompetitiveOffers is missing');
      const item = ctx.fixtures.competitiveItem;
      if (!item) return ctx.skip('no competitiveItem fixture');
      const market = item.marketplaceId ? { marketplaceId: item.marketplaceId } : {};
      const unknown = `${item.itemId.slice(0, 3)}NOSUCH${ctx.key('x').slice(-4)}`.toUpperCase();
      const answer = ensureShape(competitiveOffersResultSchema, await read({ itemIds: [item.itemId, unknown], ...market }), 'getCompetitiveOffers');
      ensureEqual(answer.listings.map((l) => l.itemId), [item.itemId, unknown], 'itemIds of the results (one per item, in order)');
      const [known, missing] = answer.listings as [(typeof answer.listings)[number], (typeof answer.listings)[number]];
      ensure(!known.error, `the fixture item could not be read: ${known.error?.code}: ${known.error?.message}`);
      ensure(known.currency !== null && known.offers.length > 0, `the fixture item has no offers (currency ${String(known.currency)})`);
      if (item.marketplaceId) ensureEqual(known.marketplaceId, item.marketplaceId, 'marketplaceId of the result');
      if (item.hasOurOffer) ensure(known.offers.some((o) => o.isOurs), 'none of the offers is marked isOurs, but the fixture has one of ours');
      ensure(missing.error !== undefined || missing.offers.length === 0, 'an item that does not exist came back with offers and no error');
      const max = competitiveBatchSize(connector.capabilities);
      const tooMany = Array.from({ length: max + 1 }, (_, i) => `${unknown}${i}`);
      await ensureRejects(() => read({ itemIds: tooMany, ...market }), ValidationError, `getCompetitiveOffers with ${max + 1} items (> maxCompetitiveBatch)`);
    },
  },
];
