// The listings/patch-delay control: accepted patchListingsItem changes show on the listing later (planned
// again then, against the listing as it is) or never, while the answer is ACCEPTED at once.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { amazonCatalog } from '../../src/seed/catalog';
import { raw, startAmazonSandbox, NA_SELLER, US, type AmazonTestSandbox, type SpClient } from './harness';

let sb: AmazonTestSandbox;
let sp: SpClient;
const entries = amazonCatalog();

beforeAll(async () => {
  // 100x: a 200-second delay is 2 real seconds.
  sb = await startAmazonSandbox({ timeScale: 100 });
  sp = sb.client();
});
afterEach(async () => {
  await sb.control('POST', 'listings/patch-delay', { seconds: 'off' });
});
afterAll(() => sb.close());

const patch = (sku: string, price: number) =>
  raw(sp, {
    operation: 'listingsItems.patchListingsItem',
    path: { sellerId: NA_SELLER, sku },
    query: { marketplaceIds: [US] },
    body: { productType: 'PRODUCT', patches: [{ op: 'merge', path: '/attributes/purchasable_offer', value: [{ marketplace_id: US, currency: 'USD', audience: 'ALL', our_price: [{ schedule: [{ value_with_tax: price }] }] }] }] },
  });
const price = async (sku: string): Promise<string> =>
  (await raw(sp, { operation: 'listingsItems.getListingsItem', path: { sellerId: NA_SELLER, sku }, query: { marketplaceIds: [US], includedData: ['offers'] } })).body.offers[0].price.amount;

describe('listings/patch-delay', () => {
  test('a delayed patch is ACCEPTED at once and shows after the delay', async () => {
    const sku = entries[2]!.variant.sku;
    const before = await price(sku);
    expect((await sb.control('POST', 'listings/patch-delay', { seconds: 200 })).body).toEqual({ seconds: 200 });
    const res = await patch(sku, 91.5);
    expect(res.body).toMatchObject({ sku, status: 'ACCEPTED', issues: [] });
    expect(await price(sku)).toBe(before);
    const deadline = Date.now() + 20_000;
    while ((await price(sku)) !== '91.50' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await price(sku)).toBe('91.50');
  });

  test('never: ACCEPTED, never applied; off: patches apply at once again; anything else is refused', async () => {
    const sku = entries[3]!.variant.sku;
    const before = await price(sku);
    await sb.control('POST', 'listings/patch-delay', { seconds: 'never' });
    expect((await patch(sku, 12.34)).body.status).toBe('ACCEPTED');
    expect(await price(sku)).toBe(before);
    expect(sb.log.query({ kind: 'event' }).some((e) => JSON.stringify(e.detail).includes('"patchDelayed"'))).toBe(true);

    expect((await sb.control('POST', 'listings/patch-delay', { seconds: 'off' })).body).toEqual({ seconds: 0 });
    expect((await patch(sku, 23.45)).body.status).toBe('ACCEPTED');
    expect(await price(sku)).toBe('23.45');

    expect((await sb.control('POST', 'listings/patch-delay', { seconds: -1 })).status).toBe(400);
    expect((await sb.control('POST', 'listings/patch-delay', { seconds: 'soon' })).status).toBe(400);
  });

  test('held: ACCEPTED, shown only when released, in order; off drops what is still held', async () => {
    const [a, b] = [entries[4]!.variant.sku, entries[5]!.variant.sku];
    const [beforeA, beforeB] = [await price(a), await price(b)];
    expect((await sb.control('POST', 'listings/patch-delay', { seconds: 'held' })).body).toEqual({ seconds: 'held' });
    expect((await patch(a, 31.1)).body.status).toBe('ACCEPTED');
    expect((await patch(a, 32.2)).body.status).toBe('ACCEPTED');
    expect(await price(a)).toBe(beforeA);
    expect((await sb.control('POST', 'listings/patch-release')).body).toEqual({ released: 2 });
    expect(await price(a)).toBe('32.20'); // the later patch last
    expect((await sb.control('POST', 'listings/patch-release')).body).toEqual({ released: 0 });

    expect((await patch(b, 41.1)).body.status).toBe('ACCEPTED');
    await sb.control('POST', 'listings/patch-delay', { seconds: 'off' });
    expect((await sb.control('POST', 'listings/patch-release')).body).toEqual({ released: 0 });
    expect(await price(b)).toBe(beforeB);
  });
});
