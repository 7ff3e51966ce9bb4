// Notifications delivered through the sandbox's SQS queue, read with the real @aws-sdk/client-sqs over HTTP:
// a competitor's move and our own price going live arrive as ANY_OFFER_CHANGED (valid against Amazon's
// schema), a feed's end as FEED_PROCESSING_FINISHED, a suppressed Buy Box as PRICING_HEALTH; and the queue
// behaves as SQS does: visibility timeout and redelivery, a dead-letter queue after maxReceiveCount receives,
// duplicates, out-of-order delivery, and an unreachable queue.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { amazonCatalog } from '../../src/seed/catalog';
import { HAVE_REFERENCE, REFERENCE_DIR } from './conformance';
import { raw, startAmazonSandbox, NA_SELLER, US, type AmazonTestSandbox, type SpClient } from './harness';

let sb: AmazonTestSandbox;
let sp: SpClient;
let sqs: SQSClient;
let queueUrl: string;
let dlqUrl: string;
const entries = amazonCatalog();
function validator(file: string) {
  if (!HAVE_REFERENCE) return undefined;
  // One Ajv per schema: two of Amazon's files share the placeholder $id "http://example.com/example.json".
  return new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(readFileSync(join(REFERENCE_DIR, 'schemas', file), 'utf8')) as object);
}
const validateOffers = validator('AnyOfferChangedNotification.json');
const validateFeed = validator('FeedProcessingFinishedNotification.json');
const validateHealth = validator('PricingHealthNotification.json');

function expectValid(validate: ReturnType<typeof validator>, body: unknown): void {
  if (!validate) return;
  const ok = validate(body);
  expect(ok ? [] : validate.errors).toEqual([]);
}

function client(options: { maxAttempts?: number } = {}): SQSClient {
  return new SQSClient({
    region: 'us-east-1',
    endpoint: `${sb.url}/sqs`,
    credentials: { accessKeyId: 'AKIASANDBOXEXAMPLE', secretAccessKey: 'sandbox-secret-not-checked' },
    ...options,
  });
}

/** Long-polls until at least `n` messages arrived (each poll ends when one arrives, or after 20 sandbox seconds). */
async function receive(n: number, url = queueUrl, visibilityTimeout?: number): Promise<Message[]> {
  const got: Message[] = [];
  for (let polls = 0; got.length < n && polls < 20; polls++) {
    const res = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 20,
        ...(visibilityTimeout !== undefined ? { VisibilityTimeout: visibilityTimeout } : {}),
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    got.push(...(res.Messages ?? []));
  }
  return got;
}

async function counts(url = queueUrl): Promise<{ visible: number; inFlight: number }> {
  const res = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return { visible: Number(res.Attributes!.ApproximateNumberOfMessages), inFlight: Number(res.Attributes!.ApproximateNumberOfMessagesNotVisible) };
}

const body = (m: Message) => JSON.parse(m.Body!) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  // 100x: a 20 s long poll lasts 0.2 s, a 1 s visibility timeout 10 ms.
  sb = await startAmazonSandbox({ timeScale: 100 });
  sp = sb.client();
  sqs = client();
  // The queue and its dead-letter queue, as the Amazon service's operator would create them.
  dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'calibr-notifications-dlq' }))).QueueUrl!;
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  queueUrl = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: 'calibr-notifications',
        Attributes: { VisibilityTimeout: '30', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) },
      }),
    )
  ).QueueUrl!;
  expect(queueUrl).toBe(`${sb.url}/sqs/000000000000/calibr-notifications`);
  expect((await sqs.send(new GetQueueUrlCommand({ QueueName: 'calibr-notifications' }))).QueueUrl).toBe(queueUrl);
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  expect(arn).toBe('arn:aws:sqs:us-east-1:000000000000:calibr-notifications');

  const dest = await raw(sp, { operation: 'notifications.createDestination', body: { name: 'calibrate', resourceSpecification: { sqs: { arn } } } });
  expect(dest.status).toBe(200);
  const destinationId = dest.body.payload.destinationId as string;
  for (const [notificationType, payloadVersion] of [['ANY_OFFER_CHANGED', '1.0'], ['FEED_PROCESSING_FINISHED', '2020-09-04'], ['PRICING_HEALTH', '1.0']]) {
    const sub = await raw(sp, { operation: 'notifications.createSubscription', path: { notificationType }, body: { payloadVersion, destinationId } });
    expect(sub.status).toBe(200);
  }
});
afterAll(async () => {
  sqs?.destroy();
  await sb?.close();
});
beforeEach(async () => {
  await sb.control('DELETE', 'sqs/faults');
  await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
  await sqs.send(new PurgeQueueCommand({ QueueUrl: dlqUrl }));
});

describe('notifications on the queue', () => {
  test("a competitor's move arrives as ANY_OFFER_CHANGED, schema-valid, our own offer among the offers; deleted, it is gone", async () => {
    const entry = entries[3]!;
    const asin = entry.variant.asin;
    const before = (await sb.control('GET', `offers?asin=${asin}&marketplaceId=${US}`)).body;
    const rival = before.offers.find((o: { sellerId: string }) => o.sellerId !== NA_SELLER);
    const newPrice = (Number(rival.price) - 1).toFixed(2);
    expect((await sb.control('POST', 'competitors/price', { asin, marketplaceId: US, sellerId: rival.sellerId, price: newPrice })).status).toBe(200);

    const [message, ...rest] = await receive(1);
    expect(rest).toEqual([]);
    const n = body(message!);
    expectValid(validateOffers, n);
    expect(n).toMatchObject({ NotificationVersion: '1.0', NotificationType: 'ANY_OFFER_CHANGED', PayloadVersion: '1.0' });
    expect(n.NotificationMetadata.NotificationId).toMatch(/^[0-9a-f-]{36}$/);
    const payload = n.Payload.AnyOfferChangedNotification;
    expect(payload.SellerId).toBe(NA_SELLER);
    expect(payload.OfferChangeTrigger).toMatchObject({ MarketplaceId: US, ASIN: asin });
    expect(payload.Offers.find((o: { SellerId: string }) => o.SellerId === rival.sellerId).ListingPrice).toEqual({ CurrencyCode: 'USD', Amount: Number(newPrice) });
    expect(payload.Offers.some((o: { SellerId: string }) => o.SellerId === NA_SELLER)).toBe(true);

    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message!.ReceiptHandle }));
    expect(await counts()).toEqual({ visible: 0, inFlight: 0 });
  });

  test("the market bots' moves arrive too, with the prices the market ended on", async () => {
    const made = (await sb.control('POST', 'market/bots', { seed: 11, sellerId: NA_SELLER, marketplaceId: US, generate: { count: 1, skuPrefix: 'NOTIF' } })).body;
    const asin = made.asins[0] as string;
    const bots = [{ kind: 'random_walk', price: '20.00', floor: '10.00', ceiling: '30.00', cadenceMinutes: 5, percent: 2, sellerId: 'A9WALKER000001' }];
    expect((await sb.control('POST', 'market/bots', { seed: 11, marketplaceId: US, asins: [{ asin, bots }] })).status).toBe(201);
    expect((await sb.control('POST', 'market/advance', { minutes: 60 })).status).toBe(200);
    const walker = (await sb.control('GET', `offers?asin=${asin}&marketplaceId=${US}`)).body.offers.find((o: { sellerId: string }) => o.sellerId === 'A9WALKER000001');
    expect(walker.price).not.toBe('20.00');
    // Placing the bots was a change too; the last notification for the ASIN shows where the walk ended.
    const forAsin = (await receive(2)).map(body).filter((n) => n.Payload?.AnyOfferChangedNotification?.OfferChangeTrigger.ASIN === asin);
    const last = forAsin.at(-1)!;
    expectValid(validateOffers, last);
    const offer = last.Payload.AnyOfferChangedNotification.Offers.find((o: { SellerId: string }) => o.SellerId === 'A9WALKER000001');
    expect(offer.ListingPrice.Amount).toBe(Number(walker.price));
  });

  test('our own price going live is an offer change too', async () => {
    const entry = entries[5]!;
    const listing = (await sb.control('GET', `offers?asin=${entry.variant.asin}&marketplaceId=${US}`)).body.offers.find((o: { sellerId: string }) => o.sellerId === NA_SELLER);
    const price = (Number(listing.price) + 1).toFixed(2);
    expect((await sb.control('POST', 'listings/price', { sellerId: NA_SELLER, sku: listing.sku, marketplaceId: US, price })).status).toBe(200);
    const [message] = await receive(1);
    const payload = body(message!).Payload.AnyOfferChangedNotification;
    expectValid(validateOffers, body(message!));
    expect(payload.OfferChangeTrigger.ASIN).toBe(entry.variant.asin);
    expect(payload.Offers.find((o: { SellerId: string }) => o.SellerId === NA_SELLER).ListingPrice.Amount).toBe(Number(price));
  });

  test('the reference price moving under our landed price sends PRICING_HEALTH with it as the competitive price; back above it, nothing', async () => {
    const asin = entries[7]!.variant.asin;
    await sb.control('POST', 'catalog/reference-price', { asin, marketplaceId: US, price: '999.00' });
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
    const ours = (await sb.control('GET', `offers?asin=${asin}&marketplaceId=${US}`)).body.offers.find((o: { sellerId: string }) => o.sellerId === NA_SELLER);
    const reference = (Number(ours.landedPrice) - 1).toFixed(2);
    expect((await sb.control('POST', 'catalog/reference-price', { asin, marketplaceId: US, price: reference })).status).toBe(200);
    const health = (await receive(1)).map(body).find((n) => n.notificationType === 'PRICING_HEALTH');
    expect(health, 'a PRICING_HEALTH notification').toBeDefined();
    expectValid(validateHealth, health);
    expect(health!.payload).toMatchObject({
      issueType: 'BuyBoxDisqualification',
      sellerId: NA_SELLER,
      offerChangeTrigger: { asin, marketplaceId: US },
      merchantOffer: { landedPrice: { amount: Number(ours.landedPrice), currencyCode: 'USD' } },
      summary: { referencePrice: { competitivePriceThreshold: { amount: Number(reference), currencyCode: 'USD' }, msrpPrice: { amount: Number(reference), currencyCode: 'USD' } } },
    });
    // Eligible again: no PRICING_HEALTH (Amazon says when eligibility is lost, not when it comes back). The
    // publisher scans on the next turn of the sandbox's event loop, before it answers the next control call.
    await sb.control('POST', 'catalog/reference-price', { asin, marketplaceId: US, price: '999.00' });
    expect((await sb.control('POST', 'catalog/reference-price', { asin: 'B000NOSUCH', marketplaceId: US, price: '1.00' })).status).toBe(404);
    const after = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    expect((after.Messages ?? []).map(body).filter((n) => n.notificationType === 'PRICING_HEALTH')).toEqual([]);
  });

  test('a suppressed Buy Box sends PRICING_HEALTH; a feed that ends sends FEED_PROCESSING_FINISHED', async () => {
    const asin = entries[6]!.variant.asin;
    await sb.control('POST', 'buybox', { asin, marketplaceId: US, winner: 'none' });
    const messages = await receive(2);
    const health = messages.map(body).find((n) => n.notificationType === 'PRICING_HEALTH');
    expect(health, 'a PRICING_HEALTH notification').toBeDefined();
    expectValid(validateHealth, health);
    expect(health!.payload).toMatchObject({ issueType: 'BuyBoxDisqualification', sellerId: NA_SELLER, offerChangeTrigger: { asin, marketplaceId: US } });
    // The Buy Box going away is also an offer change.
    expect(messages.map(body).some((n) => n.NotificationType === 'ANY_OFFER_CHANGED')).toBe(true);
    await sb.control('POST', 'buybox', { asin, marketplaceId: US, winner: 'auto' });
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));

    await sb.control('POST', 'feeds/timing', { queueSeconds: 0, processingSeconds: 0 });
    const doc = await sp.callAPI({ operation: 'feeds.createFeedDocument', body: { contentType: 'application/json; charset=UTF-8' } });
    const content = JSON.stringify({ header: { sellerId: NA_SELLER, version: '2.0' }, messages: [] });
    await sp.upload(doc, { content, contentType: 'application/json; charset=UTF-8' });
    const created = await raw(sp, { operation: 'feeds.createFeed', body: { feedType: 'JSON_LISTINGS_FEED', marketplaceIds: [US], inputFeedDocumentId: doc.feedDocumentId } });
    expect(created.status).toBe(202);
    const finished = (await receive(1)).map(body).find((n) => n.notificationType === 'FEED_PROCESSING_FINISHED');
    expect(finished).toBeDefined();
    expectValid(validateFeed, finished);
    expect(finished!.payload.feedProcessingFinishedNotification).toMatchObject({ sellerId: NA_SELLER, feedId: created.body.feedId, feedType: 'JSON_LISTINGS_FEED' });
    expect(['DONE', 'FATAL']).toContain(finished!.payload.feedProcessingFinishedNotification.processingStatus);
    await sb.control('POST', 'feeds/timing', { queueSeconds: 30, processingSeconds: 60 });
  });
});

describe('the queue', () => {
  test('a message not deleted within its visibility timeout is delivered again; ChangeMessageVisibility moves the timeout', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"n":1}' }));
    // Received with a 1 s timeout and not deleted: the next long poll gets it again once the second is over.
    const [first] = await receive(1, queueUrl, 1);
    expect(first!.Attributes?.ApproximateReceiveCount).toBe('1');
    const [again] = await receive(1, queueUrl, 600);
    expect(again!.MessageId).toBe(first!.MessageId);
    expect(again!.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(again!.ReceiptHandle).not.toBe(first!.ReceiptHandle);
    // In flight for 600 s now: invisible, nothing to receive.
    expect(await counts()).toEqual({ visible: 0, inFlight: 1 });
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }))).Messages).toBeUndefined();
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: again!.ReceiptHandle, VisibilityTimeout: 0 }));
    const [third] = await receive(1, queueUrl, 600);
    expect(third!.MessageId).toBe(first!.MessageId);
    // An old receipt handle no longer changes the visibility.
    const stale = await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: first!.ReceiptHandle, VisibilityTimeout: 0 })).catch((e: unknown) => e as { name: string });
    expect((stale as { name: string }).name).toBe('MessageNotInflight');
    const del = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: 'a', ReceiptHandle: third!.ReceiptHandle }, { Id: 'b', ReceiptHandle: 'bm90LWEtaGFuZGxl' }] }));
    expect(del.Successful).toEqual([{ Id: 'a' }]);
    expect(del.Failed?.map((f) => f.Id)).toEqual(['b']);
    expect(await counts()).toEqual({ visible: 0, inFlight: 0 });
  });

  test('after maxReceiveCount receives the message moves to the dead-letter queue', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'not json at all' }));
    for (let i = 1; i <= 3; i++) {
      const [m] = await receive(1, queueUrl, 0);
      expect(m!.Attributes?.ApproximateReceiveCount).toBe(String(i));
    }
    const after = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
    expect(after.Messages).toBeUndefined();
    const [dead] = await receive(1, dlqUrl);
    expect(dead!.Body).toBe('not json at all');
    expect(await counts()).toEqual({ visible: 0, inFlight: 0 });
  });

  test('duplicates: a forced one arrives twice with the same notification id; a seeded rate duplicates some', async () => {
    await sb.control('POST', 'sqs/faults', { duplicateNext: 1 });
    const asin = entries[7]!.variant.asin;
    const rival = (await sb.control('GET', `offers?asin=${asin}&marketplaceId=${US}`)).body.offers.find((o: { sellerId: string }) => o.sellerId !== NA_SELLER);
    await sb.control('POST', 'competitors/price', { asin, marketplaceId: US, sellerId: rival.sellerId, price: (Number(rival.price) - 0.5).toFixed(2) });
    const messages = await receive(2);
    expect(messages).toHaveLength(2);
    expect(messages[0]!.MessageId).not.toBe(messages[1]!.MessageId);
    expect(body(messages[0]!).NotificationMetadata.NotificationId).toBe(body(messages[1]!).NotificationMetadata.NotificationId);

    await sb.control('POST', 'sqs/faults', { duplicateRate: 0.5, duplicateSeed: 'notifications-test' });
    for (let i = 0; i < 10; i++) {
      await sb.control('POST', 'competitors/price', { asin, marketplaceId: US, sellerId: rival.sellerId, price: (Number(rival.price) - 1 - i / 10).toFixed(2) });
      await receive(1); // one scan per move
    }
    const state = (await sb.control('GET', 'notifications')).body;
    expect(state.duplicatesDelivered).toBeGreaterThan(1);
    expect(state.duplicatesDelivered).toBeLessThan(11);
  });

  test('out of order: the newest visible messages come first', async () => {
    for (const n of [1, 2, 3]) await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: `{"n":${n}}` }));
    await sb.control('POST', 'sqs/faults', { outOfOrder: true });
    const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    expect(res.Messages!.map((m) => JSON.parse(m.Body!).n)).toEqual([3, 2, 1]);
  });

  test('an unreachable queue: 503 or a dropped connection; what was published meanwhile is there once it is back', async () => {
    const once = client({ maxAttempts: 1 });
    await sb.control('POST', 'sqs/faults', { unreachable: '503' });
    const asin = entries[8]!.variant.asin;
    const rival = (await sb.control('GET', `offers?asin=${asin}&marketplaceId=${US}`)).body.offers.find((o: { sellerId: string }) => o.sellerId !== NA_SELLER);
    await sb.control('POST', 'competitors/price', { asin, marketplaceId: US, sellerId: rival.sellerId, price: (Number(rival.price) - 0.25).toFixed(2) });
    const failed = await once.send(new ReceiveMessageCommand({ QueueUrl: queueUrl })).catch((e: unknown) => e as { $metadata?: { httpStatusCode?: number }; name?: string });
    expect((failed as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(503);
    await sb.control('POST', 'sqs/faults', { unreachable: 'reset' });
    const dropped = await once.send(new ReceiveMessageCommand({ QueueUrl: queueUrl })).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(dropped).toBeInstanceOf(Error);
    expect((dropped as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBeUndefined();
    await sb.control('DELETE', 'sqs/faults');
    const [m] = await receive(1);
    expect(body(m!).Payload.AnyOfferChangedNotification.OfferChangeTrigger.ASIN).toBe(asin);
    once.destroy();
  });

  test('a slow queue: a client that waits less than the delay gives up; the control API lists the queues', async () => {
    const impatient = new SQSClient({
      region: 'us-east-1',
      endpoint: `${sb.url}/sqs`,
      credentials: { accessKeyId: 'AKIASANDBOXEXAMPLE', secretAccessKey: 'sandbox-secret-not-checked' },
      maxAttempts: 1,
    });
    await sb.control('POST', 'sqs/faults', { slowMs: 1500 });
    const slow = await impatient.send(new GetQueueUrlCommand({ QueueName: 'calibr-notifications' }), { abortSignal: AbortSignal.timeout(100) }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(slow?.name).toBe('AbortError');
    await sb.control('DELETE', 'sqs/faults');
    expect((await impatient.send(new GetQueueUrlCommand({ QueueName: 'calibr-notifications' }))).QueueUrl).toBe(queueUrl);
    impatient.destroy();
    const listed = (await sb.control('GET', 'sqs/queues')).body;
    expect(listed.endpoint).toBe(`${sb.url}/sqs`);
    expect(listed.queues.map((q: { name: string }) => q.name).sort()).toEqual(['calibr-notifications', 'calibr-notifications-dlq']);
  });

  test('no signature, no answer; an unknown queue is QueueDoesNotExist', async () => {
    const unsigned = await fetch(`${sb.url}/sqs/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage' },
      body: JSON.stringify({ QueueUrl: queueUrl }),
    });
    expect(unsigned.status).toBe(403);
    const missing = await sqs.send(new ReceiveMessageCommand({ QueueUrl: `${sb.url}/sqs/000000000000/nope` })).catch((e: unknown) => e as { name: string });
    expect((missing as { name: string }).name).toBe('QueueDoesNotExist');
  });
});
