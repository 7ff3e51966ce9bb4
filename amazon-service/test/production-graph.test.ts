// The service as production starts it (src/main.ts, nothing installed) never loads @calibr/sandbox, even with
// SANDBOX_URL set: sandbox mode comes only from outside, through the runtime hooks (`--import
// @calibr/sandbox/install`, as `npm run start -w @calibr/amazon-service` does). Every module each process loads
// is logged by scripts/module-log; the same entry started with the sandbox's hook shows the log would see it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const moduleLog = pathToFileURL(join(repoRoot, 'scripts/module-log/register.mjs')).href;
const sandboxDir = pathToFileURL(join(repoRoot, 'sandbox/')).href;
const SECRET = 'production-graph-shared-secret-0123456789abcdef';

let database: TestDatabase;
let logDir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  logDir = mkdtempSync(join(tmpdir(), 'calibr-module-log-'));
});
afterAll(async () => {
  await database?.cleanup();
  rmSync(logDir, { recursive: true, force: true });
});

/** Starts src/main.ts with `imports` before it, asks /health, stops it; returns what it loaded and answered. */
async function run(name: string, imports: string[]): Promise<{ modules: string[]; health: { routed?: boolean } }> {
  const log = join(logDir, `${name}.log`);
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', moduleLog, ...imports.flatMap((i) => ['--import', i]), 'amazon-service/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      CALIBR_MODULE_LOG: log,
      SANDBOX_URL: 'http://127.0.0.1:9',
      DATABASE_URL: database.url,
      SERVICE_SHARED_SECRET: SECRET,
      AMAZON_SERVICE_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let output = '';
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: not ready in 90 s:\n${output.slice(-3000)}`)), 90_000);
      child.stdout!.on('data', (c: Buffer) => {
        output += c.toString();
        const ready = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"amazon service ready"/.exec(output);
        if (ready) {
          clearTimeout(timer);
          resolve(ready[1]!);
        }
      });
      void exited.then((code) => reject(new Error(`${name}: exited (${String(code)}) before it was ready:\n${output.slice(-3000)}`)));
    });
    const health = (await (await fetch(`${url}/health`)).json()) as { routed?: boolean };
    return { modules: readFileSync(log, 'utf8').split('\n').filter(Boolean), health };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

describe('the Amazon service in production', () => {
  it('never loads @calibr/sandbox, and calls the real hosts, with SANDBOX_URL set and nothing installed', async () => {
    const { modules, health } = await run('production', []);
    // The log saw the service's own graph: its entry, its server, the contract's runtime hooks, the database.
    expect(modules).toContain(pathToFileURL(join(repoRoot, 'amazon-service/src/main.ts')).href);
    expect(modules).toContain(pathToFileURL(join(repoRoot, 'amazon-service/src/server.ts')).href);
    expect(modules).toContain(pathToFileURL(join(repoRoot, 'shared-contracts/src/runtime-hooks/index.ts')).href);
    expect(modules.some((m) => m.startsWith(pathToFileURL(join(repoRoot, 'prisma/src/')).href))).toBe(true);
    expect(modules.filter((m) => m.startsWith(sandboxDir))).toEqual([]);
    expect(health.routed).toBe(false);
  }, 120_000);

  it("routes to the sandbox when started with the sandbox's hook (and the log shows it loaded)", async () => {
    const { modules, health } = await run('sandbox-mode', ['@calibr/sandbox/install']);
    expect(modules).toContain(pathToFileURL(join(repoRoot, 'sandbox/src/routing/install.ts')).href);
    expect(health.routed).toBe(true);
  }, 120_000);
});
