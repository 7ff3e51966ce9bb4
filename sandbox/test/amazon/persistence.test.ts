// With a state file, the Amazon half survives a restart: listings and prices, authorizations, feeds in
// flight (which resume), documents.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { amazonCatalog } from '../../src/seed/catalog';
import { raw, startAmazonSandbox, NA_SELLER, US } from './harness';

const dir = mkdtempSync(join(tmpdir(), 'calibr-amazon-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('prices, tokens and a held feed survive a restart; the feed then finishes', async () => {
  const stateFile = join(dir, 'state.json');
  const sku = amazonCatalog()[4]!.variant.sku;
  const first = await startAmazonSandbox({ timeScale: 200, stateFile });
  const minted = (await first.control('POST', 'authorize', { sellerId: NA_SELLER })).body.refreshToken as string;
  const sp = first.client({ refreshToken: minted });
  const patched = await raw(sp, {
    operation: 'listingsItems.patchListingsItem',
    path: { sellerId: NA_SELLER, sku },
    query: { marketplaceIds: [US] },
    body: { productType: 'PRODUCT', patches: [{ op: 'replace', path: '/attributes/purchasable_offer', value: [{ marketplace_id: US, currency: 'USD', our_price: [{ schedule: [{ value_with_tax: 77.7 }] }] }] }] },
  });
  expect(patched.body.status).toBe('ACCEPTED');
  await first.control('POST', 'feeds/fault', { fault: 'stall' });
  const doc = await sp.callAPI({ operation: 'feeds.createFeedDocument', body: { contentType: 'application/json' } });
  await sp.upload(doc, { content: JSON.stringify({ header: { sellerId: NA_SELLER, version: '2.0' }, messages: [{ messageId: 1, sku, operationType: 'PATCH', productType: 'PRODUCT', patches: [{ op: 'replace', path: '/attributes/purchasable_offer', value: [{ marketplace_id: US, currency: 'USD', our_price: [{ schedule: [{ value_with_tax: 66.6 }] }] }] }] }] }), contentType: 'application/json' });
  const { feedId } = await sp.callAPI({ operation: 'feeds.createFeed', body: { feedType: 'JSON_LISTINGS_FEED', marketplaceIds: [US], inputFeedDocumentId: doc.feedDocumentId } });
  await first.close();

  const second = await startAmazonSandbox({ timeScale: 200, stateFile });
  try {
    const again = second.client({ refreshToken: minted });
    const item = await raw(again, { operation: 'listingsItems.getListingsItem', path: { sellerId: NA_SELLER, sku }, query: { marketplaceIds: [US], includedData: ['offers'] } });
    expect(item.body.offers[0].price.amount).toBe('77.70');
    await new Promise((r) => setTimeout(r, 600));
    expect((await again.callAPI({ operation: 'feeds.getFeed', path: { feedId } })).processingStatus).toBe('IN_PROGRESS');
    await second.control('POST', 'feeds/fault', { feedId, fault: 'off' });
    let status = 'IN_PROGRESS';
    for (let i = 0; i < 100 && status === 'IN_PROGRESS'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      status = (await again.callAPI({ operation: 'feeds.getFeed', path: { feedId } })).processingStatus;
    }
    expect(status).toBe('DONE');
    const after = await raw(again, { operation: 'listingsItems.getListingsItem', path: { sellerId: NA_SELLER, sku }, query: { marketplaceIds: [US], includedData: ['offers'] } });
    expect(after.body.offers[0].price.amount).toBe('66.60');
  } finally {
    await second.close();
  }
});
