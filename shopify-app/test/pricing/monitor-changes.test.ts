// What the monitor notices, against a real database: the Buy Box lost, won or moved, the lowest offer
// moved (each reading judged once, against the one before), and our own price edited outside Calibrate
// (a first sight is a baseline; a price we pushed ourselves is not an edit).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, providerOf, type TestDatabase } from '@calibr/db';
import { Jobs } from '@calibr/jobs';
import { routePath, verifyRequest } from '@calibr/shared-contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Scheduler from '../../app/pricing/monitor/monitor-scheduler.server';
import type * as MarketChanges from '../../app/pricing/monitor/market-changes.server';
import type * as OwnPrice from '../../app/pricing/monitor/own-price.server';
import { appContext } from '../../app/app-context.server';

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
  await appContext().db?.$disconnect().catch(() => undefined);
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
  it('reads each shop’s ASINs in priority order through the registry’s connector, signed, one batch per interval, however many instances run it, and none while the seller is disconnected', async () => {
    const secret = 'monitor-timer-shared-secret-0123456789abcdef';
    const calls: Array<{ tenant: string; asins: string[] }> = [];
    let connected = true;
    // The Amazon service's connector routes, as far as the monitor uses them: connected? and the offers.
    const service: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const { tenantId } = verifyRequest({ method: req.method!, path: req.url!, headers: req.headers, body, secrets: [secret] });
        res.setHeader('content-type', 'application/json');
        if (req.url!.startsWith(routePath('isAuthenticated'))) return res.end(JSON.stringify({ authenticated: connected }));
        expect(req.url).toBe(routePath('getCompetitiveOffers'));
        const { itemIds } = JSON.parse(body) as { itemIds: string[] };
        calls.push({ tenant: tenantId, asins: itemIds });
        res.end(JSON.stringify({ listings: itemIds.map((itemId) => ({ itemId, currency: null, buyBox: null, offerCount: null, offers: [], observedAt: new Date().toISOString(), error: { code: 'NoOffers', message: 'none' } })) }));
      });
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    process.env.AMAZON_SERVICE_URL = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
    process.env.SERVICE_SHARED_SECRET = secret;
    // The registry the monitor reads through holds Shopify too, whose app config needs its secret.
    process.env.SHOPIFY_API_SECRET ??= 'monitor-timer-shopify-api-secret';
    // Loaded before the timer starts, as a server has it: its first import is not part of a turn.
    await (await import('../../app/platforms/registry.server')).getPlatformRegistry();
    // 30 more listings of this shop: the app knows nothing else about its seller (the connector says it is connected).
    await database.db.listing.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({ projectId, platform: 'amazon', marketplaceId: 'ATVPDKIKX0DER', externalId: `SKU-T${i}`, asin: `B1${String(i).padStart(8, '0')}`, sku: `SKU-T${i}`, title: 'T', currency: 'USD', priceAmount: '10.00' })),
    });

    // Two instances (two workers on one database) with the engine's clock in the test's hands: every turn is
    // driven by runOnce, so the schedule is checked without sleeping.
    let now = Date.UTC(2026, 2, 1, 9);
    const appDb = appContext().db!; // the app's client: the one the turns write with
    const jobs = new Jobs({ db: appDb, dialect: providerOf(appDb), clock: () => new Date(now) });
    const interval = 10_000;
    const workers = [1, 2].map((n) => scheduler.monitorWorker(jobs, { intervalMs: interval, instanceId: `instance-${n}`, listingRefreshMs: 0 }));
    const turn = () => database.db.job.findUniqueOrThrow({ where: { queue_key: { queue: scheduler.MONITOR_QUEUE, key: projectId } } });
    const bothInstances = async () => (await Promise.all(workers.map((w) => w.runOnce(scheduler.MONITOR_QUEUE)))).reduce((a, b) => a + b, 0);

    expect(await scheduler.scheduleMonitorTurns(jobs)).toBe(1);
    expect(await scheduler.scheduleMonitorTurns(jobs)).toBe(1);
    expect(await database.db.job.count({ where: { queue: scheduler.MONITOR_QUEUE } })).toBe(1);

    // Due now: one instance takes the shop's turn, the other finds nothing due.
    expect(await bothInstances()).toBe(1);
    expect(calls).toHaveLength(1);
    expect((await turn()).runAt.getTime()).toBe(now + interval);
    // Still inside the interval: no instance reads the shop again.
    now += interval - 1;
    expect(await bothInstances()).toBe(0);
    expect(calls).toHaveLength(1);
    // The interval has passed: the next batch, by one instance.
    now += 1;
    expect(await bothInstances()).toBe(1);
    expect(calls).toHaveLength(2);
    expect((await turn()).runAt.getTime()).toBe(now + interval);

    expect(calls.every((c) => c.tenant === 'monitor-shop.myshopify.com' && c.asins.length <= 20)).toBe(true);
    // Never-read listings first: the first two batches cover all 31 ASINs, even though no reading was
    // recorded (an item the platform can't answer for counts as read, and waits its turn).
    expect(new Set([...calls[0]!.asins, ...calls[1]!.asins]).size).toBe(31);
    // The turn keeps when it started (for outside edits), and what it did.
    expect(await turn()).toMatchObject({ status: 'queued', attempts: 0, payload: { projectId, lastStart: expect.any(String) }, result: { asins: calls[1]!.asins.length } });

    // The seller disconnected (its connector says so): its turns read nothing until it is back.
    connected = false;
    now += interval;
    expect(await bothInstances()).toBe(1);
    expect(calls).toHaveLength(2);
    expect(await turn()).toMatchObject({ status: 'queued', attempts: 0 });
    service.close();
  });
});
