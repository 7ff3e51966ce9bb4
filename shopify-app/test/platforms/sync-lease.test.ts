// The sync lease itself (app/platforms/sync-lease.server.ts: the sync's job on the job engine) on each database,
// each "instance" with an id (and on PostgreSQL a client and an engine) of its own: many starts at once open one
// run; a run that reads finished while its instance still holds the job waits for it to let go, then a new run
// opens (never answered with the finished one); an instance that stalled past its lease loses the run to the
// next start, learns so at its next renewal, and its late release leaves its successor's job alone.
// Over HTTP and with real processes: sync-instances.test.ts.
import { createDb, providerOf, testDatabaseProviders, type Db } from '@calibr/db';
import { createTestDatabase, type TestDatabase } from '@calibr/db/testing';
import { Jobs } from '@calibr/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimSyncRun, syncQueue, SYNC_JOB_KEY, type SyncLease, type SyncRunClaim } from '../../app/platforms/sync-lease.server';

describe.each(testDatabaseProviders())('the sync lease on %s', (provider) => {
  let database: TestDatabase;
  const instances: Db[] = [];
  const leases: SyncLease[] = [];
  let projectId = '';
  let integrationId = '';

  beforeAll(async () => {
    database = await createTestDatabase({ provider });
    // On PostgreSQL each instance is a client of its own (its own connections). better-sqlite3 is synchronous:
    // a second client in one process would wait for the file lock with the event loop blocked, so the first
    // could never commit; on SQLite the instances share the one client (other processes on one SQLite file:
    // sync-instances.test.ts).
    for (let i = 0; i < 3; i++) instances.push(provider === 'sqlite' ? database.db : createDb(database.url));
    const project = await database.db.project.create({ data: { shopDomain: `lease-${provider}.myshopify.com` } });
    projectId = project.id;
    integrationId = (await database.db.platformIntegration.create({ data: { projectId, platform: 'reference', platformName: 'Reference' } })).id;
  });
  afterAll(async () => {
    await Promise.all(leases.map((l) => l.release()));
    await Promise.all(instances.filter((db) => db !== database.db).map((db) => db.$disconnect()));
    await database?.cleanup();
  });

  const claim = async (instance: number, leaseMs = 60_000): Promise<SyncRunClaim> => {
    const db = instances[instance]!;
    const jobs = new Jobs({ db, dialect: providerOf(db) });
    const result = await claimSyncRun({ projectId, platform: 'reference', integrationId, syncType: 'full', db, jobs, instanceId: `instance-${instance}`, leaseMs });
    if (!result.alreadyRunning) leases.push(result.lease);
    return result;
  };
  const runs = () => database.db.platformSyncLog.findMany({ where: { projectId }, orderBy: { startedAt: 'asc' } });
  const held = () => database.db.job.findUniqueOrThrow({ where: { queue_key: { queue: syncQueue('reference', projectId), key: SYNC_JOB_KEY } } });
  const integration = () => database.db.platformIntegration.findUniqueOrThrow({ where: { id: integrationId } });

  it('twelve starts at once on three instances open exactly one run, and every one answers with it', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => claim(i % 3)));
    const opened = answers.filter((a) => !a.alreadyRunning);
    expect(opened).toHaveLength(1);
    expect(new Set(answers.map((a) => a.syncLogId))).toEqual(new Set([opened[0]!.syncLogId]));
    expect((await runs()).map((r) => r.status)).toEqual(['started']);
    expect(await held()).toMatchObject({ status: 'running', claimedBy: expect.stringMatching(/^instance-\d\//) });
    expect(await integration()).toMatchObject({ syncStatus: 'in_progress' });

    // Released at the end of the run: the next start opens a new run at once.
    await database.db.platformSyncLog.update({ where: { id: opened[0]!.syncLogId }, data: { status: 'completed', completedAt: new Date() } });
    await (opened[0] as Extract<SyncRunClaim, { alreadyRunning: false }>).lease.release();
    expect(await held()).toMatchObject({ status: 'completed', leaseUntil: null, result: { syncLogId: opened[0]!.syncLogId } });
    const next = await claim(1);
    expect(next.alreadyRunning).toBe(false);
    expect((await runs()).map((r) => r.status)).toEqual(['completed', 'started']);
    await database.db.platformSyncLog.update({ where: { id: next.syncLogId }, data: { status: 'completed', completedAt: new Date() } });
    await (next as Extract<SyncRunClaim, { alreadyRunning: false }>).lease.release();
  });

  it('a run that reads finished while its instance still holds the job: the next start waits for it to let go and opens a new run', async () => {
    const first = await claim(0);
    expect(first.alreadyRunning).toBe(false);
    // The connector's last event closed the run; its instance has not let go of the job yet (it is tidying up).
    await database.db.platformSyncLog.update({ where: { id: first.syncLogId }, data: { status: 'completed', completedAt: new Date() } });
    const asked = claim(1);
    await (first as Extract<SyncRunClaim, { alreadyRunning: false }>).lease.release();
    const second = await asked;
    expect(second.alreadyRunning).toBe(false);
    expect(second.syncLogId).not.toBe(first.syncLogId);
    expect((await database.db.platformSyncLog.findUniqueOrThrow({ where: { id: first.syncLogId } })).status).toBe('completed');
    expect(await held()).toMatchObject({ status: 'running', claimedBy: expect.stringMatching(/^instance-1\//) });
    await (second as Extract<SyncRunClaim, { alreadyRunning: false }>).lease.release();
    await database.db.platformSyncLog.update({ where: { id: second.syncLogId }, data: { status: 'completed', completedAt: new Date() } });
  });

  it('an instance that stalls past its lease loses the run: closed as interrupted, a new run starts, the stalled one is told', async () => {
    const stalled = await claim(0);
    expect(stalled.alreadyRunning).toBe(false);
    const stalledLease = (stalled as Extract<SyncRunClaim, { alreadyRunning: false }>).lease;
    expect(await claim(2)).toEqual({ alreadyRunning: true, syncLogId: stalled.syncLogId });
    // Its renewals stopped (a long pause, a lost connection) and the lease ran out.
    await database.db.job.update({ where: { queue_key: { queue: syncQueue('reference', projectId), key: SYNC_JOB_KEY } }, data: { leaseUntil: new Date(Date.now() - 1000) } });

    const successor = await claim(1);
    expect(successor.alreadyRunning).toBe(false);
    expect(successor.alreadyRunning === false && successor.interrupted).toEqual([stalled.syncLogId]);
    expect(await database.db.platformSyncLog.findUniqueOrThrow({ where: { id: stalled.syncLogId } })).toMatchObject({
      status: 'failed',
      errors: [{ code: 'interrupted' }],
    });

    // Back to work, the stalled instance's next renewal finds the lease gone; its run stops at the next step.
    expect(await stalledLease.renew()).toBe(false);
    expect(stalledLease.lost).toBe(true);
    expect(() => stalledLease.assertHeld()).toThrow(expect.objectContaining({ code: 'lease_lost' }));
    await stalledLease.release();
    const now = await held();
    expect(now).toMatchObject({ status: 'running', claimedBy: expect.stringMatching(/^instance-1\//) });
    expect(now.leaseUntil!.getTime()).toBeGreaterThan(Date.now());
    expect(await claim(2)).toEqual({ alreadyRunning: true, syncLogId: successor.syncLogId });
    expect((await runs()).filter((r) => r.status === 'started').map((r) => r.id)).toEqual([successor.syncLogId]);
  });
});
