// Rotating the encryption key re-encrypts stored credentials without downtime (issue 9), end to end:
// the app and the Amazon service run (one database, as in `npm start`) with the Shopify offline session,
// the Amazon seller's LWA credentials and a test platform's credentials stored under key v1, read from
// ENCRYPTION_KEYS_FILE. A steady stream of authenticated requests that need those credentials (live
// status checks: the app loads the Shopify session and calls the Admin API, the Amazon service decrypts
// the seller's refresh token and calls SP-API, the app decrypts the test platform's credentials) runs
// throughout while the procedure from the README is followed:
//   1. the key file becomes "v2 (primary), v1": every process picks it up at its next encrypt/decrypt,
//      no restart;
//   2. `npm run db:rotate-keys -w @calibr/db` runs as a process of its own and rewrites every value;
//   3. v1 is removed from the file.
// Not one request may fail, and the raw rows must all be under v2 (and decrypt with v2 alone).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { amazonEncryptedColumns, decryptSecret, encryptedColumns, generateKeyEntry, isCiphertext, parseKeyring, writeKeyringFile, type DatabaseProvider } from '@calibr/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoSellerCredentials, readJson, startPlatformsWorld, type PlatformsWorld } from '../platforms/support/harness';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const STATUS_PATHS = ['/api/platforms/shopify/status', '/api/platforms/amazon/status', '/api/platforms/reference/status'];

interface StoredValue {
  where: string;
  value: string;
}

/** Every value in every ciphertext column of both databases (the app's, the Amazon service's), read with SQL around the decrypting code. */
async function storedCiphertexts(w: PlatformsWorld): Promise<StoredValue[]> {
  const values: StoredValue[] = [];
  const sets = [
    { db: w.database.db, specs: encryptedColumns },
    { db: w.amazonDatabase.db, specs: amazonEncryptedColumns },
  ];
  for (const { db, specs } of sets) for (const spec of specs) {
    for (const column of spec.columns) {
      const rows = await db.$queryRawUnsafe<Array<{ v: string | null }>>(`SELECT "${column}" AS v FROM "${spec.table}"`);
      for (const row of rows) if (row.v && isCiphertext(row.v)) values.push({ where: `${spec.table}.${column}`, value: row.v });
    }
  }
  return values;
}

/** Runs the npm script the README documents, as its own process, against the test database. */
async function rotateKeys(databaseUrl: string, amazonDatabaseUrl: string, keyFile: string): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, AMAZON_DATABASE_URL: amazonDatabaseUrl, ENCRYPTION_KEYS_FILE: keyFile };
  delete env.ENCRYPTION_KEYS;
  const child = spawn('npm', ['run', '--silent', 'db:rotate-keys', '-w', '@calibr/db'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`db:rotate-keys exited ${code}:\n${output}`);
  return output;
}

interface Outcome {
  phase: string;
  path: string;
  ok: boolean;
  detail: string;
}

/** `concurrency` loops of status requests until stopped; each outcome is tagged with the phase it ran in. */
function requestStream(w: PlatformsWorld, concurrency: number) {
  let phase = 'v1';
  let stopped = false;
  const outcomes: Outcome[] = [];
  const loop = async (offset: number) => {
    for (let i = offset; !stopped; i++) {
      const path = STATUS_PATHS[i % STATUS_PATHS.length]!;
      const started = phase;
      try {
        const res = await w.api(path);
        const body = await res.text();
        let ok = res.status === 200;
        if (ok) {
          const view = JSON.parse(body) as { connection?: { status?: string }; health?: { status?: string } };
          ok = view.connection?.status === 'connected' && view.health?.status === 'healthy';
        }
        outcomes.push({ phase: started, path, ok, detail: `${res.status} ${body.slice(0, 300)}` });
      } catch (error) {
        outcomes.push({ phase: started, path, ok: false, detail: String(error) });
      }
    }
  };
  const loops = Array.from({ length: concurrency }, (_, n) => loop(n));
  return {
    outcomes,
    setPhase(next: string) {
      phase = next;
    },
    /** Waits until at least `count` requests have completed in the current phase. */
    async completed(count: number) {
      const target = phase;
      const deadline = Date.now() + 60_000;
      while (outcomes.filter((o) => o.phase === target).length < count) {
        if (Date.now() > deadline) throw new Error(`the stream made under ${count} requests in phase ${target}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** One app per test file (the app's modules hold one database): key-rotation.test.ts and .postgres.test.ts. */
export function keyRotationSuite(provider: DatabaseProvider): void {
  let w: PlatformsWorld;
  let keyDir: string;
  let keyFile: string;
  const saved = { keys: process.env.ENCRYPTION_KEYS, file: process.env.ENCRYPTION_KEYS_FILE };
  const v1 = generateKeyEntry('v1');
  const v2 = generateKeyEntry('v2');

  beforeAll(async () => {
    keyDir = mkdtempSync(join(tmpdir(), 'calibr-keys-'));
    keyFile = join(keyDir, 'encryption-keys');
    writeKeyringFile(keyFile, [v1]);
    delete process.env.ENCRYPTION_KEYS;
    process.env.ENCRYPTION_KEYS_FILE = keyFile;
    w = await startPlatformsWorld({ provider });
    // Credentials stored under v1: the Shopify session (token exchange on the first request), the Amazon
    // seller (self-authorization) and the reference test platform.
    const amazon = await w.api('/api/platforms/amazon/connect', { json: { credentials: demoSellerCredentials(w) } });
    expect(amazon.status, await amazon.clone().text()).toBe(200);
    const reference = await w.api('/api/platforms/reference/connect', { json: { fields: { accountId: 'ref-account', apiKey: 'reference-api-key' } } });
    expect(reference.status).toBe(200);
    for (const path of STATUS_PATHS) {
      const view = await readJson<{ health: { status: string } }>(await w.api(path));
      expect(view.health.status, path).toBe('healthy');
    }
  });

  afterAll(async () => {
    await w?.close();
    rmSync(keyDir, { recursive: true, force: true });
    if (saved.keys === undefined) delete process.env.ENCRYPTION_KEYS;
    else process.env.ENCRYPTION_KEYS = saved.keys;
    if (saved.file === undefined) delete process.env.ENCRYPTION_KEYS_FILE;
    else process.env.ENCRYPTION_KEYS_FILE = saved.file;
  });

  it('adds v2, re-encrypts every stored credential and drops v1 while requests keep succeeding', async () => {
    const before = await storedCiphertexts(w);
    const tables = new Set(before.map((s) => s.where.split('.')[0]));
    expect([...tables].sort()).toEqual(expect.arrayContaining(['AmazonIntegration', 'PlatformIntegration', 'Session']));
    expect(before.every((s) => s.value.startsWith('enc:v1:')), JSON.stringify(before.map((s) => s.where))).toBe(true);

    const stream = requestStream(w, 3);
    try {
      await stream.completed(9);

      // 1. v2 becomes the primary key; v1 still decrypts. No process restarts.
      stream.setPhase('v2 added');
      writeKeyringFile(keyFile, [v2, v1]);
      await stream.completed(6);

      // 2. The rotation, as a separate process, while the stream goes on.
      stream.setPhase('rotating');
      const report = await rotateKeys(w.database.url, w.amazonDatabase.url, keyFile);
      expect(report).toMatch(/values still on an old key in all: 0/);
      expect(report).not.toMatch(/WARNING/);
      stream.setPhase('rotated');
      await stream.completed(6);

      const after = await storedCiphertexts(w);
      expect(after.length).toBeGreaterThanOrEqual(before.length);
      const stale = after.filter((s) => !s.value.startsWith('enc:v2:')).map((s) => s.where);
      expect(stale).toEqual([]);
      // Really under v2: they decrypt with v2 alone.
      const v2Only = parseKeyring(v2);
      for (const stored of after) expect(() => decryptSecret(stored.value, v2Only), stored.where).not.toThrow();

      // 3. v1 is removed; everything still works.
      stream.setPhase('v1 removed');
      writeKeyringFile(keyFile, [v2]);
      await stream.completed(9);
    } finally {
      await stream.stop();
    }

    const failures = stream.outcomes.filter((o) => !o.ok);
    expect(failures.slice(0, 5), `${failures.length} of ${stream.outcomes.length} requests failed`).toEqual([]);
    const perPhase = Object.fromEntries(['v1', 'v2 added', 'rotating', 'rotated', 'v1 removed'].map((p) => [p, stream.outcomes.filter((o) => o.phase === p).length]));
    // Every phase, the rotation's own run included, served requests of every kind.
    for (const phase of Object.keys(perPhase)) {
      const kinds = new Set(stream.outcomes.filter((o) => o.phase === phase).map((o) => o.path));
      expect([...kinds].sort(), `${phase}: ${JSON.stringify(perPhase)}`).toEqual([...STATUS_PATHS].sort());
    }
    console.log(`key rotation (${provider}): ${stream.outcomes.length} requests, 0 failed, per phase ${JSON.stringify(perPhase)}`);
  });
}
