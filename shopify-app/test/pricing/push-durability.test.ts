// Durability of the push, with real processes: 5,000 approved changes are being pushed to Shopify and
// Amazon when the app process is killed (SIGKILL: no cleanup). Started again, it finishes the work, and
// every change ends applied exactly once on both platforms: every variant and every listing has its new
// price, Shopify changed each product's price once, and Amazon received each SKU once (feed messages and
// patchListingsItem calls counted in the sandbox).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from './support/app-process';
import { plusOne, startPushWorld, type PushWorld } from './support/push-world';

const SIZE = Number(process.env.PRICING_PUSH_TEST_SIZE ?? 5000);
let w: PushWorld;
const apps: AppProcess[] = [];
// The app sends Amazon's 5,000 updates in one request to the service (in this process); storing and
// uploading them takes 10-20 s alone, longer with other files on the same busy cores. The 30 s default
// would turn a slow answer into a lost one: pure budget here.
const appEnv = { REMOTE_CONNECTOR_TIMEOUT_MS: '300000' };

beforeAll(async () => {
  w = await startPushWorld({ size: SIZE });
}, 600_000);
afterAll(async () => {
  for (const app of apps) await app.kill().catch(() => undefined);
  await w?.close();
});

async function attemptCounts() {
  const rows = await w.database.db.priceChangeAttempt.groupBy({ by: ['platform', 'status'], where: { projectId: w.projectId }, _count: { _all: true } });
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) (out[r.platform] ??= {})[r.status] = r._count._all;
  return out;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await attemptCounts())}\n${apps.at(-1)?.output().slice(-3000) ?? ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

describe(`a ${SIZE.toLocaleString('en-US')}-change push survives a kill -9`, () => {
  it('kills the app mid-push, restarts it, and ends with every change applied exactly once on both platforms', async () => {
    const db = w.database.db;
    const t0 = Date.now();
    const phase = (name: string) => console.log(`[push durability] ${((Date.now() - t0) / 1000).toFixed(1)} s: ${name}`);
    const app = await w.startApp(appEnv);
    phase('app started');
    apps.push(app);
    const suggestions = await db.priceSuggestion.findMany({ where: { projectId: w.projectId, status: 'pending' }, select: { id: true } });
    expect(suggestions).toHaveLength(SIZE);

    // The merchant approves them all through the app's route (bulk approve).
    const approved = await w.api(app, '/api/pricing/suggestions', { json: { action: 'approve', ids: suggestions.map((s) => s.id) } });
    const text = await approved.text();
    expect(approved.status, `${text.slice(0, 500)}\n${app.output().slice(-3000)}`).toBe(200);
    const body = JSON.parse(text) as { approved: unknown[]; refused: unknown[] };
    expect(body.refused).toEqual([]);
    expect(body.approved).toHaveLength(SIZE);
    phase(`${SIZE} suggestions approved`);

    // Kill it while Shopify is part way through (Amazon's feed goes first and is in flight by then).
    const before = await until(
      'the push to be part way through',
      async () => {
        const counts = await attemptCounts();
        const applied = counts.shopify?.applied ?? 0;
        return applied >= Math.floor(SIZE / 10) ? counts : undefined;
      },
      480_000,
      50,
    );
    await app.kill('SIGKILL');
    phase('killed');
    const atKill = await attemptCounts();
    expect(atKill.shopify?.applied ?? 0, `killed too late: ${JSON.stringify(before)}`).toBeLessThan(SIZE);
    const inFlight = await db.priceChange.count({ where: { projectId: w.projectId, status: 'pushing' } });
    expect(inFlight, 'changes were being pushed when the process died').toBeGreaterThan(0);

    // Started again: the dead process's lease runs out and the new one takes the work over.
    const again = await w.startApp(appEnv);
    apps.push(again);
    expect((await w.api(again, '/api/pricing/progress')).status).toBe(200);
    phase('restarted');
    await until(
      'every change to settle',
      async () => (await db.priceChange.count({ where: { projectId: w.projectId, status: { in: ['approved', 'pushing'] } } })) === 0,
      900_000,
      500,
    );

    phase('every change settled');
    const changes = await db.priceChange.groupBy({ by: ['status'], where: { projectId: w.projectId }, _count: { _all: true } });
    expect(changes.map((c) => [c.status, c._count._all])).toEqual([['applied', SIZE]]);
    expect(await attemptCounts()).toEqual({ amazon: { applied: SIZE }, shopify: { applied: SIZE } });

    // The platforms' side: every price is the new one.
    const listings = await db.listing.findMany({ where: { projectId: w.projectId, platform: 'shopify' }, select: { sku: true } });
    const shopify = await w.shopifyPrices();
    const amazon = w.amazonPrices();
    const suggestionsBySku = await db.priceSuggestion.findMany({ where: { projectId: w.projectId }, include: { productLink: { select: { sku: true } } } });
    let checked = 0;
    for (const s of suggestionsBySku) {
      const sku = listings.find((l) => l.sku?.toUpperCase() === s.productLink?.sku)?.sku;
      expect(sku).toBeTruthy();
      expect(shopify.get(sku!), `Shopify ${sku}`).toBe(s.suggestedAmount);
      expect(amazon.get(sku!), `Amazon ${sku}`).toBe(s.suggestedAmount);
      expect(s.suggestedAmount).toBe(plusOne(s.currentAmount));
      checked++;
    }
    expect(checked).toBe(SIZE);

    // Exactly once: each Shopify product's price changed once; each SKU reached Amazon once.
    expect(w.counts.shopifyChanges.size).toBe(SIZE);
    expect([...w.counts.shopifyChanges.values()].every((n) => n === 1)).toBe(true);
    const messages = w.feedMessagesPerSku();
    const patches = w.counts.amazonPatches;
    const skus = new Set([...messages.keys(), ...patches.keys()]);
    expect(skus.size).toBe(SIZE);
    for (const sku of skus) expect((messages.get(sku) ?? 0) + (patches.get(sku) ?? 0), sku).toBe(1);

    // How much of the dead process's work was in doubt (sent, answer lost) and resent under the same keys.
    const resent = await db.priceChangeAttempt.count({ where: { projectId: w.projectId, attemptCount: { gt: 1 } } });
    console.log(`[push durability] at the kill: ${JSON.stringify(atKill)}; ${resent} attempt(s) were in doubt and sent again after the restart`);
  }, 1_800_000);
});
