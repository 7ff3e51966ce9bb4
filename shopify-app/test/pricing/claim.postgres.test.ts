// The push's claim itself under real contention: several database connections claim from the job
// engine's queue of price changes (pricing.push) at the same moment, round after round, on PostgreSQL
// (where they truly run in parallel). No change is ever won by two claimers, and every change is won once.
// Runs when TEST_DATABASE_URL is set.
import { randomUUID } from 'node:crypto';
import { createDb, createTestDatabase, hasTestPostgres, POSTGRES_SKIP_REASON, type Db, type TestDatabase } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Jobs } from '@calibr/jobs';
import type * as PushJobs from '../../app/pricing/push/push-jobs.server';
import { appContext } from '../../app/app-context.server';

const enabled = hasTestPostgres();
if (!enabled) console.warn(`SKIPPED (claim contention on PostgreSQL): ${POSTGRES_SKIP_REASON}`);
const CHANGES = 3000;
const CLAIMERS = 6;

let database: TestDatabase;
let clients: Db[] = [];
let pushJobs: typeof PushJobs;
let engines: Jobs[] = [];
const QUEUE = 'pricing.push';

beforeAll(async () => {
  if (!enabled) return;
  database = await createTestDatabase({ provider: 'postgresql' });
  process.env.DATABASE_URL = database.url;
  pushJobs = await import('../../app/pricing/push/push-jobs.server');
  clients = Array.from({ length: CLAIMERS }, () => createDb(database.url));
  engines = clients.map((client) => new Jobs({ db: client, dialect: 'postgresql' }));
  const project = await database.db.project.create({ data: { shopDomain: 'claim-contention.myshopify.com' } });
  const rows = Array.from({ length: CHANGES }, (_, i) => ({ id: randomUUID(), projectId: project.id, idempotencyKey: `claim-test:${i}`, currency: 'USD', fromAmount: '10.00', toAmount: '11.00', status: 'approved', approvedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i % 60)) }));
  for (let i = 0; i < rows.length; i += 500) await database.db.priceChange.createMany({ data: rows.slice(i, i + 500) });
  // The push worker queues a job for each approved change before it claims.
  expect(await pushJobs.queueChangesWithoutJobs(database.db)).toBe(CHANGES);
  expect(await pushJobs.queueChangesWithoutJobs(database.db)).toBe(0);
}, 300_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.$disconnect().catch(() => undefined)));
  await appContext().db?.$disconnect().catch(() => undefined);
  await database?.cleanup();
});

describe.skipIf(!enabled)('the push queue claim on PostgreSQL', () => {
  it(`${CLAIMERS} connections claiming ${CHANGES} changes at once never win the same change twice`, async () => {
    const won = new Map<string, string>();
    const doubles: string[] = [];
    let rounds = 0;
    let lost = 0;
    // Every claimer asks for the same first rows at the same instant, until the queue is empty.
    for (;;) {
      const claims = await Promise.all(engines.map((jobs, i) => jobs.claim(QUEUE, { workerId: `claimer-${i}`, limit: 100, leaseMs: 600_000 })));
      rounds++;
      if (claims.every((c) => c.length === 0)) break;
      // A claimer that came back empty while others still won rows went for rows another claimer had locked.
      lost += claims.filter((c) => c.length === 0).length;
      for (const c of claims) {
        for (const job of c) {
          if (won.has(job.key)) doubles.push(job.key);
          won.set(job.key, job.claimedBy);
        }
      }
    }
    expect(doubles).toEqual([]);
    expect(won.size).toBe(CHANGES);
    // Every claimer took part. (With SKIP LOCKED a claimer skips the rows another one is claiming instead
    // of coming back empty, so empty claims no longer show contention; the engine's tests race claims too.)
    const claimers = new Set([...won.values()].map((token) => token.split('/')[0]));
    expect(claimers.size, `${rounds} rounds, ${lost} empty claims`).toBe(CLAIMERS);
    const rows = await database.db.job.findMany({ where: { queue: QUEUE }, select: { key: true, claimedBy: true, status: true } });
    expect(rows.every((r) => r.status === 'running' && r.claimedBy === won.get(r.key))).toBe(true);
  }, 300_000);

  it('takes over a change whose lease ran out (a crashed instance), and only then', async () => {
    const row = await database.db.job.findFirstOrThrow({ where: { queue: QUEUE } });
    await database.db.job.update({ where: { id: row.id }, data: { leaseUntil: new Date(Date.now() - 1000) } });
    const [a, b] = await Promise.all(engines.slice(0, 2).map((jobs, i) => jobs.claim(QUEUE, { workerId: `late-${i}`, limit: 10, leaseMs: 60_000 })));
    const winners = [a!, b!].filter((c) => c.length > 0);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.map((j) => j.key)).toEqual([row.key]);
    expect(await engines[2]!.claim(QUEUE, { workerId: 'later', limit: 10, leaseMs: 60_000 })).toEqual([]);
  });
});
