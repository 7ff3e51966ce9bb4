// The service's own database code on both databases (SQLite always; PostgreSQL when TEST_DATABASE_URL is
// set): listings written in bulk, applied prices recorded with one CASE statement, feeds stored with their
// messages and rebuilt with the same message ids, the feed monitor's counts, one-use consent states, and
// offer changes read by cursor and pruned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_SKIP_REASON, hasTestPostgres, type DatabaseProvider } from '@calibr/db';
import { createAmazonTestDatabase, type AmazonTestDatabase } from './support/amazon-database';
import pino from 'pino';
import { createAmazonContext, type AmazonContext } from '../src/amazon-context';
import { loadConfig } from '../src/config';
import { recordAppliedPrices } from '../src/catalog/listing-store';
import { storeListings } from '../src/catalog/listings-sync';
import { planPriceFeeds } from '../src/feeds/feed-documents';
import { feedDetails, recentFeeds } from '../src/feeds/feed-monitor';
import { storeFeed, storedFeedEntries } from '../src/feeds/price-feed-store';
import { consumeConsentState, issueConsentState } from '../src/authorization/consent-state';
import { claimNonce } from '../src/authorization/used-nonces';
import { OFFER_CHANGE_RETENTION_MS, PROCESSED_ID_RETENTION_MS, pruneNotificationRecords, readOfferChanges } from '../src/notifications/offer-change-store';
import { SHARED_SECRET, US } from './support/harness';

const storesOn = (provider: DatabaseProvider) => {
  let t: AmazonTestDatabase;
  let ctx: AmazonContext;
  let projectId = '';
  let integrationId = '';

  beforeAll(async () => {
    t = await createAmazonTestDatabase(provider);
    ctx = createAmazonContext({ config: loadConfig({}, { sharedSecret: SHARED_SECRET }), db: t.db, logger: pino({ level: 'silent' }), transport: {} });
    projectId = (await t.db.amazonTenant.create({ data: { shopDomain: `stores-${provider}.myshopify.com` } })).id;
    integrationId = (await t.db.amazonIntegration.create({ data: { projectId, sellingPartnerId: 'A1STORES', region: 'na', marketplaceIds: [US], authMode: 'self_authorization', refreshTokenCiphertext: 'enc:test' } })).id;
  }, 60_000);
  afterAll(async () => t?.cleanup());

  it('stores listings in bulk and records applied prices per listing', async () => {
    const items = Array.from({ length: 30 }, (_, i) => ({
      sku: `S-${i}`,
      summaries: [{ marketplaceId: US, asin: `B00000000${i % 10}`, productType: 'SHOES', status: ['BUYABLE'], itemName: `Item ${i}` }],
      offers: [{ marketplaceId: US, offerType: 'B2C', price: { currencyCode: 'USD', amount: '10.00' } }],
    }));
    await storeListings(ctx, projectId, US, items.slice(0, 20));
    await storeListings(ctx, projectId, US, items); // 20 known (updated), 10 new
    expect(await t.db.amazonListing.count({ where: { projectId } })).toBe(30);
    await recordAppliedPrices(ctx, projectId, [
      { sku: 'S-1', marketplaceId: US, currency: 'USD', amount: '11.50' },
      { sku: 'S-2', marketplaceId: US, currency: 'USD', amount: '12.75' },
      { sku: 'NOT-STORED', marketplaceId: US, currency: 'USD', amount: '1.00' },
    ]);
    const rows = await t.db.amazonListing.findMany({ where: { projectId, externalId: { in: ['S-1', 'S-2', 'S-3'] } }, orderBy: { externalId: 'asc' } });
    expect(rows.map((r) => [r.externalId, r.priceAmount])).toEqual([
      ['S-1', '11.50'],
      ['S-2', '12.75'],
      ['S-3', '10.00'],
    ]);
  });

  it('stores a feed with its messages, rebuilds it with the same ids, and counts results', async () => {
    const changes = Array.from({ length: 5 }, (_, i) => ({ sku: `S-${i}`, marketplaceId: US, currency: 'USD', price: `2${i}.00` }));
    const plan = planPriceFeeds('A1STORES', changes);
    const updates = new Map(changes.map((c, i) => [`${US}\u0000${c.sku}`, { idempotencyKey: `key-${provider}-${i}`, contentHash: `h${i}`, change: c }]));
    const stored = await storeFeed(ctx, { projectId, integrationId, batchId: 'b1', document: plan.documents[0]!, updates });
    const entries = await storedFeedEntries(ctx, stored.id);
    expect(entries.map((e) => [e.messageId, e.change.sku, e.change.price])).toEqual(changes.map((c, i) => [i + 1, c.sku, c.price]));
    await t.db.amazonPriceUpdate.updateMany({ where: { priceFeedId: stored.id, messageId: 2 }, data: { status: 'failed', errorCode: '90122', errorMessage: 'nope' } });
    await t.db.amazonPriceUpdate.updateMany({ where: { priceFeedId: stored.id, messageId: { in: [1, 3] } }, data: { status: 'applied' } });
    const [summary] = await recentFeeds(ctx, projectId);
    expect(summary).toMatchObject({ id: stored.id, messageCount: 5, counts: { applied: 2, failed: 1, pending: 2 } });
    const details = await feedDetails(ctx, projectId, stored.id);
    expect(details?.failures).toEqual([{ sku: 'S-1', marketplaceId: US, code: '90122', message: 'nope' }]);
  });

  it('claims a single-use id once per purpose, and prunes ids past their expiry (only those)', async () => {
    const expired = { purpose: 'service-request', nonce: `expired-${provider}` };
    await t.db.amazonUsedNonce.create({ data: { ...expired, expiresAt: new Date(Date.now() - 1000) } });
    const until = new Date(Date.now() + 300_000);
    expect(await claimNonce(ctx, 'service-request', `n-${provider}`, until)).toBe(true);
    expect(await claimNonce(ctx, 'service-request', `n-${provider}`, until)).toBe(false);
    expect(await claimNonce(ctx, 'settings-link', `n-${provider}`, until)).toBe(true);
    const racing = await Promise.all(Array.from({ length: 6 }, () => claimNonce(ctx, 'settings-link', `race-${provider}`, until)));
    expect(racing.filter(Boolean)).toHaveLength(1);
    expect(await t.db.amazonUsedNonce.findUnique({ where: { purpose_nonce: expired } })).toBeNull();
    expect(await t.db.amazonUsedNonce.count({ where: { nonce: { in: [`n-${provider}`, `race-${provider}`] } } })).toBe(3);
  });

  it('uses a consent state once, for its own shop and settings session only', async () => {
    const shop = `stores-${provider}.myshopify.com`;
    const session = { shop, sid: 'sid-that-started-it' };
    const state = await issueConsentState(ctx, { projectId, shop, region: 'na', marketplaceIds: [US], session });
    expect(state).not.toContain(Buffer.from(session.sid).toString('base64url'));
    await expect(consumeConsentState(ctx, state, undefined)).rejects.toThrow(/browser that started it/);
    await expect(consumeConsentState(ctx, state, { shop: 'someone-else.myshopify.com', sid: session.sid })).rejects.toThrow(/another shop/);
    await expect(consumeConsentState(ctx, state, { shop, sid: 'another-browser' })).rejects.toThrow(/another browser session/);
    // None of the refusals used it up: the browser that started it still can, once.
    await expect(consumeConsentState(ctx, state, session)).resolves.toMatchObject({ projectId, region: 'na' });
    await expect(consumeConsentState(ctx, state, session)).rejects.toThrow(/already used/);
  });

  it('prunes offer changes past their week and notification ids past SQS retention (only those), and pages changes by cursor', async () => {
    const now = new Date('2026-12-07T10:00:00.000Z');
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const listing = { itemId: 'B0PRUNE001', marketplaceId: US, currency: 'USD', buyBox: null, offerCount: 0, offers: [], observedAt: now.toISOString() };
    const change = (id: string, receivedAt: Date) => ({ projectId, sellingPartnerId: 'A1STORES', notificationId: id, marketplaceId: US, asin: 'B0PRUNE001', cause: 'competitor', eventTime: receivedAt, listing, receivedAt });
    await t.db.amazonOfferChange.createMany({ data: [change('old', ago(OFFER_CHANGE_RETENTION_MS + 1)), change('fresh', ago(OFFER_CHANGE_RETENTION_MS - 60_000)), change('newest', now)] });
    await t.db.amazonProcessedNotification.createMany({
      data: [
        { notificationId: 'n-old', notificationType: 'ANY_OFFER_CHANGED', receivedAt: ago(PROCESSED_ID_RETENTION_MS + 1) },
        { notificationId: 'n-fresh', notificationType: 'ANY_OFFER_CHANGED', receivedAt: ago(PROCESSED_ID_RETENTION_MS - 60_000) },
      ],
    });
    expect(await pruneNotificationRecords(ctx, now)).toEqual({ changes: 1, notificationIds: 1 });
    expect((await t.db.amazonProcessedNotification.findMany()).map((r) => r.notificationId)).toEqual(['n-fresh']);
    // What is left reads oldest first, a page at a time; no queue configured: the channel is off.
    const first = await readOfferChanges(ctx, projectId, { limit: 1 });
    expect(first.changes.map((c) => c.notificationId)).toEqual(['fresh']);
    expect(first.status).toEqual({ state: 'off', lastReceivedAt: now.toISOString() });
    const second = await readOfferChanges(ctx, projectId, { after: first.cursor });
    expect(second.changes.map((c) => c.notificationId)).toEqual(['newest']);
    expect(await readOfferChanges(ctx, projectId, { after: second.cursor, waitSeconds: 0 })).toMatchObject({ changes: [], cursor: second.cursor });

    // A long poll here sees a change another instance stored (no signal in this process: the database is read again).
    const waiting = readOfferChanges(ctx, projectId, { after: second.cursor, waitSeconds: 10 });
    await t.db.amazonOfferChange.create({ data: change('other-instance', new Date()) });
    expect((await waiting).changes.map((c) => c.notificationId)).toEqual(['other-instance']);
  });
};

describe('stores on sqlite', () => storesOn('sqlite'));
// Without TEST_DATABASE_URL the PostgreSQL suite is reported as skipped, with the reason in its name.
describe.skipIf(!hasTestPostgres())(`stores on postgresql${hasTestPostgres() ? '' : ` — ${POSTGRES_SKIP_REASON}`}`, () => storesOn('postgresql'));
