// The app builds with `remix vite:build`, and the built server (Remix's remix-serve, with tsx loading the
// workspaces' TypeScript) serves its pages, assets and API routes.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../server/free-port';
import { buildApp } from './production/support/production-process';
import { BROWSER_UA } from './support/shopify-world';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
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
});
