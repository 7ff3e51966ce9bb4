// Two worker processes on one PostgreSQL queue: every job runs exactly once (claims skip each other's
// locked rows; none is claimed twice).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, hasTestPostgres, type TestDatabase } from '@calibr/db/testing';
import { Jobs } from '../src';

const child = fileURLToPath(new URL('./support/claiming-process.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const JOBS = 300;

interface Running {
  process: ChildProcess;
  ready: Promise<void>;
  ran: Promise<string[]>;
}

function startWorker(url: string, queue: string, name: string): Running {
  const proc = spawn(tsx, [child], { env: { ...process.env, DATABASE_URL: url, JOBS_QUEUE: queue, WORKER_NAME: name }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout! });
  let ready!: () => void;
  const readyPromise = new Promise<void>((r) => (ready = r));
  const ran: string[] = [];
  lines.on('line', (line) => {
    if (line === 'ready') ready();
    else if (line.startsWith('ran ')) ran.push(line.slice(4));
  });
  const exited = new Promise<string[]>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve(ran) : reject(new Error(`${name} exited with ${code}`))));
  });
  return { process: proc, ready: Promise.race([readyPromise, exited.then(() => undefined)]), ran: exited };
}

describe.skipIf(!hasTestPostgres())('two worker processes on PostgreSQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ provider: 'postgresql' });
  });
  afterAll(() => database?.cleanup());

  it('run every job of one queue exactly once between them', { timeout: 120_000 }, async () => {
    const queue = 'two-processes';
    const workers = [startWorker(database.url, queue, 'first'), startWorker(database.url, queue, 'second')];
    await Promise.all(workers.map((w) => w.ready));
    const jobs = new Jobs({ db: database.db, dialect: 'postgresql' });
    for (let n = 0; n < JOBS; n++) await jobs.enqueue({ queue, key: `job-${n}`, payload: { n } });
    for (const w of workers) w.process.stdin!.end('go\n');
    const [first, second] = await Promise.all(workers.map((w) => w.ran));

    const all = [...first!, ...second!];
    expect(all).toHaveLength(JOBS);
    expect(new Set(all).size).toBe(JOBS);
    // Both took part (each ran some), and the table agrees: each job completed after one claim.
    expect(first!.length).toBeGreaterThan(0);
    expect(second!.length).toBeGreaterThan(0);
    const rows = await database.db.job.findMany({ where: { queue } });
    expect(rows).toHaveLength(JOBS);
    expect(rows.every((r) => r.status === 'completed' && r.attempts === 1)).toBe(true);
    const by = (name: string) => rows.filter((r) => (r.result as { by: string }).by === name).map((r) => r.id).sort();
    expect(by('first')).toEqual([...first!].sort());
    expect(by('second')).toEqual([...second!].sort());
  });

});
