// Connectors report what they do as typed events.
import { connectorEventSchema, type ConnectorEvent, type PriceUpdate } from '../..';
import { ensure, ensureEqual, ensureShape } from '../assertions';
import type { CheckContext } from '../context';
import type { ConformanceCheck } from './check';

async function recordEvents<T>(ctx: CheckContext, fn: () => Promise<T>): Promise<{ value: T; events: ConnectorEvent[] }> {
  const events: ConnectorEvent[] = [];
  const stop = ctx.connector.events.onAny((e) => {
    events.push(e);
  });
  try {
    const value = await fn();
    return { value, events };
  } finally {
    stop();
  }
}

function validated(ctx: CheckContext, events: ConnectorEvent[]): ConnectorEvent[] {
  for (const e of events) {
    ensureShape(connectorEventSchema, e, `event ${e.type}`);
    ensureEqual(e.platform, ctx.connector.platform, `event ${e.type} platform`);
  }
  return events;
}

export const eventChecks: ConformanceCheck[] = [
  {
    id: 'events-price',
    title: 'price updates emit price_update.submitted, then applied (or a platform reference), and failed for failures',
    async run(ctx) {
      const l = ctx.fixtures.listing;
      const [p1] = await ctx.pricesFor(l);
      const key = ctx.key('evented');
      const badKey = ctx.key('evented-bad');
      const { value: result, events } = await recordEvents(ctx, async () => {
        const single = await ctx.connector.pricing.updatePrice(ctx.update(l, p1, key));
        await ctx.connector.pricing.batchUpdatePrices([
          { ...ctx.update(l, p1, badKey), price: { amount: '-1', currency: p1.currency } } as PriceUpdate,
        ]);
        return single;
      });
      validated(ctx, events);
      const mine = events.filter((e) => 'idempotencyKey' in e && e.idempotencyKey === key);
      const types = mine.map((e) => e.type);
      ensure(types.includes('price_update.submitted'), `no price_update.submitted for ${key}; got ${types.join(', ') || 'none'}`);
      if (result.status === 'applied') {
        ensure(types.includes('price_update.applied'), `applied update emitted no price_update.applied; got ${types.join(', ')}`);
        ensure(
          types.indexOf('price_update.submitted') < types.indexOf('price_update.applied'),
          'price_update.applied came before price_update.submitted',
        );
      }
      if (result.status === 'pending') {
        const submitted = mine.find((e) => e.type === 'price_update.submitted');
        ensure(submitted && 'platformReference' in submitted && submitted.platformReference, 'pending update: submitted event carries no platformReference');
      }
      const failed = events.find((e) => e.type === 'price_update.failed' && e.idempotencyKey === badKey);
      ensure(failed, `invalid batch item emitted no price_update.failed; got ${events.map((e) => e.type).join(', ')}`);
    },
  },
  {
    id: 'events-sync',
    title: 'a sync emits sync.started once and sync.finished per page, the last with done: true',
    async run(ctx) {
      const { value: syncIds, events } = await recordEvents(ctx, async () => {
        const ids = new Set<string>();
        let cursor: string | undefined;
        for (let page = 0; page < 100; page++) {
          const r = await ctx.connector.products.sync({ mode: 'full', limit: 50, ...(cursor ? { cursor } : {}) });
          ids.add(r.syncId);
          if (!r.nextCursor) break;
          cursor = r.nextCursor;
        }
        return ids;
      });
      validated(ctx, events);
      const [syncId] = [...syncIds];
      ensure(syncId, 'sync returned no syncId');
      const started = events.filter((e) => e.type === 'sync.started' && e.syncId === syncId);
      const finished = events.filter((e) => e.type === 'sync.finished' && e.syncId === syncId);
      ensureEqual(started.length, 1, 'number of sync.started events');
      ensure(finished.length >= 1, 'no sync.finished event');
      const last = finished[finished.length - 1];
      ensure(last?.type === 'sync.finished' && last.done, 'the last sync.finished event is not done: true');
    },
  },
];
