// The reference connector's offer-change feed (pricing.getOfferChanges) and the output schema the kit
// checks answers against.
import { describe, expect, it } from 'vitest';
import { ValidationError, NotFoundError, money, offerChangesResultSchema, type PlatformConnector } from '../../src';
import { REFERENCE_CREDENTIALS, defaultCompetition } from '../../src/reference/catalog';
import { ReferenceConnector } from '../../src/reference/in-memory-connector';

async function connected(options: ConstructorParameters<typeof ReferenceConnector>[0] = {}): Promise<ReferenceConnector> {
  const c = new ReferenceConnector({ offerChanges: {}, ...options });
  await c.authenticate(REFERENCE_CREDENTIALS);
  return c;
}
const read = (c: PlatformConnector) => c.pricing.getOfferChanges!.bind(c.pricing);

describe('reference connector offer changes', () => {
  it('is absent without the option', () => {
    const c = new ReferenceConnector();
    expect(c.capabilities.offerChanges).toBeUndefined();
    expect(c.pricing.getOfferChanges).toBeUndefined();
  });

  it('keeps announced changes in order; the seeded competition or our own listing is the snapshot', async () => {
    const c = await connected({ competition: defaultCompetition() });
    expect(await read(c)({})).toEqual({ changes: [], cursor: null, status: { state: 'live', lastReceivedAt: null } });
    const a = c.announceOfferChange('ref-item-1');
    const b = c.announceOfferChange('ref-listing-1a', 'ours');
    expect(() => c.announceOfferChange('nothing-here')).toThrow(NotFoundError);
    const all = offerChangesResultSchema.parse(await read(c)({}));
    expect(all.changes.map((x) => x.cursor)).toEqual([a.cursor, b.cursor]);
    expect(all.changes[0]!.listing.offers).toHaveLength(3);
    expect(all.changes[1]!.listing.offers).toEqual([expect.objectContaining({ isOurs: true, landed: money('89.99', 'USD') })]);
    expect(all.changes[1]!.cause).toBe('ours');
    expect(all.cursor).toBe(b.cursor);
    expect(all.status.lastReceivedAt).toBe(b.receivedAt);
    expect((await read(c)({ after: a.cursor })).changes.map((x) => x.cursor)).toEqual([b.cursor]);
    expect(await read(c)({ after: b.cursor })).toMatchObject({ changes: [], cursor: b.cursor });
  });

  it('refuses a cursor it did not issue', async () => {
    const c = await connected();
    await expect(read(c)({ after: 'not-a-cursor' })).rejects.toBeInstanceOf(ValidationError);
    await expect(read(c)({ after: Buffer.from(JSON.stringify({ seq: -1 })).toString('base64url') })).rejects.toBeInstanceOf(ValidationError);
  });

  it('a long poll with a change already there answers at once', async () => {
    const c = await connected();
    const kept = c.announceOfferChange('ref-listing-1a');
    expect((await read(c)({ waitSeconds: 20 })).changes.map((x) => x.cursor)).toEqual([kept.cursor]);
  });

  it('a long poll answers with the first change announced while it waits', async () => {
    const c = await connected();
    const waiting = read(c)({ waitSeconds: 20 });
    const announced = c.announceOfferChange('ref-listing-1a');
    expect((await waiting).changes.map((x) => x.cursor)).toEqual([announced.cursor]);
  });

  it('reports the channel state it is given, and erasing the tenant drops its changes', async () => {
    const c = await connected({ offerChanges: { state: 'down' } });
    expect((await read(c)({})).status.state).toBe('down');
    c.setOfferChangesState('off');
    expect((await read(c)({})).status.state).toBe('off');
    c.announceOfferChange('ref-listing-1a');
    expect(await c.eraseTenant()).toEqual({ erased: { authorization: 1, offerChanges: 1 } });
    await c.authenticate(REFERENCE_CREDENTIALS);
    expect((await read(c)({})).changes).toEqual([]);
  });
});

describe('reference connector pricing health', () => {
  it('comes with offer changes unless turned off', async () => {
    expect((await connected()).capabilities.pricingHealth).toBe(true);
    const without = await connected({ offerChanges: { pricingHealth: false } });
    expect(without.capabilities.pricingHealth).toBeUndefined();
    expect(() => without.announcePricingHealth('ref-listing-1a', money('21.50', 'USD'))).toThrow(ValidationError);
    // Asked for anyway: ignored.
    expect(await read(without)({ include: ['pricingHealth'] })).not.toHaveProperty('pricingHealth');
  });

  it('shares the offer changes\' cursor sequence, and is returned only when asked for', async () => {
    const c = await connected();
    const a = c.announceOfferChange('ref-listing-1a');
    const h = c.announcePricingHealth('ref-listing-1a', money('21.50', 'USD'));
    const b = c.announceOfferChange('ref-listing-1a', 'ours');
    expect(h).toMatchObject({ itemId: 'ref-listing-1a', issue: 'BuyBoxDisqualification', ourPrice: money('89.99', 'USD'), exceeded: { kind: 'competitivePrice', price: money('21.50', 'USD') } });
    const asked = offerChangesResultSchema.parse(await read(c)({ include: ['pricingHealth'] }));
    expect(asked.changes.map((x) => x.cursor)).toEqual([a.cursor, b.cursor]);
    expect(asked.pricingHealth!.map((x) => x.cursor)).toEqual([h.cursor]);
    expect(asked.cursor).toBe(b.cursor);
    // A page that ends on the health item: its cursor is the health item's.
    const two = offerChangesResultSchema.parse(await read(c)({ include: ['pricingHealth'], limit: 2 }));
    expect(two).toMatchObject({ cursor: h.cursor, changes: [expect.objectContaining({ cursor: a.cursor })], pricingHealth: [expect.objectContaining({ cursor: h.cursor })] });
    const plain = await read(c)({});
    expect(plain).not.toHaveProperty('pricingHealth');
    expect(plain.changes.map((x) => x.cursor)).toEqual([a.cursor, b.cursor]);
    // Not exceeded: our price at or under the reference.
    expect(c.announcePricingHealth('ref-listing-1a', money('89.99', 'USD')).exceeded).toBeNull();
  });

  it('a long poll asking for pricing health wakes on one', async () => {
    const c = await connected();
    const waiting = read(c)({ waitSeconds: 20, include: ['pricingHealth'] });
    const h = c.announcePricingHealth('ref-listing-1a', money('21.50', 'USD'));
    expect((await waiting).pricingHealth!.map((x) => x.cursor)).toEqual([h.cursor]);
  });
});

describe('offerChangesResultSchema', () => {
  const listing = { itemId: 'B0X', currency: 'USD', buyBox: null, offerCount: 0, offers: [], observedAt: '2026-01-01T00:00:00.000Z' };
  const change = (cursor: string) => ({ cursor, notificationId: `n-${cursor}`, listing, receivedAt: '2026-01-01T00:00:01.000Z' });
  const status = { state: 'live', lastReceivedAt: null };

  it('takes pricing health in the same sequence: the cursor is the last item of either list', () => {
    const usd = (amount: string) => ({ amount, currency: 'USD' });
    const health = (cursor: string, reference = usd('21.50')) => ({
      cursor,
      notificationId: `h-${cursor}`,
      itemId: 'B0X',
      issue: 'BuyBoxDisqualification',
      ourPrice: usd('24.99'),
      referencePrices: [{ kind: 'competitivePrice', price: reference }],
      exceeded: { kind: 'competitivePrice', price: reference },
      observedAt: '2026-01-01T00:00:00.000Z',
      receivedAt: '2026-01-01T00:00:01.000Z',
    });
    expect(offerChangesResultSchema.safeParse({ changes: [change('1')], pricingHealth: [health('2')], cursor: '2', status }).success).toBe(true);
    expect(offerChangesResultSchema.safeParse({ changes: [change('1')], pricingHealth: [health('2')], cursor: '3', status }).success).toBe(false);
    expect(offerChangesResultSchema.safeParse({ changes: [change('1')], pricingHealth: [health('1')], cursor: '1', status }).success).toBe(false);
    expect(offerChangesResultSchema.safeParse({ changes: [], pricingHealth: [health('2', { amount: '21.50', currency: 'EUR' })], cursor: '2', status }).success).toBe(false);
    expect(offerChangesResultSchema.safeParse({ changes: [], pricingHealth: [{ ...health('2'), ourPrice: { amount: 24.99, currency: 'USD' } }], cursor: '2', status }).success).toBe(false);
  });

  it("wants the cursor to be the last change's, and each change its own cursor", () => {
    expect(offerChangesResultSchema.safeParse({ changes: [change('1'), change('2')], cursor: '2', status }).success).toBe(true);
    expect(offerChangesResultSchema.safeParse({ changes: [change('1'), change('2')], cursor: '1', status }).success).toBe(false);
    expect(offerChangesResultSchema.safeParse({ changes: [change('1'), change('1')], cursor: '1', status }).success).toBe(false);
    expect(offerChangesResultSchema.safeParse({ changes: [], cursor: null, status: { state: 'maybe', lastReceivedAt: null } }).success).toBe(false);
  });
});
