// Amazon's offer key and "accepted is not live":
// - a `merge` of purchasable_offer must name the offer's whole key (marketplace_id, currency, audience):
//   without `audience` the patch is INVALID and the feed message fails with an issue; with it, accepted;
// - listings/live-delay: an accepted feed message (the report counts it accepted, the feed DONE) shows on
//   the listing only later, on the sandbox clock, or when released ('held');
// - listings/issue-after-accept: the SKU's next accepted price change raises a price issue on the listing
//   (getListingsItem's `issues`) instead of going live.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { amazonCatalog } from '../../src/seed/catalog';
import { raw, startAmazonSandbox, NA_SELLER, US, type AmazonTestSandbox, type SpClient } from './harness';

let sb: AmazonTestSandbox;
let sp: SpClient;
const entries = amazonCatalog();
const JSON_TYPE = 'application/json; charset=UTF-8';

beforeAll(async () => {
  // Feeds wait 30 + 60 sandbox seconds: 0.15 s + 0.3 s at time scale 200.
  sb = await startAmazonSandbox({ timeScale: 200 });
  sp = sb.client();
});
afterEach(async () => {
  await sb.control('POST', 'listings/live-delay', { seconds: 'off' });
});
afterAll(() => sb.close());

const schedule = (v: number) => [{ schedule: [{ value_with_tax: v }] }];
const offer = (amount: number, audience?: string) => ({ marketplace_id: US, currency: 'USD', ...(audience ? { audience } : {}), our_price: schedule(amount) });
const mergePatch = (amount: number, audience?: string) => [{ op: 'merge', path: '/attributes/purchasable_offer', value: [offer(amount, audience)] }];

const patch = (sku: string, amount: number, audience?: string) =>
  raw(sp, {
    operation: 'listingsItems.patchListingsItem',
    path: { sellerId: NA_SELLER, sku },
    query: { marketplaceIds: [US] },
    body: { productType: 'PRODUCT', patches: mergePatch(amount, audience) },
  });

async function listing(sku: string): Promise<{ price: string; issues: { code: string; severity: string; message: string; attributeNames?: string[] }[] }> {
  const res = await raw(sp, { operation: 'listingsItems.getListingsItem', path: { sellerId: NA_SELLER, sku }, query: { marketplaceIds: [US], includedData: ['offers', 'issues'] } });
  return { price: res.body.offers[0].price.amount, issues: res.body.issues };
}

async function feed(messages: unknown[]): Promise<{ status: string; report: { issues: { messageId: number; code: string; message: string }[]; summary: Record<string, number> } }> {
  const doc = await sp.callAPI({ operation: 'feeds.createFeedDocument', body: { contentType: JSON_TYPE } });
  await sp.upload(doc, { content: JSON.stringify({ header: { sellerId: NA_SELLER, version: '2.0' }, messages }), contentType: JSON_TYPE });
  const created = await raw(sp, { operation: 'feeds.createFeed', body: { feedType: 'JSON_LISTINGS_FEED', marketplaceIds: [US], inputFeedDocumentId: doc.feedDocumentId } });
  const feedId = created.body.feedId as string;
  let done: { processingStatus: string; resultFeedDocumentId: string } | undefined;
  await expect
    .poll(async () => {
      const res = await raw(sp, { operation: 'feeds.getFeed', path: { feedId } });
      done = res.body;
      return ['DONE', 'FATAL', 'CANCELLED'].includes(res.body.processingStatus);
    }, { timeout: 20_000, interval: 20 })
    .toBe(true);
  const answer = await sp.callAPI({ operation: 'feeds.getFeedDocument', path: { feedDocumentId: done!.resultFeedDocumentId } });
  return { status: done!.processingStatus, report: JSON.parse((await sp.download(answer)) as string) };
}

const message = (messageId: number, sku: string, amount: number, audience?: string) => ({ messageId, sku, operationType: 'PATCH', productType: 'PRODUCT', patches: mergePatch(amount, audience) });

describe('the offer key in a merge', () => {
  test('patchListingsItem: a merge without audience is INVALID with a selector issue; with audience ALL it is accepted', async () => {
    const sku = entries[6]!.variant.sku;
    const before = (await listing(sku)).price;
    const refused = await patch(sku, 17.5);
    expect(refused.body).toMatchObject({ status: 'INVALID' });
    expect(refused.body.issues).toEqual([expect.objectContaining({ code: '90220', severity: 'ERROR', message: expect.stringMatching(/purchasable_offer\.audience/) })]);
    expect((await listing(sku)).price).toBe(before);

    expect((await patch(sku, 17.5, 'B2B')).body.status).toBe('INVALID'); // the sandbox keeps only the standard audience
    expect((await patch(sku, 17.5, 'ALL')).body).toMatchObject({ status: 'ACCEPTED', issues: [] });
    expect((await listing(sku)).price).toBe('17.50');
  });

  test('JSON_LISTINGS_FEED: the message without audience fails alone with the same issue', async () => {
    const [a, b] = [entries[7]!.variant.sku, entries[8]!.variant.sku];
    const out = await feed([message(1, a, 21.25), message(2, b, 22.25, 'ALL')]);
    expect(out.status).toBe('DONE');
    expect(out.report.summary).toMatchObject({ messagesProcessed: 2, messagesAccepted: 1, messagesInvalid: 1 });
    expect(out.report.issues).toEqual([expect.objectContaining({ messageId: 1, code: '90220', message: expect.stringMatching(/audience/) })]);
    expect((await listing(b)).price).toBe('22.25');
  });
});

describe('accepted is not live', () => {
  test('held: the feed is DONE with the message accepted, the price shows only when released', async () => {
    const sku = entries[9]!.variant.sku;
    const before = (await listing(sku)).price;
    expect((await sb.control('POST', 'listings/live-delay', { seconds: 'held' })).body).toEqual({ seconds: 'held' });
    const out = await feed([message(1, sku, 33.33, 'ALL')]);
    expect(out.status).toBe('DONE');
    expect(out.report.summary).toMatchObject({ messagesAccepted: 1, messagesInvalid: 0 });
    expect((await listing(sku)).price).toBe(before);
    expect((await sb.control('POST', 'listings/live-release')).body).toEqual({ released: 1 });
    expect((await listing(sku)).price).toBe('33.33');
  });

  test('a delay in sandbox seconds: the price shows once the sandbox clock has passed it', async () => {
    const sku = entries[10]!.variant.sku;
    const before = (await listing(sku)).price;
    await sb.control('POST', 'listings/live-delay', { seconds: 100 }); // 0.5 s at time scale 200
    const out = await feed([message(1, sku, 44.44, 'ALL')]);
    expect(out.report.summary).toMatchObject({ messagesAccepted: 1 });
    expect((await listing(sku)).price).toBe(before);
    const shown = sb.log.query({ kind: 'event' }).find((e) => JSON.stringify(e.detail).includes('"origin":"feed"'));
    expect(shown, 'the deferral is logged').toBeDefined();
    await expect.poll(async () => (await listing(sku)).price, { timeout: 20_000, interval: 50 }).toBe('44.44');
  });

  test('issue-after-accept: accepted, then a price issue on the listing instead of the price', async () => {
    const sku = entries[11]!.variant.sku;
    const before = (await listing(sku)).price;
    expect((await sb.control('POST', 'listings/issue-after-accept', { sellerId: NA_SELLER, sku })).status).toBe(201);
    await sb.control('POST', 'listings/live-delay', { seconds: 'held' });
    expect((await patch(sku, 1.01, 'ALL')).body).toMatchObject({ status: 'ACCEPTED', issues: [] });
    expect((await listing(sku)).issues).toEqual([]);
    await sb.control('POST', 'listings/live-release');
    const after = await listing(sku);
    expect(after.price).toBe(before);
    expect(after.issues).toEqual([expect.objectContaining({ code: '99320', severity: 'ERROR', attributeNames: ['purchasable_offer'], message: expect.stringMatching(/potential pricing error/) })]);
    // Once: the next change goes live.
    expect((await patch(sku, 29.99, 'ALL')).body.status).toBe('ACCEPTED');
    await sb.control('POST', 'listings/live-release');
    expect((await listing(sku)).price).toBe('29.99');
    expect((await sb.control('POST', 'listings/issue-after-accept', { sellerId: 'NOPE', sku })).status).toBe(404);
  });
});
