// bench:reaction — how fast Calibrate reacts to a competitor's move. 2,000 ASINs for one seller (the
// sandbox's market generator: our listing and a seeded mix of competitors on each), the whole product
// running as in the loop tests (the sandbox, the Amazon service consuming ANY_OFFER_CHANGED from the
// sandbox's SQS, the Remix app with its monitor, policy queue and push worker), a rule with auto-approve on.
// A script of 300 competitor moves at random times over 10 sandbox minutes (a new competitor undercuts the
// lowest offer by 3 %) is played twice: with notifications, then with the queue unreachable (polling only),
// each time on 300 other ASINs at the same times. Measured per move: move → suggestion stored, and → our
// new price live on Amazon (the push's attempt applied); the share of getItemOffersBatch's usage plan the
// monitor used and its 429s (the sandbox's request log); notifications delivered twice (the sandbox's SQS
// `duplicateRate`) and dropped. The last line is JSON.
//
// Units: the sandbox's clocks (and the Amazon service's usage plans) run BENCH_TIME_SCALE times faster, so
// 10 sandbox minutes take 10 ÷ scale real minutes. Nothing on the notification path waits on Amazon's
// clock (the queue's long poll answers as soon as a message is there), so p50_s / p95_s / live_p95_s are
// real seconds; polling is paced by the usage plan (Amazon's clock), so polling_p50_s / polling_p95_s are
// sandbox seconds (real × scale), what they would be against Amazon.
//
// Env: BENCH_ASINS (2000), BENCH_MOVES (300), BENCH_MINUTES (10, sandbox), BENCH_TIME_SCALE (10), BENCH_SEED (1),
// BENCH_DUPLICATE_RATE (0.05).
import os from 'node:os';
import { DEMO_SELLER, US, connectAndSync, readJson, sandboxControl, startPlatformsWorld, waitFor, type PlatformsWorld } from '../../shopify-app/test/platforms/support/harness';
import { seededRandom } from '../support/seeded-random';

const asinCount = Number(process.env.BENCH_ASINS ?? 2_000);
const moveCount = Number(process.env.BENCH_MOVES ?? 300);
const minutes = Number(process.env.BENCH_MINUTES ?? 10);
const timeScale = Number(process.env.BENCH_TIME_SCALE ?? 10);
const seed = Number(process.env.BENCH_SEED ?? 1);
const duplicateRate = Number(process.env.BENCH_DUPLICATE_RATE ?? 0.05);
const ITEM_OFFERS_PATH = '/batches/products/pricing/v0/itemOffers';
/** getItemOffersBatch's usage plan: 0.1 call/s, burst 1 (Amazon's time). */
const PLAN_RATE = 0.1;

const minor = (amount: string) => {
  const [i = '0', f = ''] = amount.split('.');
  return BigInt(i + f.padEnd(2, '0').slice(0, 2));
};
const decimal = (value: bigint) => `${value / 100n}.${String(value % 100n).padStart(2, '0')}`;
const percentile = (values: number[], p: number) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const round = (v: number | null, digits = 2) => (v === null ? null : Number(v.toFixed(digits)));

interface Move {
  asin: string;
  /** Our listing's price as synced (decimal string). */
  listedPrice: string;
  atMs: number;
  movedAt?: number;
}

/** Counts getItemOffersBatch answers in the sandbox's request log since `lastId` (the log keeps 10,000 entries: read it often). */
class CallCounter {
  ok = 0;
  throttled = 0;
  private lastId = 0;
  constructor(private readonly w: PlatformsWorld) {}
  async start(): Promise<void> {
    this.lastId = (await readJson<{ lastId: number }>(await fetch(`${this.w.sandbox.url}/_sandbox/log?limit=1`))).lastId;
    this.ok = 0;
    this.throttled = 0;
  }
  async poll(): Promise<void> {
    const { lastId, entries } = await readJson<{ lastId: number; entries: Array<{ status?: number; kind: string }> }>(
      await fetch(`${this.w.sandbox.url}/_sandbox/log?platform=amazon&path=${encodeURIComponent(ITEM_OFFERS_PATH)}&since=${this.lastId}`),
    );
    for (const e of entries) {
      if (e.kind !== 'request') continue;
      if (e.status === 429) this.throttled++;
      else if (e.status === 200) this.ok++;
    }
    this.lastId = Math.max(this.lastId, lastId);
  }
}

/** Plays the moves at their times (real ms = sandbox ms ÷ scale); each move: a new competitor 3 % under the lowest offer. */
async function play(w: PlatformsWorld, moves: Move[], counter: CallCounter): Promise<void> {
  const start = Date.now();
  const ticker = setInterval(() => void counter.poll().catch(() => undefined), 2_000);
  try {
    await Promise.all(
      moves.map(async (move) => {
        await new Promise((resolve) => setTimeout(resolve, move.atMs / timeScale - (Date.now() - start)));
        const { offers } = await sandboxControl<{ offers: Array<{ landedPrice: string }> }>(w.sandbox, `amazon/offers?asin=${move.asin}&marketplaceId=${US}`);
        // No offer listed (ours not buyable there): 3 % under our listed price.
        const lowest = offers.map((o) => minor(o.landedPrice)).reduce((a, b) => (b < a ? b : a), minor(move.listedPrice));
        const price = decimal((lowest * 97n) / 100n);
        move.movedAt = Date.now();
        await sandboxControl(w.sandbox, 'amazon/competitors', { asin: move.asin, marketplaceId: US, sellerId: 'A1BENCHMOVER', sellerName: 'Bench mover', price, feedbackPercent: 99 });
      }),
    );
  } finally {
    clearInterval(ticker);
  }
}

interface PhaseResult {
  suggestion: number[];
  live: number[];
  missed: number;
  seconds: number;
  ok: number;
  throttled: number;
}

/** Plays one phase, then waits (at most `settleMs` real ms) for every move's suggestion; latencies in real seconds. */
async function phase(w: PlatformsWorld, moves: Move[], settleMs: number): Promise<PhaseResult> {
  const db = w.database.db;
  const counter = new CallCounter(w);
  await counter.start();
  const started = Date.now();
  await play(w, moves, counter);
  const listings = new Map((await db.listing.findMany({ where: { platform: 'amazon', marketplaceId: US, asin: { in: moves.map((m) => m.asin) } }, select: { id: true, asin: true } })).map((l) => [l.asin!, l.id]));
  const out = new Map<string, number>();
  const suggested = async () => {
    // Only the moves not seen yet: the bench's own reads stay light while the app works.
    for (const m of moves.filter((x) => !out.has(x.asin))) {
      const s = await db.priceSuggestion.findFirst({ where: { listingId: listings.get(m.asin)!, createdAt: { gte: new Date(m.movedAt!) } }, orderBy: { createdAt: 'asc' }, select: { createdAt: true } });
      if (s) out.set(m.asin, s.createdAt.getTime());
    }
    return out;
  };
  const deadline = Date.now() + settleMs;
  let seen = await suggested();
  while (seen.size < moves.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await counter.poll();
    seen = await suggested();
  }
  await counter.poll();
  const seconds = (Date.now() - started) / 1000;
  // Live: the push's Amazon attempt applied (auto-approved changes go out at once); given a few seconds more.
  const live: number[] = [];
  await waitFor('the auto-approved prices pushed', async () => {
    const pending = await db.priceChangeAttempt.count({ where: { platform: 'amazon', status: { in: ['queued', 'pending'] } } });
    return pending === 0;
  }, 60_000, 500).catch(() => undefined);
  for (const m of moves) {
    const a = await db.priceChangeAttempt.findFirst({ where: { listingId: listings.get(m.asin)!, platform: 'amazon', status: 'applied', appliedAt: { gte: new Date(m.movedAt!) } }, orderBy: { appliedAt: 'asc' }, select: { appliedAt: true } });
    if (a?.appliedAt) live.push((a.appliedAt.getTime() - m.movedAt!) / 1000);
  }
  // A move never seen counts with the time waited for it (a lower bound): the percentiles never leave it out.
  const end = Date.now();
  const suggestion = moves.map((m) => ((seen.get(m.asin) ?? end) - m.movedAt!) / 1000);
  return { suggestion, live, missed: moves.length - seen.size, seconds, ok: counter.ok, throttled: counter.throttled };
}

process.env.PRICING_MONITOR = 'on';
process.env.PRICING_PUSH_POLL_MS = '200';
process.env.PRICING_PENDING_POLL_MS = '300';
process.env.LOG_LEVEL ??= 'silent';

const wall = performance.now();
const w = await startPlatformsWorld({ notifications: true, timeScale });
try {
  // 2,000 ASINs with our listing and their competitors, before the catalog sync reads them.
  // In batches of 500 a few ms apart: Amazon's listings search can't page through more than 1,000 listings
  // created and updated at the same instant (and the sandbox plays that).
  for (let batch = 0; batch * 500 < asinCount; batch++) {
    const count = Math.min(500, asinCount - batch * 500);
    await sandboxControl(w.sandbox, 'amazon/market/bots', { seed: seed * 100 + batch, marketplaceId: US, sellerId: DEMO_SELLER, generate: { count, skuPrefix: `RX${batch}-` } });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await sandboxControl(w.sandbox, 'amazon/sqs/faults', { duplicateRate, duplicateSeed: `bench-${seed}` });
  await connectAndSync(w);
  const rule = await w.api('/api/pricing/rules', {
    json: { name: 'Beat the lowest by 1c', scope: 'shop', kind: 'beat_lowest_amount', params: { amount: '0.01' }, currency: 'USD', channel: 'amazon', floorAmount: '1.00', maxStepPercent: '50', autoApproveMaxPercent: '50' },
  });
  if (rule.status !== 201) throw new Error(`rule: ${rule.status} ${await rule.text()}`);
  await waitFor('the notification channel live', () => w.database.db.offerChangeCursor.findFirst({ where: { platform: 'amazon', state: 'live' } }), 120_000, 500);

  const rows = await w.database.db.listing.findMany({ where: { platform: 'amazon', marketplaceId: US, status: 'active', sku: { startsWith: 'RX' } }, select: { asin: true, priceAmount: true } });
  const generated = rows.map((l) => l.asin!);
  const priceOf = new Map(rows.map((l) => [l.asin!, l.priceAmount]));
  if (generated.length < 2 * moveCount) {
    const byStatus = await w.database.db.listing.groupBy({ by: ['platform', 'marketplaceId', 'status'], _count: { _all: true } });
    const runs = await w.database.db.platformSyncLog.findMany({ }).catch(() => []);
    throw new Error(`only ${generated.length} generated listings synced (${moveCount * 2} needed): ${JSON.stringify(byStatus)} ${JSON.stringify(runs).slice(0, 2000)}`);
  }
  const monitored = await w.database.db.listing.count({ where: { platform: 'amazon', status: 'active', asin: { not: null } } });
  const random = seededRandom(seed);
  const pool = [...generated].sort();
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  const times = Array.from({ length: moveCount }, () => Math.floor(random() * minutes * 60_000)).sort((a, b) => a - b);
  const script = (offset: number): Move[] => times.map((atMs, i) => ({ asin: pool[offset + i]!, listedPrice: priceOf.get(pool[offset + i]!)!, atMs }));

  const notified = await phase(w, script(0), 60_000);
  // Polling only: the queue can't be read (the channel goes down), same times, 300 other ASINs.
  await sandboxControl(w.sandbox, 'amazon/sqs/faults', { unreachable: '503' });
  await waitFor('the channel down', () => w.database.db.offerChangeCursor.findFirst({ where: { platform: 'amazon', state: 'down' } }), 120_000, 500);
  // Long enough for two full sweeps of every listing at the plan's rate (20 ASINs a call).
  const sweepRealMs = (Math.ceil(monitored / 20) / PLAN_RATE / timeScale) * 1000;
  const polled = await phase(w, script(moveCount), 2 * sweepRealMs);

  const cursor = await w.database.db.offerChangeCursor.findFirst({ where: { platform: 'amazon' } });
  type Readyz = { notifications?: { counts?: { duplicates?: number } } };
  const readyz = await readJson<Readyz>(await fetch(`${w.amazon.url}/readyz`)).catch((): Readyz => ({}));
  const serviceDuplicates = readyz.notifications?.counts?.duplicates ?? 0;
  const appDuplicates = cursor?.duplicatesDropped ?? 0;
  const stored = await w.database.db.competitorPriceObservation.groupBy({ by: ['notificationId', 'listingId'], where: { source: 'notification' }, _count: { _all: true } });
  const doubled = stored.filter((g) => g._count._all > 1).length;

  const calls = notified.ok + polled.ok;
  const realSeconds = notified.seconds + polled.seconds;
  const allowed = PLAN_RATE * timeScale * realSeconds + 1;
  const budgetUsed = calls / allowed;
  const throttled = notified.throttled + polled.throttled;
  const seconds = (performance.now() - wall) / 1000;
  console.log(`reaction: ${monitored} Amazon listings monitored (${generated.length} generated), ${moveCount} moves over ${minutes} sandbox minutes per phase, time scale ${timeScale}, seed ${seed}`);
  console.log(`notifications: ${moveCount - notified.missed}/${moveCount} moves reached a suggestion (${notified.missed} missed: counted at the time waited, a lower bound), p50 ${round(percentile(notified.suggestion, 50))} s, p95 ${round(percentile(notified.suggestion, 95))} s (real); live on Amazon for ${notified.live.length}: p50 ${round(percentile(notified.live, 50))} s, p95 ${round(percentile(notified.live, 95))} s`);
  console.log(`polling only: ${moveCount - polled.missed}/${moveCount} moves reached a suggestion (${polled.missed} missed within ${(2 * sweepRealMs / 1000).toFixed(0)} real s: counted at the time waited, a lower bound), p50 ${round((percentile(polled.suggestion, 50) ?? 0) * timeScale, 0)} s, p95 ${round((percentile(polled.suggestion, 95) ?? 0) * timeScale, 0)} s (sandbox)`);
  console.log(`getItemOffersBatch: ${calls} calls answered, ${throttled} throttled, over ${realSeconds.toFixed(1)} real s = ${(realSeconds * timeScale).toFixed(0)} sandbox s, the plan allowing ${allowed.toFixed(1)}: ${(budgetUsed * 100).toFixed(1)} % used`);
  console.log(`duplicates: dropped ${serviceDuplicates} by the Amazon service (NotificationId) and ${appDuplicates} by the app; ${doubled} notifications stored twice`);
  console.log(`targets: p95 move → suggestion < 5 s: ${(percentile(notified.suggestion, 95) ?? Infinity) < 5 && notified.missed === 0 ? 'met' : 'NOT met'}; budget_used ≥ 0.9: ${budgetUsed >= 0.9 ? 'met' : 'NOT met'}; throttled 0: ${throttled === 0 ? 'met' : 'NOT met'}; every duplicate dropped: ${doubled === 0 ? 'met' : 'NOT met'}`);
  console.log(`load average: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores; ${seconds.toFixed(0)} s in all`);
  console.log(
    JSON.stringify({
      asins: monitored,
      moves: moveCount,
      p50_s: round(percentile(notified.suggestion, 50)),
      p95_s: round(percentile(notified.suggestion, 95)),
      live_p95_s: round(percentile(notified.live, 95)),
      polling_p50_s: round((percentile(polled.suggestion, 50) ?? 0) * timeScale, 0),
      polling_p95_s: round((percentile(polled.suggestion, 95) ?? 0) * timeScale, 0),
      budget_used: round(budgetUsed, 3),
      throttled,
      duplicates_dropped: serviceDuplicates + appDuplicates,
    }),
  );
} finally {
  const { stopPricing } = await import('../../shopify-app/app/pricing/startup.server');
  await stopPricing().catch(() => undefined);
  await w.close();
}
