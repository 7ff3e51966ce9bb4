// Feeds API 2021-06-30 end to end with amazon-sp-api: document upload to the pre-signed S3 URL, createFeed,
// IN_QUEUE → IN_PROGRESS → DONE, and the processing report (checked against Amazon's report schema).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import Ajv from 'ajv';
import { amazonCatalog } from '../../src/seed/catalog';
import { expectConforms, HAVE_REFERENCE, reference } from './conformance';
import { raw, startAmazonSandbox, NA_SELLER, US, type AmazonTestSandbox, type SpClient } from './harness';

let sb: AmazonTestSandbox;
let sp: SpClient;
const entries = amazonCatalog();
const JSON_TYPE = 'application/json; charset=UTF-8';

beforeAll(async () => {
  // Feeds wait 30 sandbox seconds in the queue and take 60 to process: 0.15 s and 0.3 s at time scale 200.
  // The document limit is lowered from Amazon's 10 MiB to 1 MiB to keep the oversize upload quick.
  sb = await startAmazonSandbox({ timeScale: 200, reportGzipThresholdBytes: 4096, maxFeedBytes: 1024 * 1024 });
  sp = sb.client();
});
afterAll(() => sb.close());

const reportValidator = reference.reportSchema ? new Ajv({ strict: false, allErrors: true }).compile(reference.reportSchema) : undefined;

function expectValidReport(report: unknown): void {
  if (!HAVE_REFERENCE || !reportValidator) return;
  const ok = reportValidator(report);
  expect(ok ? [] : reportValidator.errors).toEqual([]);
}

async function submit(feedType: string, content: string, contentType = JSON_TYPE): Promise<string> {
  const doc = await sp.callAPI({ operation: 'feeds.createFeedDocument', body: { contentType } });
  await sp.upload(doc, { content, contentType });
  const created = await raw(sp, { operation: 'feeds.createFeed', body: { feedType, marketplaceIds: [US], inputFeedDocumentId: doc.feedDocumentId } });
  expect(created.status).toBe(202);
  expectConforms('createFeed', 202, created.body);
  return created.body.feedId;
}

/** Polls getFeed until the feed ends; returns it with every status seen on the way. */
async function settle(feedId: string): Promise<{ feed: Record<string, string>; seen: string[] }> {
  const seen: string[] = [];
  for (let i = 0; i < 200; i++) {
    const res = await raw(sp, { operation: 'feeds.getFeed', path: { feedId } });
    expect(res.status).toBe(200);
    expectConforms('getFeed', 200, res.body);
    if (seen.at(-1) !== res.body.processingStatus) seen.push(res.body.processingStatus);
    if (['DONE', 'FATAL', 'CANCELLED'].includes(res.body.processingStatus)) return { feed: res.body, seen };
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`feed ${feedId} never ended`);
}

async function report(feed: Record<string, string>): Promise<{ doc: Record<string, string>; text: string }> {
  const doc = await sp.callAPI({ operation: 'feeds.getFeedDocument', path: { feedDocumentId: feed.resultFeedDocumentId } });
  const text = (await sp.download(doc)) as string;
  return { doc, text };
}

const schedule = (v: number) => [{ schedule: [{ value_with_tax: v }] }];
const pricePatch = (sku: string, messageId: number, amount: number, currency = 'USD') => ({
  messageId,
  sku,
  operationType: 'PATCH',
  productType: 'PRODUCT',
  patches: [{ op: 'replace', path: '/attributes/purchasable_offer', value: [{ marketplace_id: US, currency, our_price: schedule(amount) }] }],
});

async function listingPrice(sku: string): Promise<string> {
  const res = await raw(sp, { operation: 'listingsItems.getListingsItem', path: { sellerId: NA_SELLER, sku }, query: { marketplaceIds: [US], includedData: ['offers', 'summaries'] } });
  return res.body.offers[0].price.amount;
}

async function productType(sku: string): Promise<string> {
  const res = await raw(sp, { operation: 'listingsItems.getListingsItem', path: { sellerId: NA_SELLER, sku }, query: { marketplaceIds: [US] } });
  return res.body.summaries[0].productType;
}

describe('JSON_LISTINGS_FEED', () => {
  test('upload → createFeed → IN_QUEUE → IN_PROGRESS → DONE, a report with an issue per bad message, prices changed', async () => {
    const [a, b, c] = entries.map((e) => e.variant.sku);
    const typeA = await productType(a!);
    const typeB = await productType(b!);
    const typeC = await productType(c!);
    const bBefore = await listingPrice(b!);
    const feed = {
      header: { sellerId: NA_SELLER, version: '2.0', issueLocale: 'en_US', report: { includedData: ['offers'], apiVersion: '2021-08-01' } },
      messages: [
        { ...pricePatch(a!, 1, 111.11), productType: typeA },
        { ...pricePatch(b!, 2, 10, 'CAD'), productType: typeB },
        { ...pricePatch('NO-SUCH-SKU', 3, 10) },
        { messageId: 4, sku: c, operationType: 'PATCH', patches: [] },
        { messageId: 5, sku: c, operationType: 'PARTIAL_UPDATE', productType: typeC, attributes: { fulfillment_availability: [{ fulfillment_channel_code: 'DEFAULT', quantity: 7 }] } },
        { ...pricePatch(a!, 1, 5), productType: typeA },
      ],
    };
    // Long enough phases (0.6 s each) that polling sees every status even on a busy machine.
    await sb.control('POST', 'feeds/timing', { queueSeconds: 120, processingSeconds: 120 });
    const feedId = await submit('JSON_LISTINGS_FEED', JSON.stringify(feed));
    await sb.control('POST', 'feeds/timing', { queueSeconds: 30, processingSeconds: 60 });
    const { feed: done, seen } = await settle(feedId);
    expect(seen).toEqual(['IN_QUEUE', 'IN_PROGRESS', 'DONE']);
    expect(done.processingStartTime).toBeTruthy();
    expect(done.processingEndTime).toBeTruthy();

    const { doc, text } = await report(done);
    expectConforms('getFeedDocument', 200, doc);
    expect(doc.compressionAlgorithm).toBeUndefined();
    expect(new URL(doc.url!).host).toBe('tortuga-prod-na.s3-external-1.amazonaws.com');
    const processing = JSON.parse(text);
    expectValidReport(processing);
    expect(processing.header).toMatchObject({ sellerId: NA_SELLER, version: '2.0', feedId });
    expect(processing.summary).toMatchObject({ messagesProcessed: 6, messagesAccepted: 2, messagesInvalid: 4, warnings: 0 });
    const byMessage = (id: number) => processing.issues.filter((i: { messageId?: number }) => i.messageId === id);
    expect(byMessage(1)).toHaveLength(1); // the duplicate messageId 1 (message 6)
    expect(byMessage(1)[0]).toMatchObject({ code: '100101', severity: 'ERROR' });
    expect(byMessage(2)[0]).toMatchObject({ sku: b, code: '99300', attributeName: 'purchasable_offer' });
    expect(byMessage(3)[0]).toMatchObject({ sku: 'NO-SUCH-SKU', code: '90122' });
    expect(byMessage(4).map((i: { message: string }) => i.message).join(' ')).toMatch(/'productType' is required for PATCH[\s\S]*'patches' must contain at least 1 patch|'patches' must contain at least 1 patch[\s\S]*'productType' is required for PATCH/);
    expect(byMessage(5)).toEqual([]);
    expect(processing.summary.errors).toBe(processing.issues.length);
    expect(processing.items.map((i: { sku: string }) => i.sku).sort()).toEqual([a, c].sort());

    expect(await listingPrice(a!)).toBe('111.11');
    expect(await listingPrice(b!)).toBe(bBefore);
  });

  test('a document that breaks the feed schema ends FATAL with a report that says so', async () => {
    const feedId = await submit('JSON_LISTINGS_FEED', JSON.stringify({ header: { sellerId: NA_SELLER }, messages: [] }));
    const { feed } = await settle(feedId);
    expect(feed.processingStatus).toBe('FATAL');
    const processing = JSON.parse((await report(feed)).text);
    expectValidReport(processing);
    expect(processing.issues.map((i: { code: string }) => i.code)).toEqual(['100004', '100004']);
    expect(processing.issues[0].message).toContain("'header.version' is required");
    expect(processing.issues[1].message).toContain("'messages' must contain at least 1 message");

    const notJson = await settle(await submit('JSON_LISTINGS_FEED', '{"header":'));
    expect(notJson.feed.processingStatus).toBe('FATAL');
    expect(JSON.parse((await report(notJson.feed)).text).issues[0].code).toBe('100003');

    // Over the size limit: refused as a whole.
    const big = `${' '.repeat(1024 * 1024)}{}`;
    const tooBig = await settle(await submit('JSON_LISTINGS_FEED', big));
    expect(tooBig.feed.processingStatus).toBe('FATAL');
    expect(JSON.parse((await report(tooBig.feed)).text).issues[0]).toMatchObject({ code: '100002', severity: 'ERROR' });
  });

  test('a large report is stored GZIP-compressed and amazon-sp-api unzips it', async () => {
    const messages = Array.from({ length: 60 }, (_, i) => pricePatch(`MISSING-${i}`, i + 1, 10));
    const { feed } = await settle(await submit('JSON_LISTINGS_FEED', JSON.stringify({ header: { sellerId: NA_SELLER, version: '2.0' }, messages })));
    const { doc, text } = await report(feed);
    expect(doc.compressionAlgorithm).toBe('GZIP');
    const processing = JSON.parse(text);
    expectValidReport(processing);
    expect(processing.issues).toHaveLength(60);
  });
});

describe('retired feed types', () => {
  test('POST_PRODUCT_PRICING_DATA ends FATAL, as Amazon does since 2025-07-31', async () => {
    const xml = `<?xml version="1.0"?><AmazonEnvelope><Header><MerchantIdentifier>${NA_SELLER}</MerchantIdentifier></Header><MessageType>Price</MessageType></AmazonEnvelope>`;
    const { feed, seen } = await settle(await submit('POST_PRODUCT_PRICING_DATA', xml, 'text/xml; charset=UTF-8'));
    expect(seen.at(-1)).toBe('FATAL');
    expect((await report(feed)).text).toContain('POST_PRODUCT_PRICING_DATA is no longer supported');
  });
});

describe('documents, cancel, list', () => {
  test('the upload must use the content type the URL was signed for, before it expires', async () => {
    const doc = await sp.callAPI({ operation: 'feeds.createFeedDocument', body: { contentType: JSON_TYPE } });
    expectConforms('createFeedDocument', 201, doc);
    const url = new URL(doc.url);
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    await expect(sp.upload(doc, { content: '{}', contentType: 'text/plain' })).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    const tampered = doc.url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`);
    await expect(sp.upload({ url: tampered }, { content: '{}', contentType: JSON_TYPE })).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    // Pre-signed URLs live 300 sandbox seconds (0.1 s at time scale 3000) from the end of their X-Amz-Date second.
    const fast = await startAmazonSandbox({ timeScale: 3000 });
    try {
      const client = fast.client();
      const short = await client.callAPI({ operation: 'feeds.createFeedDocument', body: { contentType: JSON_TYPE } });
      expect(new URL(short.url).searchParams.get('X-Amz-Expires')).toBe('300');
      await new Promise((r) => setTimeout(r, 1200));
      await expect(client.upload(short, { content: '{}', contentType: JSON_TYPE })).rejects.toMatchObject({ code: 'AccessDenied', message: 'Request has expired' });
    } finally {
      await fast.close();
    }
  });

  test('cancelFeed cancels a queued feed only; unknown ids are 404; getFeeds pages with nextToken', async () => {
    await sb.control('POST', 'feeds/timing', { queueSeconds: 3600 });
    const feedId = await submit('JSON_LISTINGS_FEED', JSON.stringify({ header: { sellerId: NA_SELLER, version: '2.0' }, messages: [pricePatch('X', 1, 1)] }));
    await sb.control('POST', 'feeds/timing', { queueSeconds: 30 });
    const cancel = await raw(sp, { operation: 'feeds.cancelFeed', path: { feedId } });
    expect(cancel.status).toBe(200);
    const { feed } = await settle(feedId);
    expect(feed.processingStatus).toBe('CANCELLED');
    expect((await raw(sp, { operation: 'feeds.cancelFeed', path: { feedId } })).status).toBe(400);
    expect((await raw(sp, { operation: 'feeds.getFeed', path: { feedId: '999999999' } })).status).toBe(404);

    const first = await raw(sp, { operation: 'feeds.getFeeds', query: { feedTypes: ['JSON_LISTINGS_FEED', 'POST_PRODUCT_PRICING_DATA'], pageSize: 2 } });
    expectConforms('getFeeds', 200, first.body);
    expect(first.body.feeds).toHaveLength(2);
    const ids = first.body.feeds.map((f: { feedId: string }) => f.feedId);
    let next = first.body.nextToken;
    while (next) {
      const page = await raw(sp, { operation: 'feeds.getFeeds', query: { nextToken: next } });
      ids.push(...page.body.feeds.map((f: { feedId: string }) => f.feedId));
      next = page.body.nextToken;
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(feedId);
    const onlyCancelled = await raw(sp, { operation: 'feeds.getFeeds', query: { feedTypes: ['JSON_LISTINGS_FEED'], processingStatuses: ['CANCELLED'] } });
    expect(onlyCancelled.body.feeds.map((f: { feedId: string }) => f.feedId)).toEqual([feedId]);
    const neither = await raw(sp, { operation: 'feeds.getFeeds', query: { pageSize: 2 } });
    expect(neither.status).toBe(400);
    const createBad = await raw(sp, { operation: 'feeds.createFeed', body: { feedType: 'JSON_LISTINGS_FEED', marketplaceIds: US, inputFeedDocumentId: 'x' } });
    expect(createBad.status).toBe(400);
    expect(createBad.body.errors[0].code).toBe('InvalidInput');
  });
});

describe('control: feed faults', () => {
  const tinyFeed = () => JSON.stringify({ header: { sellerId: NA_SELLER, version: '2.0' }, messages: [pricePatch('NOPE', 1, 1)] });

  test('stall holds a feed IN_PROGRESS until released; fatal ends FATAL without a report; no-report ends DONE without one', async () => {
    expect((await sb.control('POST', 'feeds/fault', { fault: 'stall' })).status).toBe(201);
    const stalled = await submit('JSON_LISTINGS_FEED', tinyFeed());
    await new Promise((r) => setTimeout(r, 700));
    expect((await raw(sp, { operation: 'feeds.getFeed', path: { feedId: stalled } })).body.processingStatus).toBe('IN_PROGRESS');
    await sb.control('POST', 'feeds/fault', { feedId: stalled, fault: 'off' });
    expect((await settle(stalled)).feed.processingStatus).toBe('DONE');

    await sb.control('POST', 'feeds/fault', { fault: 'fatal' });
    const fatal = (await settle(await submit('JSON_LISTINGS_FEED', tinyFeed()))).feed;
    expect(fatal.processingStatus).toBe('FATAL');
    expect(fatal.resultFeedDocumentId).toBeUndefined();

    await sb.control('POST', 'feeds/fault', { fault: 'no-report' });
    const silent = (await settle(await submit('JSON_LISTINGS_FEED', tinyFeed()))).feed;
    expect(silent.processingStatus).toBe('DONE');
    expect(silent.resultFeedDocumentId).toBeUndefined();
  });
});
