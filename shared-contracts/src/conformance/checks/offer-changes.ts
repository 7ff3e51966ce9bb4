// Offer changes (`pricing.getOfferChanges`), present exactly when the connector declares `offerChanges`.
// Reading consumes nothing: the same `after` gives the same changes, the cursor moves only forward, and
// `limit` cuts the page. With the `announceOfferChange` hook the check makes the platform announce changes;
// without it only the empty end of the feed is checked. Pricing health (capability `pricingHealth`) rides the
// same stream: only when asked for (`include`), in the same cursor sequence, and never as an offer change.
import { MAX_OFFER_CHANGES, ValidationError, offerChangesResultSchema, type OfferChangesResult, type PlatformConnector } from '../..';
import { ensure, ensureEqual, ensureRejects, ensureShape } from '../assertions';
import type { ConformanceCheck } from './check';

/** Follows the cursor from the oldest change kept to the end: the cursor of the newest (null when none). */
async function endOfFeed(read: NonNullable<PlatformConnector['pricing']['getOfferChanges']>, include?: ['pricingHealth']): Promise<string | null> {
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const page: OfferChangesResult = ensureShape(offerChangesResultSchema, await read({ after: cursor, limit: MAX_OFFER_CHANGES, ...(include ? { include } : {}) }), 'getOfferChanges');
    if (page.changes.length === 0 && (page.pricingHealth ?? []).length === 0) return cursor;
    cursor = page.cursor;
  }
  throw new Error('getOfferChanges never reached the end of its feed in 100 pages');
}

export const offerChangeChecks: ConformanceCheck[] = [
  {
    id: 'offer-changes',
    title: 'getOfferChanges (with offerChanges): same `after` → same changes, the cursor advances, `limit` honoured, waitSeconds 0 answers with none at the end',
    async run(ctx) {
      const { connector } = ctx;
      const read = connector.pricing.getOfferChanges?.bind(connector.pricing);
      if (!connector.capabilities.offerChanges) {
        ensure(!read, 'pricing.getOfferChanges is present but capabilities.offerChanges is false');
        return;
      }
      ensure(read, 'capabilities.offerChanges is true but pricing.getOfferChanges is missing');
      const tail = await endOfFeed(read);
      // At the end, without waiting: nothing, and the cursor stays where it was (a live platform may have
      // announced something meanwhile: then only that, and the cursor is its last).
      const atEnd = ensureShape(offerChangesResultSchema, await read({ after: tail, waitSeconds: 0 }), 'getOfferChanges at the end');
      if (atEnd.changes.length === 0) ensureEqual(atEnd.cursor, tail, 'cursor at the end (the `after` given)');
      await ensureRejects(() => read({ after: tail, limit: MAX_OFFER_CHANGES + 1 }), ValidationError, `getOfferChanges with limit ${MAX_OFFER_CHANGES + 1}`);

      const announce = ctx.options.announceOfferChange;
      if (!announce) return ctx.skip('no announceOfferChange hook: only the end of the feed was checked');
      for (let i = 0; i < 3; i++) await announce(connector);
      const first = ensureShape(offerChangesResultSchema, await read({ after: tail }), 'getOfferChanges after the announcements');
      ensure(first.changes.length >= 3, `3 changes were announced, ${first.changes.length} came back`);
      const again = ensureShape(offerChangesResultSchema, await read({ after: tail }), 'getOfferChanges with the same after');
      ensureEqual(
        again.changes.slice(0, first.changes.length).map((c) => [c.cursor, c.notificationId]),
        first.changes.map((c) => [c.cursor, c.notificationId]),
        'changes read twice with the same after',
      );
      ensure(first.status.lastReceivedAt !== null, 'status.lastReceivedAt is null although changes were received');
      // One at a time: each page is the next change, and the cursor moves on.
      const one = ensureShape(offerChangesResultSchema, await read({ after: tail, limit: 1 }), 'getOfferChanges with limit 1');
      ensureEqual(one.changes.map((c) => c.cursor), [first.changes[0]!.cursor], 'the first page of limit 1');
      const two = ensureShape(offerChangesResultSchema, await read({ after: one.cursor, limit: 1 }), 'getOfferChanges after the first change');
      ensureEqual(two.changes.map((c) => c.cursor), [first.changes[1]!.cursor], 'the page after the first change');
      ensure(two.cursor !== one.cursor, 'the cursor did not advance');
      const end = await endOfFeed(read);
      ensure(end !== tail, 'the end of the feed did not move after three announcements');
      const nothing = ensureShape(offerChangesResultSchema, await read({ after: end, waitSeconds: 0 }), 'getOfferChanges at the new end');
      ensure(nothing.changes.every((c) => !first.changes.some((f) => f.cursor === c.cursor)), 'changes already read came back after the newest cursor');
    },
  },
  {
    id: 'offer-changes-pricing-health',
    title: 'getOfferChanges with include pricingHealth (with pricingHealth): only when asked, in the same cursor sequence, never as an offer change',
    async run(ctx) {
      const { connector } = ctx;
      const read = connector.pricing.getOfferChanges?.bind(connector.pricing);
      if (!connector.capabilities.pricingHealth) {
        // A connector without the capability ignores the request's `include`.
        if (read) {
          const tail = await endOfFeed(read);
          const page = ensureShape(offerChangesResultSchema, await read({ after: tail, include: ['pricingHealth'] }), 'getOfferChanges with include, without the capability');
          ensure((page.pricingHealth ?? []).length === 0, 'pricing health came back although capabilities.pricingHealth is not declared');
        }
        return;
      }
      ensure(connector.capabilities.offerChanges === true && read, 'capabilities.pricingHealth needs capabilities.offerChanges and pricing.getOfferChanges');
      const include: ['pricingHealth'] = ['pricingHealth'];
      const tail = await endOfFeed(read, include);
      const atEnd = ensureShape(offerChangesResultSchema, await read({ after: tail, waitSeconds: 0, include }), 'getOfferChanges with include at the end');
      ensure(Array.isArray(atEnd.pricingHealth), 'asked with include pricingHealth, the result has no pricingHealth list');

      const announce = ctx.options.announcePricingHealth;
      if (!announce) return ctx.skip('no announcePricingHealth hook: only the end of the feed was checked');
      await announce(connector);
      const page = ensureShape(offerChangesResultSchema, await read({ after: tail, include }), 'getOfferChanges with include after the announcement');
      const health = page.pricingHealth ?? [];
      ensure(health.length >= 1, 'pricing health was announced, none came back');
      const item = health.at(-1)!;
      ensure(item.exceeded === null || item.referencePrices.some((r) => r.kind === item.exceeded!.kind), 'exceeded is not one of the reference prices given');
      ensure(page.cursor !== tail, 'the cursor did not move past the pricing health');
      // Read again from the same place: the same items; without include: none, and no offer change in its place.
      const again = ensureShape(offerChangesResultSchema, await read({ after: tail, include }), 'getOfferChanges with include, read twice');
      ensureEqual((again.pricingHealth ?? []).map((h) => [h.cursor, h.notificationId]), health.map((h) => [h.cursor, h.notificationId]), 'pricing health read twice with the same after');
      const without = ensureShape(offerChangesResultSchema, await read({ after: tail }), 'getOfferChanges without include');
      ensure(without.pricingHealth === undefined || without.pricingHealth.length === 0, 'pricing health came back without being asked for');
      const healthCursors = new Set(health.map((h) => h.cursor));
      ensure(without.changes.every((c) => !healthCursors.has(c.cursor)), 'a pricing-health cursor came back as an offer change');
      const after = ensureShape(offerChangesResultSchema, await read({ after: page.cursor, include, waitSeconds: 0 }), 'getOfferChanges with include after the newest cursor');
      ensure((after.pricingHealth ?? []).every((h) => !healthCursors.has(h.cursor)), 'pricing health already read came back after the newest cursor');
    },
  },
];
