// The sandbox process and its control API over HTTP: health, seed identities, the request log, fault
// injection (latency, 5xx, connection reset, throttling; per platform and host/path, with counts), reset,
// persistence to a state file across a restart, and Host routing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../src/index';
import { control, installToken, rawGraphql, SHOP, startTestContext, type TestContext } from './helpers';

let t: TestContext;
let token: string;

beforeAll(async () => {
  t = await startTestContext();
  token = await installToken(t.sandbox);
});
afterAll(() => t?.close());

describe('health and seed', () => {
  it('answers health when ready and lists the demo identities', async () => {
    const health = await control<{ ok: boolean; platforms: string[] }>(t.sandbox, 'GET', 'health');
    expect(health.body.ok).toBe(true);
    expect(health.body.platforms).toContain('shopify');
    const seed = await control<{ shopify: { shops: Array<{ shop: string; apiKey: string; apiSecret: string; currencyCode: string; adminShellUrl: string }> } }>(t.sandbox, 'GET', 'seed');
    const shops = seed.body.shopify.shops;
    expect(shops.map((s) => s.shop)).toEqual(['calibr-demo.myshopify.com', 'calibr-demo-eu.myshopify.com']);
    expect(new Set(shops.map((s) => s.currencyCode))).toEqual(new Set(['USD', 'EUR']));
    expect(shops[0]!.apiSecret).toMatch(/^shpss_/);
    expect(shops[0]!.adminShellUrl).toBe(`${t.sandbox.url}/store/calibr-demo/apps/calibrate`);
  });

  it('answers 404 in JSON for unknown routes, shops and hosts', async () => {
    expect((await control(t.sandbox, 'GET', 'nope')).status).toBe(404);
    const unknownShop = await fetch('https://no-such-shop.myshopify.com/admin/api/2025-01/graphql.json', { method: 'POST', body: '{}' });
    expect(unknownShop.status).toBe(404);
  });
});

describe('log', () => {
  it('records requests (secrets redacted) and webhook deliveries', async () => {
    const before = (await control<{ lastId: number }>(t.sandbox, 'GET', 'log?limit=1')).body.lastId;
    await rawGraphql(token, { query: '{ shop { name } }' });
    await fetch(`https://${SHOP}/admin/oauth/authorize?client_id=x&code=secret-code&redirect_uri=https://x.example`, { redirect: 'manual' });
    const log = await control<{ entries: Array<{ platform: string; kind: string; path: string; status: number; host: string }> }>(t.sandbox, 'GET', `log?since=${before}&platform=shopify`);
    const gql = log.body.entries.find((e) => e.path === '/admin/api/2025-01/graphql.json')!;
    expect(gql).toMatchObject({ kind: 'request', status: 200, host: SHOP });
    const auth = log.body.entries.find((e) => e.path.startsWith('/admin/oauth/authorize'))!;
    expect(auth.path).not.toContain('secret-code');
    expect(auth.path).toContain('code=%5Bredacted%5D');
  });
});

describe('faults', () => {
  it('injects a 5xx for a counted number of matching requests', async () => {
    const f = await control<{ id: string }>(t.sandbox, 'POST', 'faults', { platform: 'shopify', kind: 'status', status: 503, path: '/admin/api/*/graphql.json', count: 2 });
    expect(f.status).toBe(201);
    const r1 = await rawGraphql(token, { query: '{ shop { name } }' });
    const r2 = await rawGraphql(token, { query: '{ shop { name } }' });
    const r3 = await rawGraphql(token, { query: '{ shop { name } }' });
    expect([r1.status, r2.status, r3.status]).toEqual([503, 503, 200]);
    expect(r1.json).toEqual({ errors: 'Internal Server Error' });
    expect((await control<{ faults: unknown[] }>(t.sandbox, 'GET', 'faults')).body.faults).toEqual([]);
  });

  it('adds latency, and only where the host pattern matches', async () => {
    await control(t.sandbox, 'POST', 'faults', { kind: 'latency', latencyMs: 300, host: 'calibr-demo-eu.myshopify.com', count: 1 });
    let started = Date.now();
    await rawGraphql(token, { query: '{ shop { name } }' });
    expect(Date.now() - started).toBeLessThan(300);
    started = Date.now();
    await fetch('https://calibr-demo-eu.myshopify.com/admin/api/2025-01/graphql.json', { method: 'POST', body: '{}' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('resets the connection', async () => {
    const f = await control<{ id: string }>(t.sandbox, 'POST', 'faults', { platform: 'shopify', kind: 'reset' });
    await expect(rawGraphql(token, { query: '{ shop { name } }' })).rejects.toThrow(/fetch failed/);
    expect((await control(t.sandbox, 'DELETE', `faults/${f.body.id}`)).status).toBe(200);
    expect((await rawGraphql(token, { query: '{ shop { name } }' })).status).toBe(200);
  });
});

describe('reset', () => {
  it('forgets state and reseeds', async () => {
    await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/prices`, { sku: 'CAL-RIVE-COFF', price: '1.00' });
    await control(t.sandbox, 'POST', 'reset', { seed: 'demo' });
    const products = await control<{ products: Array<{ variants: Array<{ sku: string; price: string }> }> }>(t.sandbox, 'GET', `shopify/shops/${SHOP}/products`);
    const v = products.body.products.flatMap((p) => p.variants).find((x) => x.sku === 'CAL-RIVE-COFF')!;
    expect(v.price).toBe('79.00');
    // Tokens issued before the reset are gone.
    expect((await rawGraphql(token, { query: '{ shop { name } }' })).status).toBe(401);
    token = await installToken(t.sandbox);
  });
});

describe('persistence', () => {
  it('keeps state in a JSON file across a restart', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'calibr-sandbox-')), 'state.json');
    const first = await startSandbox({ port: 0, stateFile: file, shopifyAppToml: false });
    const edited = await fetch(`${first.url}/_sandbox/shopify/shops/${SHOP}/prices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'CAL-LUME-SOLA', price: '39.95' }),
    });
    expect(edited.status).toBe(200);
    await first.close();
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(saved.version).toBe(1);
    expect(JSON.stringify(saved)).not.toMatch(/shpat_[0-9a-f]{32}/);

    const second = await startSandbox({ port: 0, stateFile: file, shopifyAppToml: false });
    try {
      const products = (await (await fetch(`${second.url}/_sandbox/shopify/shops/${SHOP}/products`)).json()) as { products: Array<{ variants: Array<{ sku: string; price: string }> }> };
      expect(products.products.flatMap((p) => p.variants).find((v) => v.sku === 'CAL-LUME-SOLA')!.price).toBe('39.95');
    } finally {
      await second.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
