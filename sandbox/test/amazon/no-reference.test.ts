// Without Amazon's reference files the sandbox still runs on its built-in operation table: routes, usage
// plans, required parameters and the feed flow all work; only the static sandbox has no cases to answer.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { amazonCatalog } from '../../src/seed/catalog';
import { raw, startAmazonSandbox, NA_SELLER, US, type AmazonTestSandbox, type SpClient } from './harness';

let sb: AmazonTestSandbox;
let sp: SpClient;
beforeAll(async () => {
  sb = await startAmazonSandbox({ referenceDir: false, timeScale: 1000 });
  sp = sb.client();
});
afterAll(() => sb.close());

test('listings, validation, usage plans and a feed work on the built-in defaults', async () => {
  const sku = amazonCatalog()[0]!.variant.sku;
  const item = await raw(sp, { operation: 'listingsItems.getListingsItem', path: { sellerId: NA_SELLER, sku }, query: { marketplaceIds: [US], includedData: ['offers'] } });
  expect(item.status).toBe(200);
  expect(item.headers['x-amzn-ratelimit-limit']).toBe('5000.0');
  const missing = await raw(sp, { operation: 'listingsItems.getListingsItem', path: { sellerId: NA_SELLER, sku } });
  expect(missing.body.errors[0].message).toBe('Required parameter marketplaceIds not found');
  const badBody = await raw(sp, { operation: 'listingsItems.patchListingsItem', path: { sellerId: NA_SELLER, sku }, query: { marketplaceIds: [US] }, body: { productType: 'SHOES' } });
  expect(badBody.status).toBe(400);

  const doc = await sp.callAPI({ operation: 'feeds.createFeedDocument', body: { contentType: 'application/json' } });
  await sp.upload(doc, { content: JSON.stringify({ header: { sellerId: NA_SELLER, version: '2.0' }, messages: [{ messageId: 1, sku, operationType: 'DELETE' }] }), contentType: 'application/json' });
  const { feedId } = await sp.callAPI({ operation: 'feeds.createFeed', body: { feedType: 'JSON_LISTINGS_FEED', marketplaceIds: [US], inputFeedDocumentId: doc.feedDocumentId } });
  let feed: { processingStatus: string } = { processingStatus: 'IN_QUEUE' };
  for (let i = 0; i < 100 && !['DONE', 'FATAL'].includes(feed.processingStatus); i++) {
    await new Promise((r) => setTimeout(r, 20));
    feed = await sp.callAPI({ operation: 'feeds.getFeed', path: { feedId } });
  }
  expect(feed.processingStatus).toBe('DONE');
  expect((await raw(sp, { operation: 'listingsItems.getListingsItem', path: { sellerId: NA_SELLER, sku }, query: { marketplaceIds: [US] } })).status).toBe(404);

  const noCases = await raw(sb.client({ useSandbox: true }), { operation: 'sellers.getMarketplaceParticipations' });
  expect(noCases.body).toEqual({ errors: [{ code: 'InvalidInput', message: 'Could not match input arguments', details: '' }] });
});

test('the Notifications API works on the built-in defaults too, grantless where Amazon says so', async () => {
  const dest = await raw(sp, { operation: 'notifications.createDestination', body: { name: 'n', resourceSpecification: { sqs: { arn: 'arn:aws:sqs:us-east-1:000000000000:no-reference' } } } });
  expect(dest.status).toBe(200);
  const sub = await raw(sp, { operation: 'notifications.createSubscription', path: { notificationType: 'ANY_OFFER_CHANGED' }, body: { payloadVersion: '1.0', destinationId: dest.body.payload.destinationId } });
  expect(sub.status).toBe(200);
  await sp.refreshAccessToken();
  const asSeller = await sb.request({ method: 'GET', host: 'sellingpartnerapi-na.amazon.com', path: '/notifications/v1/destinations', headers: { 'x-amz-access-token': sp.access_token } });
  expect(asSeller.status).toBe(403);
});
