// One catalog sync per platform and shop across app instances sharing one database. The app over real
// HTTP (Vite, in this process) is one instance; others are processes of their own running the app's sync
// service on the same database (support/sync-instance.ts). Shopify (the sandbox) answers slowly, so a run
// stays live while the test asks again. Checked: a second start while a run is live answers alreadyRunning
// with that run and leaves it alone, from this instance and from another process; an instance killed
// mid-sync keeps nobody waiting longer than its lease, and its run is closed as interrupted when the next
// one starts; starts at the same moment from the app and from two other processes open exactly one run.
// On PostgreSQL when TEST_DATABASE_URL is set, else on SQLite.
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { hasTestPostgres } from '@calibr/db';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { SHOP, readJson, sandboxControl, startPlatformsWorld, waitFor, type PlatformsWorld } from './support/harness';

const appRoot = fileURLToPath(new URL('../../', import.meta.url));
const instanceScript = fileURLToPath(new URL('./support/sync-instance.ts', import.meta.url));
/** The prefix of the other instance's own lines (support/sync-instance.ts). */
const SYNC_INSTANCE_MARKER = 'SYNC-INSTANCE ';

interface InstanceEvent {
  pid: number;
  event: 'ready' | 'started' | 'finished' | 'error';
  syncId?: string;
  alreadyRunning?: boolean;
  message?: string;
}

interface OtherInstance {
  child: ChildProcess;
  events: InstanceEvent[];
  output(): string;
  next(event: InstanceEvent['event'], timeoutMs?: number): Promise<InstanceEvent>;
  go(): void;
  exited: Promise<number | null>;
}

let w: PlatformsWorld;
let projectId = '';
const others: OtherInstance[] = [];

/** Another app instance on the same database, ready for "go". */
async function otherInstance(env: Record<string, string> = {}): Promise<OtherInstance> {
  // In sandbox mode like the app under test: the launcher installs the sandbox's routing (the app never does).
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', '@calibr/sandbox/install', instanceScript, projectId, 'shopify'], {
    cwd: appRoot,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const events: InstanceEvent[] = [];
  let out = '';
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-20_000);
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    for (const line of parts) if (line.startsWith(SYNC_INSTANCE_MARKER)) events.push(JSON.parse(line.slice(SYNC_INSTANCE_MARKER.length)) as InstanceEvent);
  });
  child.stderr!.on('data', (chunk: Buffer) => (out = (out + chunk.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const instance: OtherInstance = {
    child,
    events,
    output: () => out,
    exited,
    go: () => child.stdin!.write('go\n'),
    next: (event, timeoutMs = 90_000) =>
      waitFor(`instance ${child.pid}: ${event}`, async () => {
        const found = events.find((e) => e.event === event);
        if (!found && child.exitCode !== null) throw new Error(`instance ${child.pid} exited (${child.exitCode}) before "${event}":\n${out}`);
        return found;
      }, timeoutMs, 50),
  };
  others.push(instance);
  await instance.next('ready');
  return instance;
}

async function slowShopify(latencyMs: number): Promise<void> {
  await sandboxControl(w.sandbox, 'faults', { platform: 'shopify', kind: 'latency', latencyMs, method: 'POST', path: '*graphql*' });
}

async function clearFaults(): Promise<void> {
  await fetch(`${w.sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
}

async function startOverHttp(): Promise<{ syncId: string; alreadyRunning: boolean }> {
  const res = await w.api('/api/platforms/shopify/sync', { json: { mode: 'full' } });
  const body = await readJson<{ syncId: string; alreadyRunning: boolean }>(res);
  expect(res.status, JSON.stringify(body)).toBe(202);
  return { syncId: body.syncId, alreadyRunning: body.alreadyRunning };
}

const syncRuns = () => w.database.db.platformSyncLog.findMany({ where: { projectId, platform: 'shopify' }, orderBy: { startedAt: 'asc' } });
const integration = () => w.database.db.platformIntegration.findUniqueOrThrow({ where: { projectId_platform: { projectId, platform: 'shopify' } } });
/** The sync's job (app/platforms/sync-lease.server.ts): its claim is the run's lease. */
const lease = () => w.database.db.job.findUniqueOrThrow({ where: { queue_key: { queue: `platform.sync:shopify:${projectId}`, key: 'run' } } });

async function finished(syncId: string) {
  return waitFor(`sync ${syncId} to end`, async () => {
    const run = await w.database.db.platformSyncLog.findUnique({ where: { id: syncId } });
    return run && run.status !== 'started' ? run : undefined;
  }, 120_000);
}

beforeAll(async () => {
  w = await startPlatformsWorld({ provider: hasTestPostgres() ? 'postgresql' : 'sqlite' });
  console.log(`sync instances on ${w.database.provider}`);
  // The shop's first API call installs it (token exchange): its project and offline session now exist.
  expect((await w.api('/api/platforms')).status).toBe(200);
  projectId = (await w.database.db.project.findUniqueOrThrow({ where: { shopDomain: SHOP } })).id;
});

afterEach(async () => {
  await clearFaults();
  for (const other of others.splice(0)) if (other.child.exitCode === null) other.child.kill('SIGKILL');
});

afterAll(async () => w?.close());

describe('one sync per platform and shop across instances', () => {
  let fullRunItems = 0;

  it('a second start while a run is live answers alreadyRunning with that run and leaves it alone, from this instance and from another process', async () => {
    onTestFailed(() => others.forEach((o) => console.error(o.output())));
    const other = await otherInstance();
    await slowShopify(2500);
    const first = await startOverHttp();
    expect(first.alreadyRunning).toBe(false);

    const again = await startOverHttp();
    expect(again).toEqual({ syncId: first.syncId, alreadyRunning: true });
    other.go();
    const fromOther = await other.next('started');
    expect(fromOther).toMatchObject({ syncId: first.syncId, alreadyRunning: true });
    expect(await other.exited).toBe(0);

    // Left alone: still running, held by this process (the app), the only run.
    const held = await lease();
    expect(held).toMatchObject({ status: 'running' });
    expect(held.claimedBy).toMatch(new RegExp(`^${hostname()}:${process.pid}:`));
    expect(await integration()).toMatchObject({ syncStatus: 'in_progress' });
    expect((await syncRuns()).map((r) => [r.id, r.status])).toEqual([[first.syncId, 'started']]);

    await clearFaults();
    const run = await finished(first.syncId);
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'completed', errors: null });
    expect(run.itemsSynced).toBeGreaterThan(0);
    fullRunItems = run.itemsSynced;
    // The job completes when the run ends, so the next start need not wait for its lease to run out.
    await waitFor('the run’s job to complete', async () => ((await lease()).status === 'completed' ? true : undefined), 30_000, 50);
    expect(await lease()).toMatchObject({ status: 'completed', leaseUntil: null, result: { syncLogId: first.syncId } });
    expect(await integration()).toMatchObject({ syncStatus: 'success' });
  });

  it('an instance killed mid-sync holds its run only while its lease lives; then the run is closed as interrupted and a new one starts', async () => {
    onTestFailed(() => others.forEach((o) => console.error(o.output())));
    expect(fullRunItems, 'needs the first test').toBeGreaterThan(0);
    const leaseMs = 1500;
    const doomed = await otherInstance({ SYNC_LEASE_MS: String(leaseMs) });
    await slowShopify(3000);
    doomed.go();
    const started = await doomed.next('started');
    expect(started.alreadyRunning).toBe(false);
    const theirs = started.syncId!;
    const claimedBy = (await lease()).claimedBy;
    expect(claimedBy).toMatch(new RegExp(`^${hostname()}:${doomed.child.pid}:`));

    // Past two lease periods the other instance still holds it (it renews while it works): the app answers
    // with that run.
    const runStart = (await w.database.db.platformSyncLog.findUniqueOrThrow({ where: { id: theirs } })).startedAt.getTime();
    await waitFor('two lease periods', async () => Date.now() > runStart + 2 * leaseMs, 30_000, 100);
    expect(await startOverHttp()).toEqual({ syncId: theirs, alreadyRunning: true });
    expect((await lease()).leaseUntil!.getTime()).toBeGreaterThan(runStart + leaseMs);

    // The instance dies outright, mid-run: nothing closes its run or frees its lease.
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    await clearFaults();
    expect((await w.database.db.platformSyncLog.findUniqueOrThrow({ where: { id: theirs } })).status).toBe('started');
    await waitFor('the dead instance’s lease to run out', async () => (await lease()).leaseUntil!.getTime() < Date.now(), 30_000, 100);

    const next = await startOverHttp();
    expect(next.alreadyRunning).toBe(false);
    expect(next.syncId).not.toBe(theirs);
    const interrupted = await w.database.db.platformSyncLog.findUniqueOrThrow({ where: { id: theirs } });
    expect(interrupted).toMatchObject({ status: 'failed', errors: [{ code: 'interrupted' }] });
    expect(interrupted.completedAt).not.toBeNull();
    const run = await finished(next.syncId);
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'completed', itemsSynced: fullRunItems });
    expect((await syncRuns()).filter((r) => r.status === 'started')).toEqual([]);
  });

  it('starts at the same moment on three instances (the app over HTTP, two other processes) open exactly one run', async () => {
    onTestFailed(() => others.forEach((o) => console.error(o.output())));
    const before = new Set((await syncRuns()).map((r) => r.id));
    const pair = await Promise.all([otherInstance(), otherInstance()]);
    await slowShopify(1500);
    for (const other of pair) other.go();
    const overHttp = await Promise.all(Array.from({ length: 6 }, () => startOverHttp()));
    const fromOthers = await Promise.all(pair.map((o) => o.next('started')));
    const answers = [...overHttp, ...fromOthers.map((e) => ({ syncId: e.syncId!, alreadyRunning: e.alreadyRunning! }))];

    const opened = (await syncRuns()).filter((r) => !before.has(r.id));
    expect(opened, JSON.stringify(answers)).toHaveLength(1);
    expect(answers.filter((a) => !a.alreadyRunning), JSON.stringify(answers)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.syncId))).toEqual(new Set([opened[0]!.id]));

    await clearFaults();
    const run = await finished(opened[0]!.id);
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'completed', itemsSynced: fullRunItems });
    // Whichever instance won finished its run and let go of the lease.
    await waitFor('the lease released', async () => (await lease()).status === 'completed', 30_000);
    expect((await syncRuns()).filter((r) => !before.has(r.id))).toHaveLength(1);
  });
});
