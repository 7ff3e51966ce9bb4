// The app builds with `remix vite:build` (the run's one build, shared with the production suites); the built
// server (Remix's remix-serve, with tsx loading the workspaces' TypeScript) serves its pages, assets and API
// routes; and the production entry point (server/production-main.ts) on that build never loads the sandbox or
// the Amazon service's code, even with SANDBOX_URL set: sandbox mode is installed from outside (runtime hooks),
// never by the app.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createTestDatabase } from '@calibr/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../server/free-port';
import { buildApp, startProductionProcess } from './production/support/production-process';
import { BROWSER_UA } from './support/shopify-world';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
let server: ReturnType<typeof spawn> | undefined;

afterAll(() => {
  server?.kill('SIGTERM');
});

describe('production build', () => {
  it('builds, and the built server serves the app', async () => {
    // The run's one `remix vite:build` (shared with the production suites; it throws with the build's output
    // when the build fails), served from its copy as `./build`.
    const build = await buildApp();
    expect(existsSync(`${build.dir}/server/index.js`)).toBe(true);
    expect(existsSync(`${build.dir}/client/assets`)).toBe(true);

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // What `npm start -w @calibr/shopify-app` runs, started directly so the test can stop it by its pid.
    const remixServe = `${appRoot}../node_modules/@remix-run/serve/dist/cli.js`;
    server = spawn(process.execPath, ['--import', 'tsx', remixServe, './build/server/index.js'], {
      cwd: build.root,
      env: { ...process.env, PORT: String(port), SHOPIFY_API_KEY: 'build-test-key', SHOPIFY_API_SECRET: 'build-test-secret', SHOPIFY_APP_URL: url, SANDBOX_URL: '' },
      stdio: 'ignore',
    });
    let login: Response | undefined;
    for (let i = 0; i < 120 && !login; i++) {
      login = await fetch(`${url}/auth/login`, { headers: { 'user-agent': BROWSER_UA } }).catch(() => undefined);
      if (!login) await new Promise((r) => setTimeout(r, 500));
    }
    expect(login?.status).toBe(200);
    const html = await login!.text();
    const css = /href="(\/assets\/[^"]+\.css)"/.exec(html)?.[1];
    expect(css).toBeTruthy();
    expect((await fetch(`${url}${css}`)).status).toBe(200);
    const api = await fetch(`${url}/api/integrations/shopify/status`, { headers: { 'user-agent': BROWSER_UA } });
    expect(api.status).toBe(401);
  }, 360_000);

  it('the production entry point never loads @calibr/sandbox or @calibr/amazon-service, and with SANDBOX_URL set still lets only Shopify Admin frame it', async () => {
    const build = await buildApp();
    const database = await createTestDatabase();
    const logDir = mkdtempSync(join(tmpdir(), 'calibr-module-log-'));
    const log = join(logDir, 'modules.log');
    // scripts/module-log appends every module the process loads (ES modules and CommonJS) to CALIBR_MODULE_LOG.
    const app = await startProductionProcess(
      {
        CALIBR_MODULE_LOG: log,
        SANDBOX_URL: 'http://127.0.0.1:9',
        DATABASE_URL: database.url,
        SHOPIFY_API_KEY: 'build-test-key',
        SHOPIFY_API_SECRET: 'build-test-secret',
        ENCRYPTION_KEYS: `v1:${randomBytes(32).toString('base64')}`,
        PRICING_WORKER: 'off',
        PRICING_MONITOR: 'off',
        LOG_LEVEL: 'info',
        APP_BUILD_DIR: build.dir,
      },
      { imports: [pathToFileURL(join(repoRoot, 'scripts/module-log/register.mjs')).href] },
    );
    try {
      // A document (entry.server.tsx renders it and sets its CSP) and an API route: their modules load.
      const login = await fetch(`${app.url}/auth/login`, { headers: { 'user-agent': BROWSER_UA } });
      await login.text();
      expect(login.status).toBe(200);
      expect(login.headers.get('content-security-policy')).toBe('frame-ancestors https://admin.shopify.com;');
      const api = await fetch(`${app.url}/api/platforms/registry`, { headers: { 'user-agent': BROWSER_UA } });
      await api.text();
      expect(api.status).toBe(401);
      expect(await app.stop('SIGTERM')).toBe(0);
      const modules = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      const under = (dir: string) => modules.filter((m) => m.startsWith(pathToFileURL(join(repoRoot, dir)).href));
      // The log saw the whole graph: the entry, the build, the contract's runtime hooks, the database package.
      expect(modules).toContain(pathToFileURL(join(appRoot, 'server/production-main.ts')).href);
      expect(modules).toContain(pathToFileURL(join(build.dir, 'server/index.js')).href);
      expect(modules).toContain(pathToFileURL(join(repoRoot, 'shared-contracts/src/runtime-hooks/index.ts')).href);
      expect(under('prisma/src/').length).toBeGreaterThan(0);
      expect(under('sandbox/')).toEqual([]);
      expect(under('amazon-service/')).toEqual([]);
    } finally {
      await app.stop('SIGKILL');
      await database.cleanup().catch(() => undefined);
      rmSync(logDir, { recursive: true, force: true });
    }
  }, 180_000);
});
