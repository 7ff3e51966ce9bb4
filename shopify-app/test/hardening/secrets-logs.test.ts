// No secret in any log line, even at LOG_LEVEL=debug (issue 9, secrets). The rest of the test run logs at
// the levels its tests choose (mostly silent), so this test turns everything up: the Shopify app and the
// Amazon service run as processes of their own at debug level, the secret audit's capture tap preloaded
// into them (scripts/secret-audit/capture.mjs) and their output kept in a scratch audit directory, not
// printed. They are driven through what handles secrets: Shopify token exchange and the authorization-code
// install (code, hmac, state in the callback URL), Amazon self-authorization with a wrong and a right
// refresh token, a sync, and hostile requests that put real tokens where request logging looks (the
// Authorization and X-Shopify-Access-Token headers, x-amz-access-token, code/state query parameters). The
// audit's checker then searches every line and every response for every secret the sandbox issued and the
// processes keyed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@calibr/db';
import { startSandbox, type RunningSandbox } from '@calibr/sandbox';
import { createSandboxFetch } from '@calibr/sandbox/routing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkAuditDir, formatAuditResult, readRecordedSecrets } from '../../../scripts/secret-audit/check';
import { startAppProcess, type AppProcess } from '../pricing/support/app-process';
import { BROWSER_UA, DEMO_SELLER, sandboxControl, US, waitFor } from '../platforms/support/harness';
import { fetchWithSessionToken } from '../support/app-http';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const captureModule = fileURLToPath(new URL('../../../scripts/secret-audit/capture.mjs', import.meta.url));
const API_KEY = '7a1b2c3d4e5f60718293a4b5c6d7e8f9';
const API_SECRET = 'shpss_secrets_logs_suite_0123456789abcdef';
const SHARED_SECRET = 'secrets-logs-suite-shared-secret-0123456789';
const EMBEDDED = 'calibr-demo.myshopify.com';
const CODE_FLOW = 'calibr-demo-eu.myshopify.com';

let auditDir: string;
let database: TestDatabase;
let sandbox: RunningSandbox;
let amazon: { url: string; child: ChildProcess; exited: Promise<unknown> };
let app: AppProcess;
const savedAuditDir = process.env.CALIBR_SECRET_AUDIT_DIR;

/** The Amazon service's own entry point (`npm start -w @calibr/amazon-service`), as a process. */
async function startAmazonProcess(env: Record<string, string>): Promise<typeof amazon> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', '@calibr/sandbox/install', 'amazon-service/src/main.ts'], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Amazon service did not start:\n${output.slice(-3000)}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"amazon service ready"/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`the Amazon service exited (${String(code)}):\n${output.slice(-3000)}`)));
  });
  return { url, child, exited };
}

beforeAll(async () => {
  auditDir = mkdtempSync(join(tmpdir(), 'calibr-secrets-logs-'));
  // The in-process sandbox records what it issues in this test's audit directory too.
  process.env.CALIBR_SECRET_AUDIT_DIR = auditDir;
  database = await createTestDatabase();
  sandbox = await startSandbox({ port: 0, appConfig: { apiKey: API_KEY, apiSecret: API_SECRET }, amazon: { feedQueueSeconds: 0.3, feedProcessingSeconds: 0.5 } });
  const seed = await sandboxControl<{ amazon: { apps: Array<{ applicationId: string; clientId: string; clientSecret: string }> } }>(sandbox, 'seed');
  const lwaApp = seed.amazon.apps[0]!;
  const audited = { LOG_LEVEL: 'debug', CALIBR_SECRET_AUDIT_DIR: auditDir, NODE_OPTIONS: `--import=${pathToFileURL(captureModule).href}` };
  amazon = await startAmazonProcess({
    ...audited,
    AMAZON_SERVICE_PORT: '0',
    DATABASE_URL: database.url,
    SERVICE_SHARED_SECRET: SHARED_SECRET,
    SANDBOX_URL: sandbox.url,
    AMAZON_LWA_CLIENT_ID: lwaApp.clientId,
    AMAZON_LWA_CLIENT_SECRET: lwaApp.clientSecret,
    AMAZON_SP_APP_ID: lwaApp.applicationId,
    AMAZON_SP_APP_DRAFT: 'true',
  });
  app = await startAppProcess({
    ...audited,
    DATABASE_URL: database.url,
    SANDBOX_URL: sandbox.url,
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    AMAZON_SERVICE_URL: amazon.url,
    SERVICE_SHARED_SECRET: SHARED_SECRET,
    CALIBR_TEST_PLATFORMS: '',
    PRICING_MONITOR: 'off',
  });
  await sandboxControl(sandbox, 'shopify/apps', { apiKey: API_KEY, apiSecret: API_SECRET, applicationUrl: app.url, redirectUrls: [`${app.url}/auth/callback`] });
  await sandboxControl(sandbox, `shopify/shops/${EMBEDDED}/install`, { apiKey: API_KEY, token: false });
});

afterAll(async () => {
  await app?.kill('SIGTERM');
  amazon?.child.kill('SIGTERM');
  await amazon?.exited;
  await sandbox?.close();
  await database?.cleanup();
  if (savedAuditDir === undefined) delete process.env.CALIBR_SECRET_AUDIT_DIR;
  else process.env.CALIBR_SECRET_AUDIT_DIR = savedAuditDir;
  rmSync(auditDir, { recursive: true, force: true });
});

async function api(path: string, init: RequestInit & { json?: unknown; shop?: string } = {}): Promise<Response> {
  const { shop = EMBEDDED, ...rest } = init;
  const { token } = await sandboxControl<{ token: string }>(sandbox, `shopify/shops/${shop}/session-token`, { apiKey: API_KEY, lifetimeSeconds: 600 });
  return fetchWithSessionToken(`${app.url}${path}`, token, rest);
}

it('the app and the Amazon service log at debug level through installs, authorizations, syncs and hostile requests without one secret', async () => {
  // Shopify: token exchange on the first embedded request (an offline token is issued and stored).
  const first = await api('/api/platforms');
  expect(first.status, await first.clone().text()).toBe(200);

  // Shopify: the authorization-code install from outside Admin; the callback carries code, hmac and state.
  const login = await fetch(`${app.url}/auth/login?shop=${CODE_FLOW}`, { redirect: 'manual', headers: { 'user-agent': BROWSER_UA } });
  const begin = await fetch(new URL(login.headers.get('location')!, app.url), { redirect: 'manual', headers: { 'user-agent': BROWSER_UA } });
  const cookie = begin.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  // The merchant approves on the shop's admin, which the sandbox plays (reached as Shopify's host).
  const approved = await createSandboxFetch(sandbox.url)(new URL(begin.headers.get('location')!), { redirect: 'manual' });
  expect(approved.status, await approved.clone().text()).toBe(302);
  const callback = new URL(approved.headers.get('location')!);
  expect(callback.searchParams.get('code')).toBeTruthy();
  const installed = await fetch(new URL(`${callback.pathname}${callback.search}`, app.url), { redirect: 'manual', headers: { cookie, 'user-agent': BROWSER_UA } });
  expect(installed.status).toBeLessThan(400);

  // Amazon: self-authorization, a revoked-looking refresh token first (amazon-sp-api's error path), then the right one.
  const sellers = await sandboxControl<{ amazon: { sellers: Array<{ sellerId: string; lwa: { clientId: string; clientSecret: string; refreshToken: string } }> } }>(sandbox, 'seed');
  const seller = sellers.amazon.sellers.find((s) => s.sellerId === DEMO_SELLER)!;
  const credentials = { platform: 'amazon', sellingPartnerId: seller.sellerId, region: 'na', marketplaceIds: [US], lwaClientId: seller.lwa.clientId, lwaClientSecret: seller.lwa.clientSecret };
  const wrong = await api('/api/platforms/amazon/connect', { json: { credentials: { ...credentials, refreshToken: `${seller.lwa.refreshToken.slice(0, -4)}XXXX` } } });
  expect(wrong.status).toBe(400);
  const connected = await api('/api/platforms/amazon/connect', { json: { credentials: { ...credentials, refreshToken: seller.lwa.refreshToken } } });
  expect(connected.status, await connected.clone().text()).toBe(200);
  for (const platform of ['shopify', 'amazon']) {
    const started = await api(`/api/platforms/${platform}/sync`, { json: { mode: 'full' } });
    expect(started.status).toBeLessThan(300);
    const { syncId } = (await started.json()) as { syncId: string };
    await waitFor(`${platform} sync`, async () => ((await (await api(`/api/platforms/${platform}/sync?id=${syncId}`)).json()) as { status: string }).status !== 'started', 90_000);
  }

  // Hostile: real tokens where request logging looks.
  const offline = readRecordedSecrets(auditDir).find((s) => s.kind === 'sandbox Shopify offline access token')!.value;
  const asBearer = await fetch(`${app.url}/api/platforms`, { headers: { authorization: `Bearer ${offline}`, 'x-shopify-access-token': offline, 'user-agent': BROWSER_UA } });
  expect(asBearer.status).toBe(401);
  const inQuery = await fetch(`${app.url}/auth/callback?code=${encodeURIComponent(seller.lwa.refreshToken)}&state=${offline}&shop=${EMBEDDED}&hmac=00`, { redirect: 'manual', headers: { 'user-agent': BROWSER_UA } });
  expect(inQuery.status).toBeGreaterThanOrEqual(300);
  const consent = await fetch(`${amazon.url}/api/integrations/amazon/auth/callback?spapi_oauth_code=${encodeURIComponent(seller.lwa.refreshToken)}&state=${offline}&selling_partner_id=${DEMO_SELLER}`, {
    headers: { 'x-amz-access-token': offline, authorization: `Bearer ${seller.lwa.refreshToken}` },
  });
  expect(consent.status).toBeGreaterThanOrEqual(400);

  // Both processes shut down (their last lines written), then the audit.
  await app.kill('SIGTERM');
  amazon.child.kill('SIGTERM');
  await amazon.exited;

  const secrets = readRecordedSecrets(auditDir);
  const kinds = new Set(secrets.map((s) => s.kind));
  for (const kind of ['sandbox Shopify session token', 'sandbox Shopify offline access token', 'sandbox Shopify authorization code', 'sandbox LWA refresh token', 'sandbox LWA access token', 'sandbox LWA client secret', 'HMAC key']) {
    expect(kinds, kind).toContain(kind);
  }
  expect(secrets.map((s) => s.value)).toEqual(expect.arrayContaining([API_SECRET, SHARED_SECRET]));
  // The audit: not one secret in any line or response of either process.
  const result = await checkAuditDir(auditDir);
  expect(result.findings, formatAuditResult(auditDir, result)).toEqual([]);
  console.log(formatAuditResult(auditDir, result).trim());

  // The processes really logged: Shopify's library at debug level (it prints the session token it checks,
  // masked), the Amazon service's request lines with the hostile query and headers masked.
  const out = join(auditDir, 'out');
  const logged = readdirSync(out).filter((f) => /\.std(out|err)\.log$/.test(f)).map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
  expect(logged).toMatch(/"level":"debug"[^\n]*"source":"shopify-library"[^\n]*Attempting to authenticate session token[^\n]*\[redacted\]/);
  expect(logged).toMatch(/"service":"amazon-service"[^\n]*spapi_oauth_code=\[redacted\]&state=\[redacted\][^\n]*"x-amz-access-token":"\[redacted\]"/);
});
