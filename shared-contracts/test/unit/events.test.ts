import { describe, expect, it, vi } from 'vitest';
import { ConnectorEventEmitter, TypedEmitter, connectorEventSchema, type ConnectorEventMap } from '../../src';

describe('typed event emitter', () => {
  it('delivers by type and to catch-all listeners, and unsubscribes', () => {
    const emitter = new ConnectorEventEmitter({ platform: 'shopify', tenantId: 't1', now: () => new Date('2025-01-02T03:04:05Z') });
    const started = vi.fn();
    const any = vi.fn();
    const stop = emitter.on('sync.started', started);
    emitter.onAny(any);
    const event = emitter.publish({ type: 'sync.started', syncId: 's1', mode: 'full' });
    expect(event).toMatchObject({ platform: 'shopify', tenantId: 't1', occurredAt: '2025-01-02T03:04:05.000Z', syncId: 's1' });
    expect(connectorEventSchema.safeParse(event).success).toBe(true);
    expect(started).toHaveBeenCalledWith(event);
    expect(any).toHaveBeenCalledTimes(1);
    stop();
    emitter.publish({ type: 'sync.started', syncId: 's2', mode: 'full' });
    expect(started).toHaveBeenCalledTimes(1);
    expect(any).toHaveBeenCalledTimes(2);
  });

  it('isolates failing listeners, sync or async', async () => {
    const errors: unknown[] = [];
    const emitter = new TypedEmitter<ConnectorEventMap>({ onListenerError: (e) => errors.push(e) });
    const after = vi.fn();
    emitter.onAny(() => {
      throw new Error('logger broke');
    });
    emitter.onAny(async () => {
      throw new Error('db broke');
    });
    emitter.onAny(after);
    emitter.emit({ type: 'sync.started', syncId: 's', mode: 'full', eventId: 'e', occurredAt: new Date().toISOString(), platform: 'x' });
    await new Promise((r) => setImmediate(r));
    expect(after).toHaveBeenCalledTimes(1);
    expect(errors.map((e) => (e as Error).message).sort()).toEqual(['db broke', 'logger broke']);
  });

  it('turns results into the events they imply', () => {
    const emitter = new ConnectorEventEmitter({ platform: 'amazon' });
    const types: string[] = [];
    emitter.onAny((e) => {
      types.push(e.type);
    });
    const price = { amount: '1.00', currency: 'USD' };
    emitter.priceUpdateResult({ status: 'applied', idempotencyKey: 'a', externalId: 'x', price, appliedAt: new Date().toISOString() });
    emitter.priceUpdateResult({
      status: 'pending',
      idempotencyKey: 'b',
      externalId: 'x',
      price,
      submittedAt: new Date().toISOString(),
      platformReference: { kind: 'feed', id: 'F1' },
    });
    emitter.priceUpdateResult({ status: 'failed', idempotencyKey: 'c', externalId: 'x', reason: 'rejected', message: 'no', retryable: false });
    expect(types).toEqual(['price_update.submitted', 'price_update.applied', 'price_update.submitted', 'price_update.failed']);
  });
});
