// SP-API calls one patchListingsItem update costs (POST /pricing, few SKUs): for a SKU never synced, with
// an expectedCurrentPrice, the listing is read once before the patch (the expected-price check's read
// serves the "already shows it?" check and gives the product type: no searchListingsItems) and once after.
import { testDatabaseProviders } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SELLER, US, connectDemoSeller, sandboxLog, startHarness, type Harness } from './support/harness';
import { patchPricing, usSkus } from './support/patch-pricing';

describe.each(testDatabaseProviders())('patchListingsItem update reads (%s)', (provider) => {
  let h: Harness;
  let skus: string[];
  const shop = `patch-reads-${provider}.myshopify.com`;

  beforeAll(async () => {
    h = await startHarness({ provider });
    await connectDemoSeller(h, shop);
    skus = await usSkus(h);
  });
  afterAll(async () => h?.close());

  const { update, send, amazonPrice } = patchPricing(() => h, shop);

  it('a never-synced SKU with an expectedCurrentPrice: one read before the patch, one after, no search; applied and stored', async () => {
    const sku = skus[0]!;
    expect(await h.database.db.amazonListing.count({ where: { externalId: sku } })).toBe(0);
    const current = await amazonPrice(sku);
    const { lastId } = await sandboxLog(h.sandbox);

    const result = await send({ ...update(sku, `reads-${sku}`, '71.17'), expectedCurrentPrice: { amount: current, currency: 'USD' } });
    expect(result).toMatchObject({ status: 'applied', price: { amount: '71.17', currency: 'USD' } });

    const { entries } = await sandboxLog(h.sandbox, { since: lastId, kind: 'request', path: `/listings/2021-08-01/items/${DEMO_SELLER}` });
    const item = `/listings/2021-08-01/items/${DEMO_SELLER}/${encodeURIComponent(sku)}`;
    const calls = entries.map((e) => `${e.method} ${e.path!.split('?')[0] === item ? 'item' : e.path!.split('?')[0]}`);
    expect(calls).toEqual(['GET item', 'PATCH item', 'GET item']);
    // The listing was stored from the read, so its applied price is recorded.
    const stored = await h.database.db.amazonListing.findFirst({ where: { externalId: sku, marketplaceId: US } });
    expect(stored?.priceAmount).toBe('71.17');
  });
});
