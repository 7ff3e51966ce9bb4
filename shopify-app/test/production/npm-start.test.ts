// `npm start` on a database nobody has migrated yet (a deleted .data/calibrate.db, a new DATABASE_URL): scripts/start.ts
// as a child process on ports and a sandbox state file of its own, on a new SQLite file and (TEST_DATABASE_URL) a new
// PostgreSQL schema. It migrates before it starts anything, so it gets to its ready line, the Amazon service's /readyz
// answers 200, the app serves an embedded request (session token → token exchange → a session stored in that
// database), and SIGTERM stops the whole loop with exit code 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { committedMigrations, createDb } from '@calibr/db';
import { testDatabaseProviders } from '@calibr/db/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { freePort } from '../../server/free-port';
import { fetchWithSessionToken, readJson, sandboxControl } from '../support/app-http';
import { freshDatabase } from './support/fresh-database';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const READY_LINE = 'Open Shopify Admin (sandbox) with Calibrate inside:';
const DEMO_SHOP = 'calibr-demo.myshopify.com';

// What a developer's shell would not have: the test runner's own settings, and anything `npm start` fills in itself.
const INHERITED_OUT = [
  'NODE_ENV',
  'DATABASE_URL',
  'SANDBOX_URL',
  'SHOPIFY_APP_URL',
  'SHOPIFY_API_KEY',
  'SHOPIFY_API_SECRET',
  'APP_BRIDGE_URL',
  'AMAZON_SERVICE_URL',
  'SERVICE_SHARED_SECRET',
  'AMAZON_LWA_CLIENT_ID',
  'AMAZON_LWA_CLIENT_SECRET',
  'AMAZON_SP_APP_ID',
  'AMAZON_SP_APP_DRAFT',
];

interface NpmStart {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** scripts/start.ts as `npm start` runs it (`tsx scripts/start.ts` from the repo root); resolves at its ready line. */
async function npmStart(env: Record<string, string>, timeoutMs = 240_000): Promise<NpmStart> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of INHERITED_OUT) delete childEnv[key];
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: repoRoot,
    env: { ...childEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-100_000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-100_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line in ${timeoutMs} ms:\n${output.slice(-5000)}`)), timeoutMs);
    const onData = () => {
      if (!output.includes(READY_LINE)) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve();
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}) before it was ready:\n${output.slice(-5000)}`));
    });
  });
  return { child, output: () => output, exited };
}

describe.each(testDatabaseProviders())('npm start on a new %s database', (provider) => {
  const database = freshDatabase(provider === 'postgresql', 'npmstart');
  const stateDir = mkdtempSync(join(tmpdir(), 'calibr-npm-start-'));
  const ports = { sandbox: 0, amazon: 0, app: 0 };
  let run: NpmStart | undefined;

  beforeAll(async () => {
    ports.sandbox = await freePort();
    ports.amazon = await freePort();
    ports.app = await freePort();
    run = await npmStart({
      DATABASE_URL: database.url,
      SANDBOX_PORT: String(ports.sandbox),
      AMAZON_SERVICE_PORT: String(ports.amazon),
      SHOPIFY_APP_PORT: String(ports.app),
      SANDBOX_STATE_FILE: join(stateDir, 'state.json'),
      ENCRYPTION_KEYS: `v1:${randomBytes(32).toString('base64')}`,
    });
  }, 300_000);

  afterAll(async () => {
    if (run && run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
    await database.drop().catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('migrates the database first, then the service is ready, the app serves the demo shop, and SIGTERM stops it cleanly', async () => {
    onTestFailed(() => console.error(`npm start output:\n${run?.output().slice(-5000)}`));
    const migrations = committedMigrations(provider).map((m) => m.name);
    expect(run!.output()).toContain(`(${provider}, applied ${migrations.join(', ')})`);

    const ready = await fetch(`http://127.0.0.1:${ports.amazon}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: 'ok', migrations: 'applied' });

    // The app as Shopify Admin opens it: a session token for the demo shop, exchanged for an access token the
    // app stores in its session table (the one MissingSessionTableError was about).
    const sandbox = { url: `http://127.0.0.1:${ports.sandbox}` };
    const seed = await sandboxControl<{ shopify: { apps: { apiKey: string }[] } }>(sandbox, 'seed');
    const { token } = await sandboxControl<{ token: string }>(sandbox, `shopify/shops/${DEMO_SHOP}/session-token`, { apiKey: seed.shopify.apps[0]!.apiKey });
    const platforms = await fetchWithSessionToken(`http://127.0.0.1:${ports.app}/api/platforms?live=0`, token, { method: 'GET' });
    expect(platforms.status).toBe(200);
    expect(await readJson<{ shop: string }>(platforms)).toMatchObject({ shop: DEMO_SHOP });
    const db = createDb(database.url);
    try {
      expect(await db.session.count({ where: { shop: DEMO_SHOP } })).toBeGreaterThan(0);
    } finally {
      await db.$disconnect();
    }

    run!.child.kill('SIGTERM');
    expect(await run!.exited).toBe(0);
  });
});
