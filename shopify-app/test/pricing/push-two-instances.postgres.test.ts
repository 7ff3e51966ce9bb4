// Two app processes on one PostgreSQL, both pushing at once: the conditional claim gives each change to
// one of them only, so no change is applied twice on either platform. Runs when TEST_DATABASE_URL is set.
import { hasTestPostgres, POSTGRES_SKIP_REASON } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from './support/app-process';
import { startPushWorld, type PushWorld } from './support/push-world';

const SIZE = Number(process.env.PRICING_TWO_INSTANCES_SIZE ?? 1000);
const enabled = hasTestPostgres();
if (!enabled) console.warn(`SKIPPED (two app instances on PostgreSQL): ${POSTGRES_SKIP_REASON}`);

let w: PushWorld;
const apps: AppProcess[] = [];

beforeAll(async () => {
  if (!enabled) return;
  w = await startPushWorld({ size: SIZE, provider: 'postgresql', shop: 'calibr-push-pg.myshopify.com' });
}, 900_000);
afterAll(async () => {
  for (const app of apps) await app.kill().catch(() => undefined);
  await w?.close();
});

describe.skipIf(!enabled)('two app instances on one PostgreSQL', () => {
  it(`push ${SIZE.toLocaleString('en-US')} changes together and never apply one twice`, async () => {
    const db = w.database.db;
    // Each instance claims half the queue per round, so both go for the same rows at once (and Amazon's
    // 5 createFeed per 5 minutes leaves room for the feeds they send).
    const env = { PRICING_PUSH_BATCH: String(Math.ceil(SIZE / 2)), PRICING_PUSH_POLL_MS: '100' };
    const [one, two] = await Promise.all([w.startApp({ ...env, PRICING_WORKER: 'off' }), w.startApp({ ...env, PRICING_WORKER: 'off' })]);
    apps.push(one!, two!);

    const suggestions = await db.priceSuggestion.findMany({ where: { projectId: w.projectId, status: 'pending' }, select: { id: true } });
    const approved = await w.api(one!, '/api/pricing/suggestions', { json: { action: 'approve', ids: suggestions.map((s) => s.id) } });
    expect(approved.status).toBe(200);
    expect(((await approved.json()) as { approved: unknown[] }).approved).toHaveLength(SIZE);

    // Both start pushing at the same moment, from the same queue.
    const [a, b] = await Promise.all([w.startApp({ ...env, PRICING_WORKER: 'on' }), w.startApp({ ...env, PRICING_WORKER: 'on' })]);
    apps.push(a!, b!);
    const deadline = Date.now() + 900_000;
    while ((await db.priceChange.count({ where: { projectId: w.projectId, status: { in: ['approved', 'pushing'] } } })) > 0) {
      if (Date.now() > deadline) throw new Error('the push did not finish');
      await new Promise((r) => setTimeout(r, 500));
    }

    const changes = await db.priceChange.findMany({ where: { projectId: w.projectId }, select: { status: true } });
    const tally = (values: string[]) => values.reduce<Record<string, number>>((out, v) => ({ ...out, [v]: (out[v] ?? 0) + 1 }), {});
    expect(tally(changes.map((c) => c.status))).toEqual({ applied: SIZE });
    // Both instances did part of the work, and none was sent twice.
    const audits = await db.auditLog.findMany({ where: { projectId: w.projectId, action: 'price_change.applied' }, select: { data: true } });
    expect(audits).toHaveLength(SIZE);
    const instances = new Set(audits.map((x) => (x.data as { pushedBy?: string }).pushedBy));
    expect(instances.size).toBe(2);
    const attempts = await db.priceChangeAttempt.findMany({ where: { projectId: w.projectId }, select: { platform: true, status: true, attemptCount: true } });
    expect(attempts).toHaveLength(SIZE * 2);
    expect(tally(attempts.map((x) => `${x.platform} ${x.status}`))).toEqual({ 'amazon applied': SIZE, 'shopify applied': SIZE });
    // How often each was sent: more than once only when a platform refused it without applying it (a rate
    // limit) — what reached the platforms is counted below.
    console.log(`[two instances] sends per attempt: ${JSON.stringify(tally(attempts.map((x) => `${x.platform}×${x.attemptCount}`)))}`);

    expect(w.counts.shopifyChanges.size).toBe(SIZE);
    expect([...w.counts.shopifyChanges.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    const messages = w.feedMessagesPerSku();
    const skus = new Set([...messages.keys(), ...w.counts.amazonPatches.keys()]);
    expect(skus.size).toBe(SIZE);
    for (const sku of skus) expect((messages.get(sku) ?? 0) + (w.counts.amazonPatches.get(sku) ?? 0), sku).toBe(1);
  }, 1_800_000);
});
