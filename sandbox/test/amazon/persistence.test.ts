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

test('subscriptions and the SQS queue with its undelivered notifications survive a restart', async () => {
  const { SQSClient, CreateQueueCommand, ReceiveMessageCommand } = await import('@aws-sdk/client-sqs');
  const stateFile = join(dir, 'notifications.json');
  const credentials = { accessKeyId: 'AKIASANDBOXEXAMPLE', secretAccessKey: 'not-checked' };
  const first = await startAmazonSandbox({ timeScale: 200, stateFile });
  const sqs1 = new SQSClient({ region: 'us-east-1', endpoint: `${first.url}/sqs`, credentials });
  await sqs1.send(new CreateQueueCommand({ QueueName: 'persisted' }));
  const sp = first.client();
  const dest = await raw(sp, { operation: 'notifications.createDestination', body: { name: 'n', resourceSpecification: { sqs: { arn: 'arn:aws:sqs:us-east-1:000000000000:persisted' } } } });
  await raw(sp, { operation: 'notifications.createSubscription', path: { notificationType: 'ANY_OFFER_CHANGED' }, body: { payloadVersion: '1.0', destinationId: dest.body.payload.destinationId } });
  const asin = amazonCatalog()[3]!.variant.asin;
  const rival = (await first.control('GET', `offers?asin=${asin}&marketplaceId=${US}`)).body.offers.find((o: { sellerId: string }) => o.sellerId !== NA_SELLER);
  await first.control('POST', 'competitors/price', { asin, marketplaceId: US, sellerId: rival.sellerId, price: (Number(rival.price) - 1).toFixed(2) });
  // Published (the queue holds it) before the sandbox goes down.
  for (let i = 0; i < 50 && !(await first.control('GET', 'notifications')).body.sent.ANY_OFFER_CHANGED; i++) await new Promise((r) => setImmediate(r));
  expect((await first.control('GET', 'notifications')).body.sent.ANY_OFFER_CHANGED).toBe(1);
  sqs1.destroy();
  await first.close();

  const second = await startAmazonSandbox({ timeScale: 200, stateFile });
  const sqs2 = new SQSClient({ region: 'us-east-1', endpoint: `${second.url}/sqs`, credentials });
  try {
    const state = (await second.control('GET', 'notifications')).body;
    expect(state.subscriptions.map((s: { notificationType: string }) => s.notificationType)).toEqual(['ANY_OFFER_CHANGED']);
    const got = await sqs2.send(new ReceiveMessageCommand({ QueueUrl: `${second.url}/sqs/000000000000/persisted`, MaxNumberOfMessages: 10 }));
    expect(got.Messages).toHaveLength(1);
    expect(JSON.parse(got.Messages![0]!.Body!).Payload.AnyOfferChangedNotification.OfferChangeTrigger.ASIN).toBe(asin);
  } finally {
    sqs2.destroy();
    await second.close();
  }
});
