import { describe, expect, it, vi } from 'vitest';
import { ConflictError, ConnectorRegistry, NotFoundError, ValidationError, type ConnectorEvent } from '../../src';
import { REFERENCE_CREDENTIALS } from '../../src/reference/catalog';
import { ReferenceConnector } from '../../src/reference/in-memory-connector';

const probe = new ReferenceConnector();
const descriptor = { platform: 'reference', displayName: 'Reference', capabilities: probe.capabilities };

describe('ConnectorRegistry', () => {
  it('adds a platform with one registration and lists it with its capabilities', () => {
    const registry = new ConnectorRegistry().register(descriptor, ({ tenantId, events }) => new ReferenceConnector({ tenantId, events }));
    registry.register({ ...descriptor, platform: 'another', displayName: 'Another' }, () => new ReferenceConnector({ platform: 'another' }));
    expect(registry.list().map((d) => [d.platform, d.displayName])).toEqual([
      ['another', 'Another'],
      ['reference', 'Reference'],
    ]);
    expect(registry.describe('reference').capabilities.maxBatchSize).toBe(50);
    expect(() => registry.register(descriptor, () => new ReferenceConnector())).toThrow(ConflictError);
    expect(() => new ConnectorRegistry().register({ ...descriptor, platform: 'Bad Id!' }, () => probe)).toThrow(ValidationError);
    expect(() =>
      new ConnectorRegistry().register({ ...descriptor, capabilities: { ...descriptor.capabilities, maxBatchSize: 0 } }, () => probe),
    ).toThrow(ValidationError);
  });

  it('builds one connector per tenant, cached, including under concurrent calls', async () => {
    const factory = vi.fn(({ tenantId, events }) => new ReferenceConnector({ tenantId, events }));
    const registry = new ConnectorRegistry().register(descriptor, factory);
    const [a1, a2] = await Promise.all([registry.get('reference', 'tenant-a'), registry.get('reference', 'tenant-a')]);
    const b = await registry.get('reference', 'tenant-b');
    expect(a1).toBe(a2);
    expect(b).not.toBe(a1);
    expect(factory).toHaveBeenCalledTimes(2);
    expect(registry.size).toBe(2);
    await expect(registry.get('nope', 'tenant-a')).rejects.toBeInstanceOf(NotFoundError);
    await expect(registry.get('reference', '')).rejects.toBeInstanceOf(ValidationError);
  });

  it('does not cache a failed construction', async () => {
    let fail = true;
    const registry = new ConnectorRegistry().register(descriptor, () => {
      if (fail) throw new Error('credentials store down');
      return new ReferenceConnector();
    });
    await expect(registry.get('reference', 't')).rejects.toThrow('credentials store down');
    fail = false;
    await expect(registry.get('reference', 't')).resolves.toBeInstanceOf(ReferenceConnector);
  });

  it('refuses a factory that builds another platform', async () => {
    const registry = new ConnectorRegistry().register(descriptor, () => new ReferenceConnector({ platform: 'other' }));
    await expect(registry.get('reference', 't')).rejects.toThrow(/built a other connector/);
  });

  it('disposes connectors on evict, unregister and dispose', async () => {
    const disposed: string[] = [];
    class Disposable extends ReferenceConnector {
      constructor(private readonly tenant: string) {
        super({ tenantId: tenant });
      }
      async dispose() {
        disposed.push(this.tenant);
      }
    }
    const registry = new ConnectorRegistry().register(descriptor, ({ tenantId }) => new Disposable(tenantId));
    const first = await registry.get('reference', 'a');
    await registry.get('reference', 'b');
    await registry.get('reference', 'c');
    await registry.evict('reference', 'a');
    expect(disposed).toEqual(['a']);
    expect(await registry.get('reference', 'a')).not.toBe(first);
    await registry.evictTenant('b');
    expect(disposed).toEqual(['a', 'b']);
    await registry.dispose();
    expect(disposed.sort()).toEqual(['a', 'a', 'b', 'c']);
    expect(registry.size).toBe(0);
    await registry.get('reference', 'z');
    await registry.unregister('reference');
    expect(disposed).toContain('z');
    expect(registry.has('reference')).toBe(false);
  });

  it('forwards every connector event, stamped with platform and tenant', async () => {
    const registry = new ConnectorRegistry().register(descriptor, ({ tenantId, events }) => new ReferenceConnector({ tenantId, events }));
    const seen: ConnectorEvent[] = [];
    registry.events.onAny((e) => {
      seen.push(e);
    });
    const applied: string[] = [];
    registry.events.on('price_update.applied', (e) => {
      applied.push(`${e.tenantId}:${e.price.amount}`);
    });
    const connector = await registry.get('reference', 'tenant-a');
    await connector.authenticate(REFERENCE_CREDENTIALS);
    await connector.pricing.updatePrice({ idempotencyKey: 'k1', externalId: 'ref-listing-1a', price: { amount: '77.00', currency: 'USD' } });
    expect(seen.map((e) => e.type)).toEqual(['price_update.submitted', 'price_update.applied']);
    expect(seen.every((e) => e.platform === 'reference' && e.tenantId === 'tenant-a')).toBe(true);
    expect(applied).toEqual(['tenant-a:77.00']);
  });
});
