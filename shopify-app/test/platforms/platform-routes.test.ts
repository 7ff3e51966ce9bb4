// The generic platform routes over real HTTP: the Remix app (Vite, port 0) with the sandbox playing
// Shopify and Amazon and the Amazon service running for real. Shopify (in process), Amazon (remote, over
// signed HTTP) and the conformance kit's reference connector (a test platform) are listed, connected,
// synced and logged through /api/platforms; an Amazon service that is down or hangs marks only Amazon;
// another shop's session token sees nothing of the first shop's; an unknown platform is a 404 problem.
// On PostgreSQL when TEST_DATABASE_URL is set (as in CI), else on SQLite (the browser test always is).
import { createServer, type Server, type Socket } from 'node:net';
import { hasTestPostgres } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SELLER, OTHER_SHOP, SHOP, demoSellerCredentials, readJson, sandboxControl, startPlatformsWorld, waitFor, type PlatformsWorld } from './support/harness';

interface PlatformView {
  platform: string;
  displayName: string;
  remote: boolean;
  testPlatform: boolean;
  capabilities: Record<string, unknown>;
  connection: { status: string; accountId: string | null; method: string; canConnect: boolean; canDisconnect: boolean; hasSettingsPage: boolean; fields: Array<{ name: string }> };
  health: { status: string; reachable: boolean | null; message?: string };
  sync: { status: string; lastSyncAt: string | null; lastRun: SyncRun | null };
  listings: { total: number; active: number; linked: number };
}
interface SyncRun {
  id: string;
  platform: string;
  type: string;
  status: string;
  startedAt: string;
  completedAt: string | null;
  itemsSynced: number;
  itemsFailed: number;
  errors: unknown[];
}
interface LinkView {
  id: string;
  sku: string;
  source: string;
  platforms: string[];
  listings: Array<{ id: string; platform: string; sku: string | null; price: { amount: string; currency: string } | null }>;
}

// Short enough to keep the hung-service test quick, long enough for a busy machine's healthy answers.
const HEALTH_TIMEOUT_MS = 4000;
let w: PlatformsWorld;

beforeAll(async () => {
  w = await startPlatformsWorld({ healthTimeoutMs: HEALTH_TIMEOUT_MS, provider: hasTestPostgres() ? 'postgresql' : 'sqlite' });
  console.log(`platform routes on ${w.database.provider}`);
});
afterAll(async () => w?.close());

async function platforms(shop = SHOP): Promise<Map<string, PlatformView>> {
  const res = await w.api('/api/platforms', { shop });
  expect(res.status).toBe(200);
  const body = await readJson<{ shop: string; platforms: PlatformView[] }>(res);
  expect(body.shop).toBe(shop);
  return new Map(body.platforms.map((p) => [p.platform, p]));
}

async function syncAndWait(platform: string, shop = SHOP): Promise<SyncRun> {
  const started = await w.api(`/api/platforms/${platform}/sync`, { shop, json: { mode: 'full' } });
  const body = await readJson<{ syncId: string; alreadyRunning: boolean }>(started);
  expect(started.status, JSON.stringify(body)).toBe(202);
  return waitFor(`${platform} sync`, async () => {
    const run = await readJson<SyncRun>(await w.api(`/api/platforms/${platform}/sync?id=${body.syncId}`, { shop }));
    return run.status === 'started' ? undefined : run;
  });
}

describe('the registry federates every platform', () => {
  it('lists Shopify (in process), Amazon (remote) and the reference test platform with capabilities and status', async () => {
    const list = await platforms();
    expect([...list.keys()]).toEqual(['shopify', 'amazon', 'reference']);
    const shopify = list.get('shopify')!;
    expect(shopify).toMatchObject({ remote: false, connection: { status: 'connected', accountId: SHOP, method: 'app_install', canDisconnect: false } });
    expect(shopify.health).toMatchObject({ status: 'healthy', reachable: true });
    expect(shopify.capabilities).toMatchObject({ priceUpdateMode: 'synchronous', webhooks: true });
    const amazon = list.get('amazon')!;
    expect(amazon).toMatchObject({ remote: true, connection: { status: 'not_connected', method: 'settings_page', hasSettingsPage: true, canConnect: true } });
    // Not connected yet, but its service answered.
    expect(amazon.health).toMatchObject({ status: 'unknown', reachable: true });
    const reference = list.get('reference')!;
    expect(reference).toMatchObject({ testPlatform: true, connection: { status: 'not_connected', method: 'credentials' } });
    expect(reference.connection.fields.map((f) => f.name)).toEqual(['accountId', 'apiKey']);
  });

  it('the registry endpoint names each connector, its version and what a remote service really serves', async () => {
    const res = await w.api('/api/platforms/registry');
    expect(res.status).toBe(200);
    const { connectors } = await readJson<{ connectors: Array<Record<string, unknown> & { service: null | Record<string, unknown> }> }>(res);
    const byId = new Map(connectors.map((c) => [c.platform, c]));
    expect(byId.get('shopify')).toMatchObject({ remote: false, version: '1.0.0', service: null });
    expect(byId.get('reference')).toMatchObject({ testPlatform: true, version: '1.0.0' });
    expect(byId.get('amazon')).toMatchObject({ remote: true, service: { reachable: true, matchesExpected: true, info: { platform: 'amazon', name: 'Amazon' } } });
    expect(byId.get('amazon')?.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('refuses a request without a session token, and answers an unknown platform with a 404 problem', async () => {
    const anonymous = await fetch(`${w.app.url}/api/platforms`, { headers: { 'user-agent': 'Mozilla/5.0 Chrome/124.0' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');

    for (const path of ['/api/platforms/ebay', '/api/platforms/ebay/status', '/api/platforms/EBAY!/sync']) {
      const res = await w.api(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = await readJson<{ type: string; status: number; resource: string }>(res);
      expect(problem).toMatchObject({ type: 'urn:calibr:problem:not-found', status: 404, resource: 'platform' });
    }
    const connectUnknown = await w.api('/api/platforms/ebay/connect', { json: {} });
    expect(connectUnknown.status).toBe(404);
    const wrongMethod = await w.api('/api/platforms', { method: 'POST' });
    expect(wrongMethod.status).toBe(405);
    // Shopify is connected by installing the app: it can't be disconnected from here.
    const disconnectShopify = await w.api('/api/platforms/shopify/disconnect', { json: {} });
    expect(disconnectShopify.status).toBe(409);
  });
});

describe('connect, sync and log each platform', () => {
  it('Amazon: the connect route hands out the signed settings link the Amazon service accepts', async () => {
    const res = await w.api('/api/platforms/amazon/connect', { json: {} });
    expect(res.status).toBe(200);
    const body = await readJson<{ outcome: string; settingsLink: { url: string; expiresAt: string } }>(res);
    expect(body.outcome).toBe('settings_page');
    const url = new URL(body.settingsLink.url);
    expect(url.origin).toBe(w.amazon.url);
    expect(url.searchParams.get('shop')).toBe(SHOP);
    expect(Date.parse(body.settingsLink.expiresAt)).toBeGreaterThan(Date.now());
    const opened = await fetch(url, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    expect(opened.headers.get('set-cookie')).toContain('calibr_amazon_settings=');
    // The same link with its signature bent is refused by the service.
    url.searchParams.set('shop', OTHER_SHOP);
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(403);
  });

  it('Amazon: connects by self-authorization through the remote connector; bad credentials are a 400', async () => {
    const credentials = demoSellerCredentials(w);
    const bad = await w.api('/api/platforms/amazon/connect', { json: { credentials: { ...credentials, refreshToken: 'Atzr|not-a-token' } } });
    expect(bad.status).toBe(400);
    const res = await w.api('/api/platforms/amazon/connect', { json: { credentials } });
    const body = await readJson<{ outcome: string; platform: PlatformView }>(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ outcome: 'connected', platform: { connection: { status: 'connected', accountId: DEMO_SELLER } } });
    expect(JSON.stringify(body)).not.toContain(credentials.refreshToken);
    const status = await readJson<{ connection: { status: string }; health: { status: string } }>(await w.api('/api/platforms/amazon/status'));
    expect(status).toMatchObject({ connection: { status: 'connected' }, health: { status: 'healthy' } });
  });

  it('the reference test platform connects with its credentials form; wrong ones are refused', async () => {
    const wrong = await w.api('/api/platforms/reference/connect', { json: { fields: { accountId: 'ref-account', apiKey: 'wrong' } } });
    expect(wrong.status).toBe(400);
    const missing = await w.api('/api/platforms/reference/connect', { json: { fields: { accountId: 'ref-account' } } });
    expect(missing.status).toBe(400);
    expect(await readJson<{ errors: Array<{ path: string }> }>(missing)).toMatchObject({ errors: [{ path: 'fields.apiKey' }] });
    const res = await w.api('/api/platforms/reference/connect', { json: { fields: { accountId: 'ref-account', apiKey: 'reference-api-key' } } });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ outcome: 'connected', platform: { connection: { status: 'connected', accountId: 'ref-account' } } });
    // Stored encrypted, never in plaintext.
    const row = await w.database.db.platformIntegration.findFirstOrThrow({ where: { platform: 'reference', project: { shopDomain: SHOP } } });
    expect(row.credentialsCiphertext).toMatch(/^enc:v\d+:/);
    expect(row.credentialsCiphertext).not.toContain('reference-api-key');
  });

  it('syncs all three through the same route, each run logged with type, start, end, items and errors', async () => {
    const [shopify, amazon, reference] = await Promise.all([syncAndWait('shopify'), syncAndWait('amazon'), syncAndWait('reference')]);
    for (const [run, platform] of [[shopify, 'shopify'], [amazon, 'amazon'], [reference, 'reference']] as const) {
      expect(run, platform).toMatchObject({ platform, type: 'manual', status: 'completed', itemsFailed: 0, errors: [] });
      expect(run.itemsSynced, platform).toBeGreaterThan(0);
      expect(Date.parse(run.completedAt!)).toBeGreaterThanOrEqual(Date.parse(run.startedAt));
    }
    // Items are what each connector counts: the reference connector its three products, the Amazon
    // connector each SKU it stored.
    expect(reference.itemsSynced).toBe(3);
    expect(await w.database.db.listing.count({ where: { platform: 'reference', project: { shopDomain: SHOP } } })).toBe(5);
    const amazonListings = await w.database.db.listing.count({ where: { platform: 'amazon', project: { shopDomain: SHOP } } });
    expect(amazon.itemsSynced).toBe(amazonListings);

    const list = await platforms();
    for (const id of ['shopify', 'amazon', 'reference']) {
      const p = list.get(id)!;
      expect(p.sync.status, id).toBe('success');
      expect(p.sync.lastSyncAt, id).not.toBeNull();
      expect(p.sync.lastRun?.status, id).toBe('completed');
      expect(p.listings.total, id).toBeGreaterThan(0);
    }

    // An incremental run is logged as such; the history lists runs newest first.
    const incremental = await w.api('/api/platforms/reference/sync', { json: { mode: 'incremental' } });
    const { syncId } = await readJson<{ syncId: string }>(incremental);
    await waitFor('incremental sync', async () => (await readJson<SyncRun>(await w.api(`/api/platforms/reference/sync?id=${syncId}`))).status !== 'started');
    const history = await readJson<{ runs: SyncRun[] }>(await w.api('/api/platforms/reference/sync'));
    expect(history.runs.map((r) => r.type)).toEqual(['incremental', 'manual']);
    expect(history.runs.every((r) => r.platform === 'reference')).toBe(true);
  });

  it('links the same product across platforms by SKU, with each platform’s current price side by side', async () => {
    const res = await w.api('/api/product-links?page=1');
    expect(res.status).toBe(200);
    const page = await readJson<{ links: LinkView[]; total: number }>(res);
    expect(page.total).toBeGreaterThan(10);
    for (const link of page.links) {
      expect(link.source).toBe('auto');
      expect(link.platforms).toEqual(['amazon', 'shopify']);
      for (const listing of link.listings) {
        expect(listing.sku?.toUpperCase()).toBe(link.sku);
        expect(listing.price).toMatchObject({ amount: expect.stringMatching(/^\d+\.\d{2}$/), currency: 'USD' });
      }
    }
    // A SKU sold only on Shopify is linked to nothing.
    const shopifyOnly = await w.database.db.listing.findFirstOrThrow({ where: { platform: 'shopify', sku: 'CAL-SUMM-INSU-SAND', project: { shopDomain: SHOP } } });
    expect(shopifyOnly.productLinkId).toBeNull();
  });

  it('links SKUs that differ only in case, width or spacing', async () => {
    // The merchant adds, in Shopify Admin, the beanie colour until now sold on Amazon only, typing its SKU loosely.
    await sandboxControl(w.sandbox, `shopify/shops/${SHOP}/products`, {
      products: [{ title: 'Pinecrest Wool Beanie Ochre', variants: [{ sku: ' cal-pine-wool-ｏｃｈｒｅ ', price: '29.00' }] }],
    });
    const run = await syncAndWait('shopify');
    expect(run.status).toBe('completed');
    const page = await readJson<{ links: LinkView[] }>(await w.api('/api/product-links?page=1'));
    const all = [...page.links];
    for (let n = 2; all.every((l) => l.sku !== 'CAL-PINE-WOOL-OCHRE') && n <= 5; n++) {
      all.push(...(await readJson<{ links: LinkView[] }>(await w.api(`/api/product-links?page=${n}`))).links);
    }
    const ochre = all.find((l) => l.sku === 'CAL-PINE-WOOL-OCHRE');
    expect(ochre?.platforms).toEqual(['amazon', 'shopify']);
    expect(ochre?.listings.map((l) => l.sku).sort()).toEqual([' cal-pine-wool-ｏｃｈｒｅ ', 'CAL-PINE-WOOL-OCHRE']);
  });

  it('links listings with different SKUs by hand, and unlinks them for good', async () => {
    const unlinked = await readJson<{ listings: Array<{ id: string; platform: string; sku: string }> }>(await w.api('/api/product-links?unlinked=1&q=CAL-'));
    const shopifyOnly = unlinked.listings.find((l) => l.platform === 'shopify' && l.sku === 'CAL-SUMM-INSU-SAND')!;
    const amazonOnly = unlinked.listings.find((l) => l.platform === 'amazon' && l.sku === 'CAL-TRAI-RUNN-12')!;
    expect(shopifyOnly && amazonOnly).toBeTruthy();
    const created = await w.api('/api/product-links', { json: { listingIds: [shopifyOnly.id, amazonOnly.id] } });
    expect(created.status).toBe(201);
    const link = await readJson<LinkView>(created);
    expect(link).toMatchObject({ source: 'manual', sku: 'CAL-SUMM-INSU-SAND', platforms: ['amazon', 'shopify'] });
    expect(link.listings.map((l) => l.sku).sort()).toEqual(['CAL-SUMM-INSU-SAND', 'CAL-TRAI-RUNN-12']);

    // Auto-linking (run on every read) leaves a manual link alone.
    const again = await readJson<LinkView>(await w.api(`/api/product-links/${link.id}`));
    expect(again.listings).toHaveLength(2);

    // A listing from another link can't be removed from this one; unlinking takes both apart for good.
    expect((await w.api(`/api/product-links/${link.id}`, { method: 'PATCH', json: { remove: ['not-a-member'] } })).status).toBe(409);
    expect((await w.api(`/api/product-links/${link.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await w.api(`/api/product-links/${link.id}`)).status).toBe(404);
    await w.api('/api/product-links');
    const after = await w.database.db.listing.findMany({ where: { id: { in: [shopifyOnly.id, amazonOnly.id] } } });
    expect(after.map((l) => [l.productLinkId, l.linkSource])).toEqual([
      [null, 'unlinked'],
      [null, 'unlinked'],
    ]);

    // Fewer than two listings is a bad request.
    expect((await w.api('/api/product-links', { json: { listingIds: [shopifyOnly.id] } })).status).toBe(400);
  });
});

describe('one shop never sees another', () => {
  it('another shop’s session token sees none of the first shop’s connections, runs, links or listings', async () => {
    const mine = await readJson<{ links: LinkView[] }>(await w.api('/api/product-links'));
    const someLink = mine.links[0]!;
    const myRun = (await readJson<{ runs: SyncRun[] }>(await w.api('/api/platforms/amazon/sync'))).runs[0]!;

    const theirs = await platforms(OTHER_SHOP);
    expect(theirs.get('amazon')?.connection.status).toBe('not_connected');
    expect(theirs.get('reference')?.connection.status).toBe('not_connected');
    expect(theirs.get('shopify')?.connection.accountId).toBe(OTHER_SHOP);
    for (const p of theirs.values()) {
      expect(p.sync.lastRun, p.platform).toBeNull();
      expect(p.listings.total, p.platform).toBe(0);
    }
    expect((await readJson<{ runs: SyncRun[] }>(await w.api('/api/platforms/amazon/sync', { shop: OTHER_SHOP }))).runs).toEqual([]);
    expect((await w.api(`/api/platforms/amazon/sync?id=${myRun.id}`, { shop: OTHER_SHOP })).status).toBe(404);
    expect(await readJson(await w.api('/api/product-links', { shop: OTHER_SHOP }))).toMatchObject({ links: [], total: 0 });
    expect((await readJson<{ listings: unknown[] }>(await w.api('/api/product-links?unlinked=1', { shop: OTHER_SHOP }))).listings).toEqual([]);
    expect((await w.api(`/api/product-links/${someLink.id}`, { shop: OTHER_SHOP })).status).toBe(404);
    expect((await w.api(`/api/product-links/${someLink.id}`, { shop: OTHER_SHOP, method: 'DELETE' })).status).toBe(404);
    expect((await w.api('/api/product-links', { shop: OTHER_SHOP, json: { listingIds: someLink.listings.map((l) => l.id) } })).status).toBe(404);
    // Syncing a platform the other shop never connected is refused, not run on the first shop's account.
    expect((await w.api('/api/platforms/amazon/sync', { shop: OTHER_SHOP, json: {} })).status).toBe(409);
    // …and the first shop's link is untouched.
    expect((await w.api(`/api/product-links/${someLink.id}`)).status).toBe(200);
  });
});

describe('a platform that is down marks only its own card', () => {
  it('the Amazon service stopped: Amazon unavailable, Shopify and the reference platform healthy', async () => {
    await w.stopAmazon();
    try {
      const list = await platforms();
      expect(list.get('amazon')?.health).toMatchObject({ status: 'unavailable', reachable: false });
      expect(list.get('amazon')?.health.message).toMatch(/unreachable|Amazon/i);
      // The connection isn't declared lost because its service is down.
      expect(list.get('amazon')?.connection.status).toBe('connected');
      expect(list.get('shopify')?.health.status).toBe('healthy');
      expect(list.get('reference')?.health.status).toBe('healthy');
      // A sync of Amazon fails and says why; the run is logged as failed.
      const run = await syncAndWait('amazon');
      expect(run.status).toBe('failed');
      expect(JSON.stringify(run.errors)).toMatch(/unreachable/i);
    } finally {
      await w.restartAmazon();
    }
  });

  it('an Amazon service that accepts but never answers: the list still answers within the health deadline', async () => {
    const port = Number(new URL(w.amazon.url).port);
    await w.stopAmazon();
    const sockets = new Set<Socket>();
    const blackHole: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blackHole.listen(port, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const list = await platforms();
      const elapsed = Date.now() - started;
      expect(list.get('amazon')?.health).toMatchObject({ status: 'unavailable' });
      expect(list.get('amazon')?.health.message).toContain(`did not answer within ${HEALTH_TIMEOUT_MS} ms`);
      expect(list.get('shopify')?.health.status).toBe('healthy');
      expect(list.get('reference')?.health.status).toBe('healthy');
      // Bounded by the per-platform deadline, not by the hung service (generous margin for a busy machine).
      expect(elapsed).toBeLessThan(HEALTH_TIMEOUT_MS + 8000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => blackHole.close(() => resolve()));
      await w.restartAmazon();
    }
    const back = await platforms();
    expect(back.get('amazon')?.health.status).toBe('healthy');
  });

  it('disconnecting the reference platform is recorded and forgets its credentials', async () => {
    const res = await w.api('/api/platforms/reference/disconnect', { json: {} });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ outcome: 'disconnected', platform: { connection: { status: 'disconnected' } } });
    const row = await w.database.db.platformIntegration.findFirstOrThrow({ where: { platform: 'reference', project: { shopDomain: SHOP } } });
    expect(row.credentialsCiphertext).toBeNull();
    expect((await w.api('/api/platforms/reference/sync', { json: {} })).status).toBe(409);
  });
});
