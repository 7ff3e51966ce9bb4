import { describe, expect, it } from 'vitest';
import { planPriceFeeds } from '../src/feeds/feed-documents';
import { validateFeedMessage, validatePriceChange } from '../src/feeds/feed-validation';
import { buildPatchListingsItemBody, buildPriceMessage, writePriceMessage, type ListingPriceChange } from '../src/feeds/json-listings-feed';
import { compareDecimals, writeJson } from '../src/feeds/json-decimal';
import { describeWithAmazonReference, listingsFeedSchemaValidator } from './support/amazon-reference';

const US = 'ATVPDKIKX0DER';
const change = (sku: string, price: string, extra: Partial<ListingPriceChange> = {}): ListingPriceChange => ({
  sku,
  marketplaceId: US,
  currency: 'USD',
  price,
  ...extra,
});

describe('JSON_LISTINGS_FEED price documents', () => {
  it('writes prices digit for digit as JSON numbers with min/max when set', () => {
    const plan = planPriceFeeds('A1SELLER', [
      change('SKU-1', '19.99', { minimumPrice: '10.00', maximumPrice: '30', productType: 'LUGGAGE' }),
      change('SKU-2', '1234567.10'),
    ]);
    expect(plan.refused).toEqual([]);
    expect(plan.documents).toHaveLength(1);
    const doc = plan.documents[0]!;
    expect(doc.content).toContain('"our_price":[{"schedule":[{"value_with_tax":19.99}]}]');
    expect(doc.content).toContain('"minimum_seller_allowed_price":[{"schedule":[{"value_with_tax":10.00}]}]');
    expect(doc.content).toContain('"value_with_tax":1234567.10');
    const parsed = JSON.parse(doc.content);
    expect(parsed.header).toEqual({ sellerId: 'A1SELLER', version: '2.0' });
    expect(parsed.messages[0]).toMatchObject({ messageId: 1, sku: 'SKU-1', operationType: 'PATCH', productType: 'LUGGAGE' });
    expect(parsed.messages[1]).toMatchObject({ messageId: 2, sku: 'SKU-2', productType: 'PRODUCT' });
    expect(parsed.messages[1].patches[0].value[0]).not.toHaveProperty('minimum_seller_allowed_price');
    expect(doc.messages).toEqual([
      { messageId: 1, sku: 'SKU-1' },
      { messageId: 2, sku: 'SKU-2' },
    ]);
  });

  it('refuses bad changes alone, with a reason, and keeps the rest', () => {
    const plan = planPriceFeeds('A1SELLER', [
      change('OK-1', '5.00'),
      change('NEG', '-1.00'),
      change('EXP', '1e3'),
      change('CENTS', '1.999'),
      change('CUR', '1.00', { currency: 'EUR' }),
      change('RANGE', '50.00', { maximumPrice: '40.00' }),
      change('', '1.00'),
      change('OK-1', '6.00'),
      change('ZERO', '0'),
    ]);
    expect(plan.documents).toHaveLength(1);
    expect(plan.documents[0]!.messages.map((m) => m.sku)).toEqual(['OK-1']);
    const reasons = Object.fromEntries(plan.refused.map((r) => [r.sku || '(empty)', r.issues[0]!.message]));
    expect(reasons).toMatchObject({
      NEG: expect.stringContaining('not a plain non-negative decimal'),
      EXP: expect.stringContaining('not a plain non-negative decimal'),
      CENTS: expect.stringContaining('more than 2 decimal places'),
      CUR: expect.stringContaining('prices are in USD'),
      RANGE: expect.stringContaining('above the maximum'),
      '(empty)': expect.stringContaining('sku must be'),
      'OK-1': expect.stringContaining('twice'),
      ZERO: expect.stringContaining('greater than zero'),
    });
  });

  it('knows each currency’s minor units (JPY 0, KWD 3)', () => {
    expect(validatePriceChange({ sku: 'A', marketplaceId: 'A1VC38T7YXB528', currency: 'JPY', price: '1500' })).toEqual([]);
    expect(validatePriceChange({ sku: 'A', marketplaceId: 'A1VC38T7YXB528', currency: 'JPY', price: '1500.5' })[0]?.message).toContain(
      'more than 0 decimal places',
    );
  });

  it('splits above the message limit and keeps one marketplace per document', () => {
    const changes = Array.from({ length: 7 }, (_, i) => change(`S-${i}`, '1.00'));
    changes.push({ sku: 'UK-1', marketplaceId: 'A1F83G8C2ARO7P', currency: 'GBP', price: '2.50' });
    const plan = planPriceFeeds('A1SELLER', changes, { maxMessages: 3 });
    expect(plan.documents.map((d) => [d.marketplaceId, d.messages.length])).toEqual([
      [US, 3],
      [US, 3],
      [US, 1],
      ['A1F83G8C2ARO7P', 1],
    ]);
    expect(plan.documents[1]!.messages[0]!.messageId).toBe(1);
  });

  it('splits by size before a document passes the byte limit', () => {
    const changes = Array.from({ length: 20 }, (_, i) => change(`SKU-${i}`, '1.00'));
    const plan = planPriceFeeds('A1SELLER', changes, { maxBytes: 2000 });
    expect(plan.documents.length).toBeGreaterThan(1);
    for (const d of plan.documents) expect(Buffer.byteLength(d.content)).toBeLessThanOrEqual(2000);
    expect(plan.documents.flatMap((d) => d.messages).length).toBe(20);
  });

  it('a decimal only becomes a plain JSON number when no digit is lost', () => {
    expect(JSON.stringify(buildPatchListingsItemBody(change('S', '10.50')))).toContain('"value_with_tax":10.5}');
    expect(() => JSON.stringify(buildPatchListingsItemBody(change('S', '12345678901234567.89')))).toThrow(/losing digits/);
  });

  it('the fast message writer gives exactly what the generic writer gives', () => {
    for (const c of [change('A"quoted\\sku', '1.50'), change('B', '19.99', { minimumPrice: '1.00' }), change('C', '7', { maximumPrice: '8', productType: 'LUGGAGE' })]) {
      const message = buildPriceMessage(3, c);
      expect(writePriceMessage(message)).toBe(writeJson(message));
    }
  });

  it('compares decimals exactly', () => {
    expect(compareDecimals('10', '9.99')).toBe(1);
    expect(compareDecimals('1.10', '1.1')).toBe(0);
    expect(compareDecimals('0.09', '0.1')).toBe(-1);
  });

  describeWithAmazonReference("against Amazon's listings-feed-schema-v2", () => {
    it('every document we build validates, and a broken one does not', () => {
      const validate = listingsFeedSchemaValidator();
      const changes = Array.from({ length: 200 }, (_, i) =>
        change(`SKU-${i}`, `${i + 1}.${String(i % 100).padStart(2, '0')}`, i % 3 === 0 ? { minimumPrice: '0.50', maximumPrice: '999.99' } : {}),
      );
      const plan = planPriceFeeds('A1SELLER', changes, { maxMessages: 150, issueLocale: 'en_US' });
      expect(plan.documents).toHaveLength(2);
      for (const doc of plan.documents) {
        const ok = validate(JSON.parse(doc.content));
        expect(validate.errors ?? []).toEqual([]);
        expect(ok).toBe(true);
      }
      const broken = JSON.parse(plan.documents[0]!.content);
      delete broken.messages[0].productType;
      expect(validate(broken)).toBe(false);
    });

    it('the patchListingsItem body carries the same patch', () => {
      const body = buildPatchListingsItemBody(change('SKU-9', '9.99'));
      const doc = { header: { sellerId: 'A', version: '2.0' }, messages: [{ messageId: 1, sku: 'SKU-9', operationType: 'PATCH', ...JSON.parse(JSON.stringify(body)) }] };
      expect(listingsFeedSchemaValidator()(doc)).toBe(true);
    });
  });

  // An offer is keyed by marketplace_id, currency and audience; Amazon refuses a merge that names less.
  it('every merge names the offer by its whole key: marketplace_id, currency and audience ALL (feed and patch)', () => {
    const doc = JSON.parse(planPriceFeeds('A1SELLER', [change('SKU-1', '19.99', { minimumPrice: '10.00' }), change('SKU-2', '5.00')]).documents[0]!.content);
    const patch = JSON.parse(JSON.stringify(buildPatchListingsItemBody(change('SKU-9', '9.99'))));
    for (const p of [...doc.messages.flatMap((m: { patches: unknown[] }) => m.patches), ...patch.patches]) {
      expect(p).toMatchObject({ op: 'merge', path: '/attributes/purchasable_offer' });
      expect(p.value[0]).toMatchObject({ marketplace_id: US, currency: 'USD', audience: 'ALL' });
    }
    expect(doc.messages[0].patches[0].value[0]).toEqual({
      marketplace_id: US,
      currency: 'USD',
      audience: 'ALL',
      our_price: [{ schedule: [{ value_with_tax: 19.99 }] }],
      minimum_seller_allowed_price: [{ schedule: [{ value_with_tax: 10 }] }],
    });
    // Our own check before upload refuses a message without the audience, naming the field.
    const bare = buildPriceMessage(1, change('SKU-3', '3.00'));
    delete (bare.patches[0]!.value[0] as { audience?: string }).audience;
    expect(validateFeedMessage(bare)).toEqual([expect.objectContaining({ path: '/messages/0/patches/0/value/0/audience' })]);
  });
});
