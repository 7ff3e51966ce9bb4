import { describe, expect, it } from 'vitest';
import {
  ValidationError,
  fingerprintPriceUpdate,
  listingKey,
  normalizePlatformId,
  normalizeShopDomain,
  normalizeShopifyId,
  normalizeSku,
  parseOrThrow,
  parseShopifyGid,
  partitionPriceUpdates,
  platformCredentialsSchema,
  priceUpdateResultSchema,
  productFilterSchema,
  shopifyGid,
  skusMatch,
  syncOptionsSchema,
  validatePriceUpdate,
} from '../../src';

const update = (over: Record<string, unknown> = {}) => ({
  idempotencyKey: 'pc-1:shopify',
  externalId: 'gid://shopify/ProductVariant/1',
  price: { amount: '19.9', currency: 'USD' },
  ...over,
});

function fieldErrors(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).errors;
  }
  throw new Error('did not throw');
}

describe('price update validation', () => {
  it('accepts a valid update and canonicalizes its money', () => {
    expect(validatePriceUpdate(update()).price).toEqual({ amount: '19.90', currency: 'USD' });
  });

  it('names every bad field with its path', () => {
    expect(fieldErrors(() => validatePriceUpdate(update({ price: { amount: 19.9, currency: 'USD' } })))).toEqual([
      expect.objectContaining({ path: 'price.amount', code: 'invalid_type' }),
    ]);
    expect(fieldErrors(() => validatePriceUpdate(update({ price: undefined })))[0]).toMatchObject({ path: 'price', code: 'required' });
    expect(fieldErrors(() => validatePriceUpdate(update({ idempotencyKey: 'has space' })))[0]?.path).toBe('idempotencyKey');
    expect(fieldErrors(() => validatePriceUpdate(update({ externalId: '' })))[0]?.path).toBe('externalId');
    expect(fieldErrors(() => validatePriceUpdate(update({ marketplaceId: 'us' })))[0]?.path).toBe('marketplaceId');
    expect(fieldErrors(() => validatePriceUpdate(update({ price: { amount: '-1', currency: 'USD' } }), 'updates[3]'))[0]?.path).toBe(
      'updates[3].price.amount',
    );
  });

  it('checks bounds and currencies against the price', () => {
    const money = (amount: string, currency = 'USD') => ({ amount, currency });
    expect(fieldErrors(() => validatePriceUpdate(update({ minPrice: money('25.00') })))).toEqual([
      expect.objectContaining({ path: 'price', code: 'below_min' }),
    ]);
    expect(fieldErrors(() => validatePriceUpdate(update({ maxPrice: money('10.00') })))[0]?.code).toBe('above_max');
    expect(fieldErrors(() => validatePriceUpdate(update({ minPrice: money('30.00'), maxPrice: money('20.00') }))).map((e) => e.code)).toContain(
      'bounds_inverted',
    );
    expect(fieldErrors(() => validatePriceUpdate(update({ expectedCurrentPrice: money('1.00', 'EUR') })))[0]).toMatchObject({
      path: 'expectedCurrentPrice.currency',
      code: 'currency_mismatch',
    });
  });

  it('partitions a batch so bad items fail alone, in input order', () => {
    const { valid, invalid } = partitionPriceUpdates([
      update({ idempotencyKey: 'a' }),
      update({ idempotencyKey: 'b', price: { amount: '1e3', currency: 'USD' } }),
      update({ idempotencyKey: 'c' }),
      'not an object',
    ]);
    expect(valid.map((v) => v.index)).toEqual([0, 2]);
    expect(invalid.map((i) => i.index)).toEqual([1, 3]);
    expect(invalid[0]?.result).toMatchObject({ status: 'failed', reason: 'validation', idempotencyKey: 'b', retryable: false });
    expect(invalid[0]?.result.errors?.[0]?.path).toBe('updates[1].price.amount');
  });

  it('rejects malformed batches as a whole', () => {
    expect(fieldErrors(() => partitionPriceUpdates([]))[0]?.path).toBe('updates');
    expect(fieldErrors(() => partitionPriceUpdates({}))[0]?.path).toBe('updates');
    expect(fieldErrors(() => partitionPriceUpdates([update(), update()]))[0]).toMatchObject({
      path: 'updates[1].idempotencyKey',
      code: 'duplicate_idempotency_key',
    });
    expect(() => partitionPriceUpdates([update({ idempotencyKey: 'a' }), update({ idempotencyKey: 'b' })], 1)).toThrow(/at most 1/);
  });

  it('fingerprints content, not spelling or notes', () => {
    const a = validatePriceUpdate(update({ reason: 'competitor dropped' }));
    const b = validatePriceUpdate({ price: { currency: 'USD', amount: '19.90' }, externalId: a.externalId, idempotencyKey: a.idempotencyKey });
    expect(fingerprintPriceUpdate(a)).toBe(fingerprintPriceUpdate(b));
    const c = validatePriceUpdate(update({ price: { amount: '19.91', currency: 'USD' } }));
    expect(fingerprintPriceUpdate(c)).not.toBe(fingerprintPriceUpdate(a));
  });
});

describe('other input schemas', () => {
  it('validates product filters and sync options', () => {
    expect(parseOrThrow(productFilterSchema, { limit: 10, skus: ['A'] })).toEqual({ limit: 10, skus: ['A'] });
    expect(fieldErrors(() => parseOrThrow(productFilterSchema, { limit: 0 }, 'filter'))[0]?.path).toBe('filter.limit');
    expect(fieldErrors(() => parseOrThrow(productFilterSchema, { updatedSince: 'yesterday' }))[0]?.path).toBe('updatedSince');
    expect(fieldErrors(() => parseOrThrow(syncOptionsSchema, { mode: 'incremental' }))[0]?.path).toBe('since');
    expect(parseOrThrow(syncOptionsSchema, { mode: 'incremental', since: '2025-01-01T00:00:00Z' }).mode).toBe('incremental');
  });

  it('validates credentials per platform', () => {
    expect(parseOrThrow(platformCredentialsSchema, { platform: 'shopify', shopDomain: 'demo.myshopify.com', accessToken: 'shpat_x' }).platform).toBe(
      'shopify',
    );
    expect(() => parseOrThrow(platformCredentialsSchema, { platform: 'shopify', shopDomain: 'evil.com', accessToken: 'x' })).toThrow(
      ValidationError,
    );
    expect(
      parseOrThrow(platformCredentialsSchema, {
        platform: 'amazon',
        sellingPartnerId: 'A3EXAMPLE12345',
        refreshToken: 'Atzr|x',
        region: 'na',
        marketplaceIds: ['ATVPDKIKX0DER'],
      }).platform,
    ).toBe('amazon');
    expect(() => parseOrThrow(platformCredentialsSchema, { platform: 'amazon', refreshToken: 'x' })).toThrow(ValidationError);
    expect(parseOrThrow(platformCredentialsSchema, { platform: 'etsy', secrets: { apiKey: 'k' } }).platform).toBe('etsy');
  });
});

describe('normalization helpers', () => {
  it('normalizes SKUs for cross-platform linking', () => {
    expect(normalizeSku('  abc-１２３ ')).toBe('ABC-123');
    expect(normalizeSku('a  b\tc')).toBe('A B C');
    expect(normalizeSku('   ')).toBeNull();
    expect(normalizeSku(null)).toBeNull();
    expect(skusMatch('shoe-42', 'SHOE-42 ')).toBe(true);
    expect(skusMatch('ABC 123', 'ABC-123')).toBe(false);
    expect(skusMatch(null, null)).toBe(false);
  });

  it('normalizes platform ids, shop domains and Shopify GIDs', () => {
    expect(normalizePlatformId(' Shopify ')).toBe('shopify');
    expect(() => normalizePlatformId('bad id!')).toThrow(ValidationError);
    expect(normalizeShopDomain('My-Shop')).toBe('my-shop.myshopify.com');
    expect(normalizeShopDomain('https://my-shop.myshopify.com/admin')).toBe('my-shop.myshopify.com');
    expect(normalizeShopDomain('my-shop.evil.com')).toBeNull();
    expect(shopifyGid('ProductVariant', 42)).toBe('gid://shopify/ProductVariant/42');
    expect(parseShopifyGid('gid://shopify/Product/7')).toEqual({ resource: 'Product', id: '7' });
    expect(parseShopifyGid('7')).toBeNull();
    expect(normalizeShopifyId('ProductVariant', '42')).toBe('gid://shopify/ProductVariant/42');
    expect(() => normalizeShopifyId('ProductVariant', 'gid://shopify/Product/42')).toThrow(/ProductVariant/);
    expect(listingKey('amazon', 'SKU-1', 'ATVPDKIKX0DER')).toBe('amazon:ATVPDKIKX0DER:SKU-1');
    expect(listingKey('shopify', 'gid://shopify/ProductVariant/1')).toBe('shopify:gid://shopify/ProductVariant/1');
  });
});

describe('pending results and their stage', () => {
  const pending = (extra: Record<string, unknown> = {}) => ({
    idempotencyKey: 'k',
    externalId: 'SKU-1',
    status: 'pending',
    price: { amount: '10.00', currency: 'USD' },
    submittedAt: '2026-12-07T06:00:00.000Z',
    platformReference: { kind: 'feed', id: '1' },
    ...extra,
  });

  it('takes a pending result without a stage, or with submitted / accepted (accepted is not applied)', () => {
    expect(priceUpdateResultSchema.safeParse(pending()).success).toBe(true);
    expect(priceUpdateResultSchema.safeParse(pending({ stage: 'submitted' })).success).toBe(true);
    expect(priceUpdateResultSchema.safeParse(pending({ stage: 'accepted' })).success).toBe(true);
    expect(priceUpdateResultSchema.safeParse(pending({ stage: 'live' })).success).toBe(false);
  });
});
