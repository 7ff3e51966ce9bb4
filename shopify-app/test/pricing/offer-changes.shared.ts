// Offer changes and the polling order, against a real database (SQLite; PostgreSQL in the .postgres
// variant): the app's pull job reads a connector's announced changes (the conformance kit's reference
// connector, which keeps what it is told to announce) from its stored cursor, stores each snapshot as a
// reading marked `notification`, and a policy run on the job engine turns it into a suggestion; the same
// notification read again is dropped (one reading, one suggestion); the polling order is never read →
// recent move → high value → oldest reading. Pricing health (Amazon's PRICING_HEALTH) read in the same pull
// raises a `buy_box_ineligible` flag and asks the policy to look; a later eligible offer change clears it, and
// reading everything again (the cursor lost) neither duplicates it nor reopens it.
import { createTestDatabase, providerOf, type DatabaseProvider, type TestDatabase } from '@calibr/db';
import { Jobs } from '@calibr/jobs';
import { RateLimitedError, money, type CompetitiveOffer, type PlatformConnector } from '@calibr/shared-contracts';
import { REFERENCE_CREDENTIALS, ReferenceConnector, type SeedCompetition } from '@calibr/shared-contracts/reference';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appContext } from '../../app/app-context.server';
import type * as Scheduler from '../../app/pricing/monitor/monitor-scheduler.server';
import type * as Priority from '../../app/pricing/monitor/poll-priority.server';
import type * as Freshness from '../../app/pricing/monitor/competitive-freshness.server';
import type * as LoopFacts from '../../app/pricing/loop-facts.server';
import type * as ListingPageModule from '../../app/listings/listing-page.server';

const USD = (amount: string) => money(amount, 'USD');
const rival = (sellerId: string, landed: string): CompetitiveOffer => ({ sellerId, isOurs: false, fulfillment: 'MFN', landed: USD(landed), isBuyBoxWinner: false, isBuyBoxEligible: true, condition: 'new', feedback: { percentage: 99, count: 500 } });
const ours = (landed: string, winner: boolean): CompetitiveOffer => ({ sellerId: 'ref-seller', isOurs: true, fulfillment: 'MFN', landed: USD(landed), isBuyBoxWinner: winner, isBuyBoxEligible: true, condition: 'new' });

export function offerChangesSuite(provider: DatabaseProvider): void {
  let database: TestDatabase;
  let projectId: string;
  let scheduler: typeof Scheduler;
  let priority: typeof Priority;
  let freshness: typeof Freshness;
  let loopFacts: typeof LoopFacts;
  let listingPage: typeof ListingPageModule;
  let now = Date.UTC(2026, 11, 7, 9);
  const competition: SeedCompetition = {};
  const reference = new ReferenceConnector({ platform: 'reference', competition, offerChanges: {}, now: () => new Date(now) });
  // The policy weighs competition on Amazon's listings: the reference connector's pricing, as Amazon's.
  const connector = { platform: 'amazon', capabilities: reference.capabilities, pricing: reference.pricing, isAuthenticated: () => reference.isAuthenticated() } as unknown as PlatformConnector;
  const platforms: Scheduler.MonitorPlatforms = {
    competitive: async () => [{ platform: 'amazon', webhooks: false, offerChanges: true }],
    connector: async () => connector,
  };

  beforeAll(async () => {
    await reference.authenticate(REFERENCE_CREDENTIALS);
    database = await createTestDatabase({ provider });
    process.env.DATABASE_URL = database.url;
    scheduler = await import('../../app/pricing/monitor/monitor-scheduler.server');
    priority = await import('../../app/pricing/monitor/poll-priority.server');
    freshness = await import('../../app/pricing/monitor/competitive-freshness.server');
    loopFacts = await import('../../app/pricing/loop-facts.server');
    listingPage = await import('../../app/listings/listing-page.server');
    const rules = await import('../../app/pricing/rules.server');
    projectId = (await database.db.project.create({ data: { shopDomain: `offer-changes-${provider}.myshopify.com` } })).id;
    await database.db.listing.createMany({
      data: ['B0NOTIFY01', 'B0NOTIFY02'].map((asin) => ({ projectId, platform: 'amazon', marketplaceId: '', externalId: `SKU-${asin}`, asin, sku: `SKU-${asin}`, title: asin, currency: 'USD', priceAmount: '20.00' })),
    });
    await rules.createRule(projectId, { name: 'Beat by 50c', scope: 'shop', kind: 'beat_lowest_amount', params: { amount: '0.50' }, currency: 'USD', floorAmount: '1.00', maxStepPercent: '40' }, 'test');
  });
  afterAll(async () => {
    await appContext().db?.$disconnect().catch(() => undefined);
    await database?.cleanup();
  });

  const engine = () => {
    const db = appContext().db!;
    return new Jobs({ db, dialect: providerOf(db), clock: () => new Date(now) });
  };

  it('a notification reaches the policy through the job engine; the same notification again is dropped: one reading, one suggestion', async () => {
    const jobs = engine();
    const worker = scheduler.monitorWorker(jobs, { platforms, listingRefreshMs: 0, offerChanges: { waitSeconds: 0 } });
    expect(await scheduler.scheduleMonitorTurns(jobs, platforms)).toBe(1);
    const listing = await database.db.listing.findFirstOrThrow({ where: { projectId, asin: 'B0NOTIFY01' } });

    // The market as it is, then a competitor undercuts: two announcements.
    competition.B0NOTIFY01 = { currency: 'USD', buyBox: USD('20.00'), offers: [ours('20.00', true), rival('A1RIVAL', '21.00')] };
    reference.announceOfferChange('B0NOTIFY01');
    now += 1_000;
    competition.B0NOTIFY01 = { currency: 'USD', buyBox: USD('18.00'), offers: [rival('A1RIVAL', '18.00'), ours('20.00', false)] };
    reference.announceOfferChange('B0NOTIFY01');

    expect(await worker.runOnce(scheduler.OFFER_CHANGES_QUEUE)).toBe(1);
    expect(await database.db.job.findFirst({ where: { queue: scheduler.OFFER_CHANGES_QUEUE } })).toMatchObject({ status: 'queued', lastError: null });
    const readings = await database.db.competitorPriceObservation.findMany({ where: { listingId: listing.id }, orderBy: { observedAt: 'asc' } });
    expect(readings.map((r) => [r.source, r.notificationId, r.lowestOfferAmount])).toEqual([
      ['notification', 'ref-notification-1', '21.00'],
      ['notification', 'ref-notification-2', '18.00'],
    ]);
    const cursor = await database.db.offerChangeCursor.findUniqueOrThrow({ where: { projectId_platform: { projectId, platform: 'amazon' } } });
    expect(cursor).toMatchObject({ state: 'live', received: 2, duplicatesDropped: 0, cursor: expect.any(String) });
    // The policy runs on its own queue (one run at a time per shop), not inside the pull.
    expect(await database.db.priceSuggestion.count({ where: { projectId } })).toBe(0);
    expect(await database.db.pendingReprice.count({ where: { projectId } })).toBe(1);
    expect(await worker.runOnce(scheduler.REPRICE_QUEUE)).toBe(1);
    const suggestions = await database.db.priceSuggestion.findMany({ where: { projectId, listingId: listing.id } });
    expect(suggestions.map((s) => [s.status, s.suggestedAmount])).toEqual([['pending', '17.50']]);
    expect(await database.db.pendingReprice.count({ where: { projectId } })).toBe(0);

    // Delivered again (the platform's queue is at least once; or the cursor lost): nothing new.
    await database.db.offerChangeCursor.update({ where: { id: cursor.id }, data: { cursor: null } });
    now += 1_000;
    expect(await worker.runOnce(scheduler.OFFER_CHANGES_QUEUE)).toBe(1);
    expect(await database.db.competitorPriceObservation.count({ where: { listingId: listing.id } })).toBe(2);
    expect(await database.db.offerChangeCursor.findUniqueOrThrow({ where: { id: cursor.id } })).toMatchObject({ received: 4, duplicatesDropped: 2, cursor: cursor.cursor });
    expect(await database.db.pendingReprice.count({ where: { projectId } })).toBe(0);
    expect(await worker.runOnce(scheduler.REPRICE_QUEUE)).toBe(0);
    expect(await database.db.priceSuggestion.count({ where: { projectId, listingId: listing.id } })).toBe(1);

    // How fresh the listing's data is, and who brought it.
    const [fresh] = await freshness.competitiveFreshness(projectId, [listing.id]);
    expect(fresh).toMatchObject({ listingId: listing.id, source: 'notification', observedAt: new Date(now - 1_000).toISOString() });
    // Another shop asking for this listing sees nothing.
    const other = await database.db.project.create({ data: { shopDomain: `offer-changes-other-${provider}.myshopify.com` } });
    expect(await freshness.competitiveFreshness(other.id, [listing.id])).toEqual([]);
  });

  it('reads in priority order: never read, then a recent move, then high value, then the oldest reading', async () => {
    const t0 = new Date(now + 60 * 60_000);
    const ago = (minutes: number) => new Date(t0.getTime() - minutes * 60_000);
    const scope = { projectId: `${projectId}`, platform: 'amazon', marketplaceId: 'A1PRIORITY' };
    const make = (n: number, priceAmount: string) => ({ ...scope, externalId: `P-${n}`, asin: `B0PRIO${String(n).padStart(4, '0')}`, sku: `P-${n}`, title: `P${n}`, currency: 'USD', priceAmount });
    // 12 listings: 0-9 read before (cheap, except 8 and 9), 10-11 never read.
    await database.db.listing.createMany({ data: Array.from({ length: 12 }, (_, n) => make(n, n >= 8 && n <= 9 ? '500.00' : '10.00')) });
    const rows = await database.db.listing.findMany({ where: { marketplaceId: 'A1PRIORITY' }, orderBy: { externalId: 'asc' } });
    const id = (n: number) => rows.find((r) => r.externalId === `P-${n}`)!.id;
    const read = (n: number, minutesAgo: number, extra: { movedAt?: Date; valueMinor?: bigint } = {}) =>
      database.db.competitiveFreshness.create({ data: { listingId: id(n), projectId, readAt: ago(minutesAgo), observedAt: ago(minutesAgo), source: 'poll', valueMinor: extra.valueMinor ?? 1000n, ...(extra.movedAt ? { movedAt: extra.movedAt } : {}) } });
    for (let n = 0; n < 8; n++) await read(n, 5 + n); // 7 is the oldest of these
    await database.db.competitiveFreshness.update({ where: { listingId: id(2) }, data: { movedAt: ago(3) } }); // moved 3 min ago, read 7 min ago
    await database.db.competitiveFreshness.update({ where: { listingId: id(4) }, data: { movedAt: ago(1), readAt: ago(0.5) } }); // moved, but read 30 s ago
    await read(8, 30, { valueMinor: 50_000n }); // high value, read 30 min ago
    await read(9, 2, { valueMinor: 50_000n }); // high value, read 2 min ago: not due

    const where = { projectId, marketplaceId: 'A1PRIORITY', asin: { not: null } };
    const order = async (take: number) => (await priority.priorityBatch(where, take, { now: t0, highValueShare: 0.2 })).map((l) => rows.find((r) => r.id === l.id)!.externalId);
    expect(await order(6)).toEqual(['P-10', 'P-11', 'P-2', 'P-8', 'P-7', 'P-6']);
    // Then every other listing, the oldest reading first (P-4 moved, but was read 30 s ago: last).
    expect((await order(12)).slice(4)).toEqual(['P-7', 'P-6', 'P-5', 'P-3', 'P-1', 'P-0', 'P-9', 'P-4']);
  });

  it('pricing health raises a flag and asks for a policy run; a later eligible offer clears it; read again, nothing changes', async () => {
    const jobs = engine();
    const worker = scheduler.monitorWorker(jobs, { platforms, listingRefreshMs: 0, offerChanges: { waitSeconds: 0 } });
    const listing = await database.db.listing.findFirstOrThrow({ where: { projectId, asin: 'B0NOTIFY02' } });
    const cursorRow = () => database.db.offerChangeCursor.findUniqueOrThrow({ where: { projectId_platform: { projectId, platform: 'amazon' } } });
    const flag = () => database.db.pricingFlag.findUnique({ where: { projectId_itemId_kind: { projectId, itemId: listing.id, kind: 'buy_box_ineligible' } } });
    await database.db.pendingReprice.deleteMany({ where: { projectId } });
    expect(connector.capabilities.pricingHealth).toBe(true);

    // The market as it is, then Amazon says our 20.00 is above its competitive price 18.50.
    now += 1_000;
    competition.B0NOTIFY02 = { currency: 'USD', buyBox: USD('19.00'), offers: [rival('A1RIVAL', '19.00'), ours('20.00', false)] };
    reference.announceOfferChange('B0NOTIFY02');
    now += 1_000;
    const health = reference.announcePricingHealth('B0NOTIFY02', USD('18.50'));
    expect(await worker.runOnce(scheduler.OFFER_CHANGES_QUEUE)).toBe(1);
    const raised = await flag();
    expect(raised).toMatchObject({ listingId: listing.id, clearedAt: null, raisedAt: new Date(health.observedAt) });
    expect(raised!.detail).toMatchObject({ sku: 'SKU-B0NOTIFY02', price: { amount: '20.00', currency: 'USD' }, reference: { kind: 'competitivePrice', price: { amount: '18.50', currency: 'USD' } } });
    expect((await cursorRow()).cursor).toBe(health.cursor);
    const [view] = await loopFacts.listFlags(projectId, { kind: 'buy_box_ineligible' });
    expect(view!.message).toBe("Amazon: your offer on SKU-B0NOTIFY02 lost Buy Box eligibility: price 20.00 is above Amazon's reference price 18.50 (competitive price)");
    // The product page (a listing no link holds) shows it.
    expect((await listingPage.listingPage(projectId, listing.id)).flags.map((f) => f.message)).toEqual([view!.message]);
    // The policy is asked to look, and knows why.
    const pending = await database.db.pendingReprice.findMany({ where: { projectId, listingId: listing.id } });
    expect(pending.map((p) => p.trigger)).toEqual([{ kind: 'buy_box_ineligible', platform: 'amazon', from: '20.00', to: '18.50', at: health.observedAt }]);
    // Its run prices the listing normally: that clears a price war, not what Amazon said.
    expect(await worker.runOnce(scheduler.REPRICE_QUEUE)).toBe(1);
    const suggested = await database.db.priceSuggestion.findMany({ where: { projectId, listingId: listing.id } });
    expect(suggested.map((x) => [x.status, x.suggestedAmount])).toEqual([['pending', '18.50']]);
    // The suggestion says why it was looked at: Amazon's word, our price and the reference.
    expect(suggested[0]!.explanation).toMatchObject({ trigger: { kind: 'buy_box_ineligible', from: '20.00', to: '18.50' } });
    expect(await flag()).toMatchObject({ clearedAt: null });

    // An offer change with us still above the reference and without the Buy Box: still ineligible.
    now += 1_000;
    reference.announceOfferChange('B0NOTIFY02');
    expect(await worker.runOnce(scheduler.OFFER_CHANGES_QUEUE)).toBe(1);
    expect(await flag()).toMatchObject({ clearedAt: null });

    // Our price at the reference: the next offer change clears it, at that change's time.
    now += 1_000;
    competition.B0NOTIFY02 = { currency: 'USD', buyBox: USD('18.50'), offers: [ours('18.50', true), rival('A1RIVAL', '19.00')] };
    const eligible = reference.announceOfferChange('B0NOTIFY02', 'ours');
    expect(await worker.runOnce(scheduler.OFFER_CHANGES_QUEUE)).toBe(1);
    expect(await flag()).toMatchObject({ id: raised!.id, clearedAt: new Date(eligible.listing.observedAt) });
    expect(await loopFacts.listFlags(projectId, { kind: 'buy_box_ineligible' })).toEqual([]);
    expect((await listingPage.listingPage(projectId, listing.id)).flags).toEqual([]);

    // Everything read again (the cursor lost): the older announcement neither duplicates the flag nor reopens it.
    await database.db.offerChangeCursor.update({ where: { projectId_platform: { projectId, platform: 'amazon' } }, data: { cursor: null } });
    now += 1_000;
    expect(await worker.runOnce(scheduler.OFFER_CHANGES_QUEUE)).toBe(1);
    expect(await database.db.pricingFlag.count({ where: { projectId, kind: 'buy_box_ineligible' } })).toBe(1);
    expect(await flag()).toMatchObject({ clearedAt: new Date(eligible.listing.observedAt), raisedAt: new Date(health.observedAt) });

    // Amazon says it again later: the same flag opens again.
    now += 1_000;
    competition.B0NOTIFY02 = { currency: 'USD', buyBox: USD('19.00'), offers: [rival('A1RIVAL', '19.00'), ours('21.00', false)] };
    const again = reference.announcePricingHealth('B0NOTIFY02', USD('18.50'));
    expect(await worker.runOnce(scheduler.OFFER_CHANGES_QUEUE)).toBe(1);
    expect(await flag()).toMatchObject({ id: raised!.id, clearedAt: null, raisedAt: new Date(again.observedAt) });
  });

  it('polls continuously, one read in flight: the next turn at once after a read, and when the quota is used up, when the platform says', async () => {
    const jobs = engine();
    let throttle = false;
    const reads: string[][] = [];
    // The service's limiter paces each read; when Amazon's quota is used up anyway it answers 429 with its wait.
    const pacing = {
      ...connector,
      platform: 'amazon',
      capabilities: { ...reference.capabilities, competitivePricing: true, maxCompetitiveBatch: 20 },
      isAuthenticated: async () => true,
      pricing: {
        ...reference.pricing,
        getCompetitiveOffers: async ({ itemIds }: { itemIds: readonly string[] }) => {
          if (throttle) throw new RateLimitedError(7, 'quota used up', { platform: 'amazon' });
          reads.push([...itemIds]);
          return { listings: itemIds.map((itemId) => ({ itemId, currency: 'USD', buyBox: USD('20.00'), offerCount: 1, offers: [ours('20.00', true)], observedAt: new Date(now).toISOString() })) };
        },
      },
    } as unknown as PlatformConnector;
    const source: Scheduler.MonitorPlatforms = { competitive: async () => [{ platform: 'amazon', webhooks: false, offerChanges: false }], connector: async () => pacing };
    const worker = scheduler.monitorWorker(jobs, { platforms: source, listingRefreshMs: 0 });
    await scheduler.scheduleMonitorTurns(jobs, source);
    const turn = () => database.db.job.findUniqueOrThrow({ where: { queue_key: { queue: scheduler.MONITOR_QUEUE, key: projectId } } });

    expect(await worker.runOnce(scheduler.MONITOR_QUEUE)).toBe(1);
    expect(reads).toHaveLength(1);
    expect((await turn()).runAt.getTime()).toBe(now);
    expect(await worker.runOnce(scheduler.MONITOR_QUEUE)).toBe(1);
    expect(reads).toHaveLength(2);

    throttle = true;
    expect(await worker.runOnce(scheduler.MONITOR_QUEUE)).toBe(1);
    expect(await turn()).toMatchObject({ status: 'queued', runAt: new Date(now + 7_000), result: expect.objectContaining({ reads: 1, error: 'quota used up' }) });
    expect(await worker.runOnce(scheduler.MONITOR_QUEUE)).toBe(0);
    throttle = false;
    now += 7_000;
    expect(await worker.runOnce(scheduler.MONITOR_QUEUE)).toBe(1);
    expect(reads).toHaveLength(3);
  });
}
