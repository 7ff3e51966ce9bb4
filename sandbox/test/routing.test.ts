// @calibr/sandbox/routing: Shopify's (and Amazon's) hosts go to the sandbox on loopback with their real
// Host header; every other host is left alone.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../src/index';
import { createSandboxDispatcher, createShopifySandboxDispatcher, installSandboxRouting, isSandboxHost, isShopifyHost, sandboxAppBridgeUrl, sandboxRuntimeHooks } from '../src/routing/index';

let sandbox: RunningSandbox;
let other: http.Server;
let otherUrl: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, shopifyAppToml: false });
  other = http.createServer((req, res) => res.end(`other server saw Host ${req.headers.host}`));
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await sandbox?.close();
  await new Promise((r) => other.close(r));
});

describe('routing', () => {
  it('knows Shopify and Amazon hosts', () => {
    expect(isShopifyHost('calibr-demo.myshopify.com')).toBe(true);
    expect(isShopifyHost('shopify-staged-uploads.storage.googleapis.com')).toBe(true);
    expect(isShopifyHost('myshopify.com.evil.example')).toBe(false);
    expect(isShopifyHost('admin.shopify.com')).toBe(false);
    expect(isSandboxHost('sellingpartnerapi-eu.amazon.com')).toBe(true);
    expect(isSandboxHost('api.amazon.com')).toBe(true);
    expect(isSandboxHost('example.com')).toBe(false);
  });

  it('sends https://{shop}.myshopify.com to the sandbox with the real Host header', async () => {
    const dispatcher = createShopifySandboxDispatcher(sandbox.url);
    const res = await fetch('https://calibr-demo.myshopify.com/admin/api/2025-01/graphql.json', { method: 'POST', body: '{}', dispatcher } as RequestInit);
    expect(res.status).toBe(401);
    const log = (await (await fetch(`${sandbox.url}/_sandbox/log?platform=shopify`)).json()) as { entries: Array<{ host: string; path: string }> };
    expect(log.entries.at(-1)).toMatchObject({ host: 'calibr-demo.myshopify.com', path: '/admin/api/2025-01/graphql.json' });
  });

  it('leaves other hosts alone', async () => {
    const dispatcher = createSandboxDispatcher(sandbox.url);
    const res = await fetch(`${otherUrl}/x`, { dispatcher } as RequestInit);
    expect(await res.text()).toBe(`other server saw Host ${new URL(otherUrl).host}`);
    // An unknown public host is dialled for real (and fails here, offline) instead of reaching the sandbox.
    await expect(fetch('https://calibr-routing-test.invalid/', { dispatcher } as RequestInit)).rejects.toThrow();
  });

  it('routes Amazon hosts too', async () => {
    const res = await fetch('https://sellingpartnerapi-na.amazon.com/sellers/v1/marketplaceParticipations', { dispatcher: createSandboxDispatcher(sandbox.url) } as RequestInit);
    expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
  });

  it('sends a browser bound for Shopify Admin to the Admin shell, at the same paths', async () => {
    const hooks = sandboxRuntimeHooks(sandbox.url);
    const admin = hooks.browserBaseUrl!('admin.shopify.com');
    expect(admin).toBe(new URL(sandbox.url).origin);
    // Admin's address for an app's page is the shell's: /store/{store}/apps/{handle}/…
    const shell = await fetch(`${admin}/store/calibr-demo/apps/calibrate/app/integrations`);
    expect(shell.status).toBe(200);
    expect(await shell.text()).toMatch(/id="app-frame"|Calibrate has no app URL yet/); // the shell, for this app
    expect((await fetch(`${admin}/store/calibr-demo/apps/no-such-app/app/integrations`)).status).not.toBe(200);
    expect(hooks.browserBaseUrl!('calibr-demo.myshopify.com')).toBe(`${new URL(sandbox.url).origin}/_shop/calibr-demo.myshopify.com`);
  });

  it('installs globally only in sandbox mode', () => {
    expect(installSandboxRouting(undefined)).toBe(false);
    expect(sandboxAppBridgeUrl(sandbox.url)).toBe(`${sandbox.url}/cdn/shopifycloud/app-bridge.js`);
  });
});
