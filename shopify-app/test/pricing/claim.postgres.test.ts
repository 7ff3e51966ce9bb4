// The claim itself under real contention: several database connections claim from one queue of price
// changes at the same moment, round after round, on PostgreSQL (where they truly run in parallel). No
// change is ever won by two claimers, and every change is won once. Runs when TEST_DATABASE_URL is set.
import { randomUUID } from 'node:crypto';
import { createDb, createTestDatabase, hasTestPostgres, POSTGRES_SKIP_REASON, type Db, type TestDatabase } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Claim from '../../app/pricing/push/claim.server';
import { appContext } from '../../app/app-context.server';

const enabled = hasTestPostgres();
if (!enabled) console.warn(`SKIPPED (claim contention on PostgreSQL): ${POSTGRES_SKIP_REASON}`);
const CHANGES = 3000;
const CLAIMERS = 6;

let database: TestDatabase;
let clients: Db[] = [];
let claim: typeof Claim;

beforeAll(async () => {
  if (!enabled) return;
  database = await createTestDatabase({ provider: 'postgresql' });
  process.env.DATABASE_URL = database.url;
  claim = await import('../../app/pricing/push/claim.server');
  clients = Array.from({ length: CLAIMERS }, () => createDb(database.url));
  const project = await database.db.project.create({ data: { shopDomain: 'claim-contention.myshopify.com' } });
  const rows = Array.from({ length: CHANGES }, (_, i) => ({ id: randomUUID(), projectId: project.id, idempotencyKey: `claim-test:${i}`, currency: 'USD', fromAmount: '10.00', toAmount: '11.00', status: 'approved', approvedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i % 60)) }));
  for (let i = 0; i < rows.length; i += 500) await database.db.priceChange.createMany({ data: rows.slice(i, i + 500) });
}, 300_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.$disconnect().catch(() => undefined)));
  await appContext().db?.$disconnect().catch(() => undefined);
  await database?.cleanup();
});

describe.skipIf(!enabled)('the conditional claim on PostgreSQL', () => {
  it(`${CLAIMERS} connections claiming ${CHANGES} changes at once never win the same change twice`, async () => {
    const won = new Map<string, string>();
    const doubles: string[] = [];
    let rounds = 0;
    let lost = 0;
    // Every claimer asks for the same first rows at the same instant, until the queue is empty.
    for (;;) {
      const claims = await Promise.all(clients.map((client, i) => claim.claimChanges({ db: client, instanceId: `claimer-${i}`, limit: 100, leaseMs: 600_000 })));
      rounds++;
      if (claims.every((c) => c === null)) break;
      // A claimer that read free rows but won none of them lost a race for them to another claimer.
      lost += claims.filter((c) => c === null).length;
      for (const c of claims) {
        for (const id of c?.changeIds ?? []) {
          if (won.has(id)) doubles.push(id);
          won.set(id, c!.token);
        }
      }
    }
    expect(doubles).toEqual([]);
    expect(won.size).toBe(CHANGES);
    // Contention was real: claimers went for the same rows and lost them to another. (Claims made one
    // after another would each win the next free rows: no claimer would come back empty before the end.)
    expect(lost, `${rounds} rounds`).toBeGreaterThan(0);
    const rows = await database.db.priceChange.findMany({ select: { id: true, claimedBy: true, status: true } });
    expect(rows.every((r) => r.status === 'pushing' && r.claimedBy === won.get(r.id))).toBe(true);
  }, 300_000);

  it('takes over a change whose lease ran out (a crashed instance), and only then', async () => {
    const row = await database.db.priceChange.findFirstOrThrow();
    await database.db.priceChange.update({ where: { id: row.id }, data: { leaseUntil: new Date(Date.now() - 1000) } });
    const [a, b] = await Promise.all(clients.slice(0, 2).map((client, i) => claim.claimChanges({ db: client, instanceId: `late-${i}`, limit: 10, leaseMs: 60_000 })));
    const winners = [a, b].filter((c) => c !== null);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.changeIds).toEqual([row.id]);
    expect(await claim.claimChanges({ db: clients[2]!, instanceId: 'later', limit: 10, leaseMs: 60_000 })).toBeNull();
  });
});
