// What the monitor notices, against a real database: the Buy Box lost, won or moved, the lowest offer
// moved (each reading judged once, against the one before), and our own price edited outside Calibrate
// (a first sight is a baseline; a price we pushed ourselves is not an edit).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@calibr/db';
import { routePath, verifyRequest } from '@calibr/shared-contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Scheduler from '../../app/pricing/monitor/monitor-scheduler.server';
import type * as MarketChanges from '../../app/pricing/monitor/market-changes.server';
import type * as OwnPrice from '../../app/pricing/monitor/own-price.server';

let database: TestDatabase;
let projectId: string;
let listingId: string;
let market: typeof MarketChanges;
let own: typeof OwnPrice;
let scheduler: typeof Scheduler;

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  market = await import('../../app/pricing/monitor/market-changes.server');
  own = await import('../../app/pricing/monitor/own-price.server');
  scheduler = await import('../../app/pricing/monitor/monitor-scheduler.server');
  const project = await database.db.project.create({ data: { shopDomain: 'monitor-shop.myshopify.com' } });
  projectId = project.id;
  const listing = await database.db.listing.create({
    data: { projectId, platform: 'amazon', marketplaceId: 'ATVPDKIKX0DER', externalId: 'SKU-1', asin: 'B000000001', sku: 'SKU-1', title: 'Thing', currency: 'USD', priceAmount: '20.00' },
  });
  listingId = listing.id;
});
afterAll(async () => {
  await globalThis.calibrDb?.$disconnect().catch(() => undefined);
  await database?.cleanup();
});

let clock = Date.UTC(2025, 5, 1);
async function observe(buyBox: string | null, ours: boolean | null, lowest: string | null) {
  clock += 60_000;
  await database.db.competitorPriceObservation.create({
    data: { projectId, listingId, marketplaceId: 'ATVPDKIKX0DER', asin: 'B000000001', currency: 'USD', buyBoxAmount: buyBox, buyBoxIsOurs: ours, lowestOfferAmount: lowest, observedAt: new Date(clock) },
  });
  return market.marketChanges(projectId, [listingId]);
}

describe('market changes', () => {
  it('needs two readings, then names what moved', async () => {
    expect(await observe('20.00', true, '19.50')).toEqual([]);
    expect(await observe('20.00', true, '19.50')).toEqual([]);
    expect(await observe('20.00', true, '18.75')).toEqual([{ listingId, trigger: expect.objectContaining({ kind: 'lowest_offer_moved', platform: 'amazon', from: '19.50', to: '18.75' }) }]);
    expect(await observe('18.75', false, '18.75')).toEqual([{ listingId, trigger: expect.objectContaining({ kind: 'buy_box_lost', from: '20.00', to: '18.75' }) }]);
    expect(await observe('18.50', false, '18.50')).toEqual([{ listingId, trigger: expect.objectContaining({ kind: 'buy_box_moved', from: '18.75', to: '18.50' }) }]);
    expect(await observe('18.40', true, '18.40')).toEqual([{ listingId, trigger: expect.objectContaining({ kind: 'buy_box_won' }) }]);
    expect(await observe(null, null, '18.40')).toEqual([{ listingId, trigger: expect.objectContaining({ kind: 'buy_box_lost', to: null }) }]);
  });
});

describe('our own price, watched', () => {
  it('takes a baseline first, then notices an edit made outside Calibrate (and audits it), but not our own push', async () => {
    expect(await own.noticeOwnPriceEdits(projectId)).toEqual([]);
    expect(await database.db.listingPriceSnapshot.count({ where: { listingId } })).toBe(1);

    // Seller Central: the merchant edits the price; a listing refresh stores it.
    await database.db.listing.update({ where: { id: listingId }, data: { priceAmount: '22.00' } });
    const edits = await own.noticeOwnPriceEdits(projectId);
    expect(edits).toEqual([{ listingId, itemId: listingId, trigger: expect.objectContaining({ kind: 'own_price_edited', platform: 'amazon', from: '20.00', to: '22.00' }) }]);
    const audit = await database.db.auditLog.findFirstOrThrow({ where: { projectId, action: 'listing.price_changed_outside_calibrate' } });
    expect(audit).toMatchObject({ entityId: listingId, data: { from: '20.00', to: '22.00', currency: 'USD' } });
    expect(await own.noticeOwnPriceEdits(projectId)).toEqual([]);

    // Our push records its own snapshot with the new price: the next look sees nothing new.
    await database.db.$transaction([
      database.db.listing.update({ where: { id: listingId }, data: { priceAmount: '21.00' } }),
      database.db.listingPriceSnapshot.create({ data: { projectId, listingId, platform: 'amazon', currency: 'USD', amount: '21.00', source: 'push' } }),
    ]);
    expect(await own.noticeOwnPriceEdits(projectId)).toEqual([]);
    // `since` limits the look to listings written after the previous pass.
    await database.db.listing.update({ where: { id: listingId }, data: { priceAmount: '23.00' } });
    expect(await own.noticeOwnPriceEdits(projectId, { since: new Date(Date.now() + 60_000) })).toEqual([]);
    expect(await own.noticeOwnPriceEdits(projectId, { since: new Date(Date.now() - 60_000) })).toHaveLength(1);

    // A price still on its way (the webhook stored it before the push recorded its answer) is ours too.
    const change = await database.db.priceChange.create({ data: { projectId, idempotencyKey: 'monitor-test', currency: 'USD', fromAmount: '23.00', toAmount: '24.00', status: 'pushing' } });
    await database.db.priceChangeAttempt.create({ data: { projectId, priceChangeId: change.id, listingId, platform: 'amazon', currency: 'USD', amount: '24.00', status: 'pending', attemptCount: 1 } });
    await database.db.listing.update({ where: { id: listingId }, data: { priceAmount: '24.00' } });
    expect(await own.noticeOwnPriceEdits(projectId)).toEqual([]);
    const latest = await database.db.listingPriceSnapshot.findFirstOrThrow({ where: { listingId }, orderBy: { observedAt: 'desc' } });
    expect(latest).toMatchObject({ amount: '24.00', source: 'push' });
  });
});

describe('the monitor timer', () => {
  it('reads each shop’s ASINs in a round robin through the registry’s connector, signed, one batch per interval, however many instances run it', async () => {
    const secret = 'monitor-timer-shared-secret-0123456789abcdef';
    const calls: Array<{ at: number; tenant: string; asins: string[] }> = [];
    // The Amazon service's connector routes, as far as the monitor uses them: connected? and the offers.
    const service: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const { tenantId } = verifyRequest({ method: req.method!, path: req.url!, headers: req.headers, body, secrets: [secret] });
        res.setHeader('content-type', 'application/json');
        if (req.url!.startsWith(routePath('isAuthenticated'))) return res.end(JSON.stringify({ authenticated: true }));
        expect(req.url).toBe(routePath('getCompetitiveOffers'));
        const { itemIds } = JSON.parse(body) as { itemIds: string[] };
        calls.push({ at: Date.now(), tenant: tenantId, asins: itemIds });
        res.end(JSON.stringify({ listings: itemIds.map((itemId) => ({ itemId, currency: null, buyBox: null, offerCount: null, offers: [], observedAt: new Date().toISOString(), error: { code: 'NoOffers', message: 'none' } })) }));
      });
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    process.env.AMAZON_SERVICE_URL = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
    process.env.SERVICE_SHARED_SECRET = secret;
    // The registry the monitor reads through holds Shopify too, whose app config needs its secret.
    process.env.SHOPIFY_API_SECRET ??= 'monitor-timer-shopify-api-secret';
    // Loaded before the timer starts, as a server has it: its first import is not part of a turn.
    await (await import('../../app/registry/registry.server')).getPlatformRegistry();
    // 30 more listings of this shop: the app knows nothing else about its seller (the connector says it is connected).
    await database.db.listing.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({ projectId, platform: 'amazon', marketplaceId: 'ATVPDKIKX0DER', externalId: `SKU-T${i}`, asin: `B1${String(i).padStart(8, '0')}`, sku: `SKU-T${i}`, title: 'T', currency: 'USD', priceAmount: '10.00' })),
    });

    const logs: string[] = [];
    const interval = 400;
    const stops = [1, 2].map((n) => scheduler.startMonitor({ intervalMs: interval, instanceId: `instance-${n}`, listingRefreshMs: 0, log: (m) => logs.push(m) }));
    await new Promise((r) => setTimeout(r, interval * 6));
    await Promise.all(stops.map((stop) => stop()));
    service.close();

    expect(calls.length, logs.join('\n')).toBeGreaterThanOrEqual(2);
    expect(calls.every((c) => c.tenant === 'monitor-shop.myshopify.com' && c.asins.length <= 20)).toBe(true);
    // Never two reads of one shop closer than the interval, even with two instances running.
    for (let i = 1; i < calls.length; i++) expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(interval - 50);
    // A round robin: the first two batches cover all 31 ASINs, even though no reading was recorded.
    expect(new Set([...calls[0]!.asins, ...calls[1]!.asins]).size).toBe(31);
    const turn = await database.db.backgroundJob.findFirstOrThrow({ where: { projectId, kind: 'pricing.monitor' } });
    expect(turn.result).toMatchObject({ asins: expect.any(Number) });
  });
});
