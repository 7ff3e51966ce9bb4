// The production path end to end: the app built (`remix vite:build`) and started as production starts it
// (server/production-main.ts) on a database it migrates itself, behind a round-robin load balancer. With
// TEST_DATABASE_URL: TWO instances on one fresh PostgreSQL schema, started together (the migrations race
// on the advisory lock). Without it: one instance on SQLite, and a second started after the first stops.
//
// Through the balancer: the shop's first API call installs it (token exchange), a catalog sync, a batch of
// price changes approved; Shopify's products/update webhooks come back through the balancer. One instance
// gets SIGTERM in the middle of the push: it exits 0, and the push ends with every product's price
// changed exactly once in the sandbox. Health endpoints answer per process; every log line is JSON with
// level/time/msg and carries no secret.
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { committedMigrations, createDb, hasTestPostgres, type Db } from '@calibr/db';
import { startSandbox, type RunningSandbox } from '@calibr/sandbox';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startLoadBalancer, type LoadBalancer } from './support/load-balancer';
import { BROWSER_UA, fetchWithSessionToken, sandboxControl } from '../support/app-http';
import { waitFor as pollUntil } from '../support/wait-for';
import { buildApp, startProductionProcess, type ProductionProcess } from './support/production-process';
import { freshDatabase } from './support/fresh-database';

const API_KEY = 'c0ffee00c0ffee00c0ffee00c0ffee09';
const API_SECRET = 'shpss_production_path_suite_secret_0123456789';
const SHARED_SECRET = `production-suite-${randomBytes(24).toString('hex')}`;
const ENCRYPTION_KEY = randomBytes(32).toString('base64');
const SHOP = 'calibr-prod.myshopify.com';
const PRODUCTS = 40;
const postgres = hasTestPostgres();

let sandbox: RunningSandbox;
let lb: LoadBalancer;
let db: Db;
let databaseUrl: string;
let dropDatabase: () => Promise<void>;
let build: { dir: string } | undefined;
const instances: ProductionProcess[] = [];
const issuedTokens: string[] = [];
/** products/update events the sandbox raised for price changes that were not the merchant's, per product. */
const priceEvents = new Map<string, number>();
/** Set by the first test, used by the second: the shop's project and its products' current targets. */
let projectId = '';
const targets = new Map<string, string>();

const control = <T>(path: string, body?: unknown): Promise<T> => sandboxControl<T>(sandbox, path, body);

/** An app API call through the balancer, with a fresh session token for the shop. */
async function api(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const { token } = await control<{ token: string }>(`shopify/shops/${SHOP}/session-token`, { apiKey: API_KEY, lifetimeSeconds: 600 });
  issuedTokens.push(token);
  return fetchWithSessionToken(`${lb.url}${path}`, token, init);
}

const waitFor = <T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 120_000): Promise<T> => pollUntil(what, probe, timeoutMs, 150);

function instanceEnv(): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    SANDBOX_URL: sandbox.url,
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    // The public URL is the balancer's: Shopify (the sandbox) redirects and delivers webhooks there.
    SHOPIFY_APP_URL: lb.url,
    SERVICE_SHARED_SECRET: SHARED_SECRET,
    ENCRYPTION_KEYS: `v1:${ENCRYPTION_KEY}`,
    AMAZON_SERVICE_URL: 'http://127.0.0.1:9', // no Amazon in this shop; nothing may call it
    CALIBR_TEST_PLATFORMS: '',
    PRICING_MONITOR: 'off',
    // Small rounds and short leases, so both instances share the queue and a stopped one's work moves fast.
    PRICING_PUSH_BATCH: '4',
    PRICING_PUSH_POLL_MS: '100',
    PRICING_PUSH_LEASE_MS: '3000',
    SHUTDOWN_TIMEOUT_MS: '15000',
    LOG_LEVEL: 'info',
    APP_BUILD_DIR: build!.dir,
  };
}

async function startInstance(extraEnv: Record<string, string> = {}): Promise<ProductionProcess> {
  const instance = await startProductionProcess({ ...instanceEnv(), ...extraEnv });
  instances.push(instance);
  lb.add(instance.url);
  return instance;
}

beforeAll(async () => {
  build = await buildApp();
  sandbox = await startSandbox({ port: 0, seed: 'none', timeScale: 10, appConfig: { apiKey: API_KEY, apiSecret: API_SECRET } });
  const add = sandbox.log.add.bind(sandbox.log);
  sandbox.log.add = (entry) => {
    const detail = entry.detail as { event?: string; productId?: string | number; source?: string } | undefined;
    if (entry.platform === 'shopify' && entry.kind === 'event' && detail?.event === 'products/update' && detail.source !== 'merchant') {
      priceEvents.set(String(detail.productId), (priceEvents.get(String(detail.productId)) ?? 0) + 1);
    }
    return add(entry);
  };
  lb = await startLoadBalancer();
  await control('shopify/apps', { apiKey: API_KEY, applicationUrl: lb.url, redirectUrls: [`${lb.url}/auth/callback`] });
  await control('shopify/shops', { domain: SHOP, plan: 'standard', currencyCode: 'USD', install: true, generate: { count: PRODUCTS, variantsPerProduct: 1, prefix: 'PROD' } });

  // A database nobody has migrated yet: the instances do it on start.
  ({ url: databaseUrl, drop: dropDatabase } = freshDatabase(postgres, 'prod'));
}, 400_000);

afterAll(async () => {
  for (const instance of instances) await instance.stop('SIGKILL').catch(() => undefined);
  await db?.$disconnect().catch(() => undefined);
  await lb?.close().catch(() => undefined);
  await sandbox?.close().catch(() => undefined);
  await dropDatabase?.().catch(() => undefined);
});

describe(postgres ? 'production: two instances on one PostgreSQL behind a load balancer' : 'production: one instance on SQLite behind a load balancer (set TEST_DATABASE_URL for two on PostgreSQL)', () => {
  it('migrates on start, serves through the balancer, survives SIGTERM mid-push with every price changed once, logs JSON without secrets', async () => {
    onTestFailed(() => {
      for (const instance of instances) console.error(`instance ${instance.pid}:\n${instance.lines().slice(-15).join('\n')}\n${instance.stderr().slice(-3000)}`);
    });
    // Start together: on PostgreSQL both run the migrations at once, serialized by the advisory lock.
    const first = postgres ? await Promise.all([startInstance(), startInstance()]) : [await startInstance()];
    db = createDb(databaseUrl);
    const migrations = await db.$queryRawUnsafe<Array<{ migration_name: string; finished_at: unknown }>>('SELECT migration_name, finished_at FROM "_prisma_migrations"');
    expect(migrations.map((m) => m.migration_name).sort()).toEqual(committedMigrations(postgres ? 'postgresql' : 'sqlite').map((m) => m.name));
    expect(migrations.every((m) => m.finished_at !== null)).toBe(true);
    // Each migration was applied by exactly one of the instances; the other found it done.
    const migrationLogs = first.map((i) => i.lines().map((l) => JSON.parse(l) as { msg: string; applied?: string[] }).find((l) => l.msg === 'migrations')!);
    expect(migrationLogs.flatMap((l) => l.applied ?? []).sort()).toEqual(migrations.map((m) => m.migration_name).sort());

    // Health per process: liveness, readiness (database + migrations), no x-powered-by.
    for (const instance of first) {
      // Shopify's webhook routes are served straight from their actions (server/production.ts).
      const listening = instance.lines().map((l) => JSON.parse(l) as { msg: string; webhookRoutes?: string[] }).find((l) => l.msg === 'shopify app listening');
      expect(listening?.webhookRoutes).toEqual(expect.arrayContaining(['/webhooks/products/update', '/webhooks/app/uninstalled', '/api/integrations/shopify/webhooks']));
      const live = await fetch(`${instance.url}/healthz`);
      expect(live.status).toBe(200);
      expect(live.headers.get('x-powered-by')).toBeNull();
      expect(((await live.json()) as { pid: number }).pid).toBe(instance.pid);
      const ready = await fetch(`${instance.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', database: 'ok', migrations: 'applied' });
    }

    // A form post to an app page from another origin: refused as 403 (Remix alone would answer 500).
    const forged = await fetch(`${first[0]!.url}/app/pricing`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded', 'user-agent': BROWSER_UA }, body: 'intent=approve' });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ status: 403, code: 'authorization' });

    // Install: the shop's first API call exchanges its session token for an offline token.
    const hello = await api('/api/pricing/progress');
    expect(hello.status, await hello.clone().text()).toBe(200);
    const project = await waitFor('the shop installed', () => db.project.findUnique({ where: { shopDomain: SHOP } }));
    projectId = project.id;

    // Sync the catalog through the balancer.
    const sync = await api('/api/platforms/shopify/sync', { json: { mode: 'full' } });
    expect(sync.status, await sync.clone().text()).toBe(202);
    const { syncId } = (await sync.json()) as { syncId: string };
    const run = await waitFor('the sync to finish', async () => {
      const res = await api(`/api/platforms/shopify/sync?id=${syncId}`);
      const view = (await res.json()) as { status: string; itemsSynced: number };
      return view.status !== 'started' ? view : undefined;
    });
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'completed', itemsSynced: PRODUCTS });
    const listings = await db.listing.findMany({ where: { projectId: project.id, platform: 'shopify' } });
    expect(listings).toHaveLength(PRODUCTS);

    // A suggestion of +1.00 per product (what the policy would write; the policy has its own tests).
    for (const listing of listings) {
      const linkId = randomUUID();
      const target = plusOne(listing.priceAmount!);
      targets.set(listing.productExternalId!.split('/').pop()!, target);
      await db.productLink.create({ data: { id: linkId, projectId: project.id, sku: listing.sku!.toUpperCase(), title: listing.title ?? listing.sku!, source: 'auto' } });
      await db.listing.update({ where: { id: listing.id }, data: { productLinkId: linkId, linkSource: 'auto' } });
      await db.priceSuggestion.create({ data: { id: randomUUID(), projectId: project.id, productLinkId: linkId, listingId: listing.id, currency: 'USD', currentAmount: listing.priceAmount!, suggestedAmount: target, explanation: { summary: 'production test: +1.00' } } });
    }
    const suggestions = await db.priceSuggestion.findMany({ where: { projectId: project.id, status: 'pending' }, select: { id: true } });
    const approved = await api('/api/pricing/suggestions', { json: { action: 'approve', ids: suggestions.map((s) => s.id) } });
    expect(approved.status, await approved.clone().text()).toBe(200);
    expect(((await approved.json()) as { approved: unknown[] }).approved).toHaveLength(PRODUCTS);

    // Mid-push: the first instance holds a claim and some changes are done, some not. SIGTERM it.
    const victim = first[0]!;
    const victimClaims = `${hostname()}:${victim.pid}/`; // its push jobs' claim tokens
    await waitFor('the first instance to be mid-push', async () => {
      const [held, done] = await Promise.all([
        db.job.count({ where: { queue: 'pricing.push', groupKey: `shop:${project.id}`, status: 'running', claimedBy: { startsWith: victimClaims } } }),
        db.priceChange.count({ where: { projectId: project.id, status: 'applied' } }),
      ]);
      return held > 0 && done > 0 && done < PRODUCTS;
    });
    const appliedAtSignal = await db.priceChange.count({ where: { projectId: project.id, status: 'applied' } });
    // A request still arriving when the signal comes (a webhook whose body is half sent) is answered.
    const slowBody = new TransformStream<Uint8Array, Uint8Array>();
    const slowWriter = slowBody.writable.getWriter();
    const slowRequest = fetch(`${victim.url}/webhooks/products/update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-topic': 'products/update', 'x-shopify-shop-domain': SHOP, 'x-shopify-hmac-sha256': 'bm90LXRoZS1obWFj', 'x-shopify-webhook-id': randomUUID() },
      body: slowBody.readable,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    await slowWriter.write(new TextEncoder().encode('{"id":'));
    await new Promise((r) => setTimeout(r, 200));
    const exited = victim.stop('SIGTERM');
    await waitFor('the instance to start draining', async () => victim.lines().some((l) => l.includes('"msg":"shutting down')), 10_000);
    await slowWriter.write(new TextEncoder().encode('1}'));
    await slowWriter.close();
    const slowAnswer = await slowRequest;
    expect(slowAnswer.status).toBe(401); // a forged HMAC, refused: but answered, not cut off
    expect(slowAnswer.headers.get('connection')).toBe('close');
    const exitCode = await exited;
    expect(exitCode, victim.lines().slice(-10).join('\n')).toBe(0);
    const shutdown = victim.lines().map((l) => JSON.parse(l) as { msg: string; clean?: boolean; handedBack?: number }).find((l) => l.msg === 'shutdown complete');
    expect(shutdown).toBeDefined();
    // Nothing of its own left behind: claims settled or released.
    expect(await db.job.count({ where: { queue: 'pricing.push', status: 'running', claimedBy: { startsWith: victimClaims } } })).toBe(0);

    // On SQLite there was one instance: a new one takes over (a rolling restart).
    if (!postgres) await startInstance();
    await waitFor('every change applied', async () => (await db.priceChange.count({ where: { projectId: project.id, status: 'applied' } })) === PRODUCTS, 300_000);
    console.info(`production: SIGTERM at ${appliedAtSignal}/${PRODUCTS} applied; shutdown ${JSON.stringify(shutdown)}`);

    // Exactly once, as Shopify (the sandbox) saw it: every product at its target, changed by us once.
    const { products } = await control<{ products: Array<{ id: number | string; variants: Array<{ price: string }> }> }>(`shopify/shops/${SHOP}/products`);
    expect(products).toHaveLength(PRODUCTS);
    for (const product of products) {
      expect(product.variants[0]!.price, `product ${product.id}`).toBe(targets.get(String(product.id)));
      expect(priceEvents.get(String(product.id)), `price changes of product ${product.id}`).toBe(1);
    }
    const audits = await db.auditLog.findMany({ where: { projectId: project.id, action: 'price_change.applied' } });
    expect(audits).toHaveLength(PRODUCTS);
    // The stopped instance finished the round it was in (or handed its claims back at the deadline).
    const byVictim = audits.filter((a) => String((a.data as { pushedBy?: string }).pushedBy).startsWith(victimClaims.slice(0, -1))).length;
    if (shutdown!.handedBack === 0) expect(byVictim).toBeGreaterThan(0);
    expect(byVictim).toBeLessThan(PRODUCTS);

    // The products/update webhooks came back through the balancer and were each processed once.
    await waitFor('the webhooks processed', async () => {
      const rows = await db.processedWebhook.findMany({ where: { shop: SHOP, topic: { contains: 'products' } }, select: { status: true } });
      return rows.length >= PRODUCTS && rows.every((r) => r.status === 'processed');
    });
    // One record per delivery Shopify (the sandbox) made, whichever instance the balancer gave it to.
    const sent = await control<{ deliveries: Array<{ webhookId: string }> }>(`shopify/webhooks/deliveries?topic=products/update&shop=${SHOP}`);
    const recorded = await db.processedWebhook.findMany({ where: { shop: SHOP, topic: { contains: 'products' } }, select: { webhookId: true } });
    expect(sent.deliveries.length).toBeGreaterThanOrEqual(PRODUCTS);
    expect(recorded.map((r) => r.webhookId).sort()).toEqual([...new Set(sent.deliveries.map((d) => d.webhookId))].sort());
    // Both instances answered requests through the balancer (on PostgreSQL, where two ran together).
    const answered = [...lb.served.entries()].filter(([, n]) => n > 0);
    expect(answered.length).toBeGreaterThanOrEqual(postgres ? 2 : 1);

    // Logs: every stdout line is a JSON object with level, time and msg; no secret appears anywhere.
    const secrets = [API_SECRET, SHARED_SECRET, ENCRYPTION_KEY, ...issuedTokens];
    const requestLines: unknown[] = [];
    for (const instance of instances) {
      const lines = instance.lines();
      // Every instance logs at least its start (how many more depends on what the balancer gave it).
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        const entry = JSON.parse(line) as { level?: unknown; time?: unknown; msg?: unknown; req?: unknown };
        expect(typeof entry.level, line).toBe('string');
        expect(typeof entry.time, line).toBe('string');
        expect(typeof entry.msg, line).toBe('string');
        if (entry.req) requestLines.push(entry);
        for (const secret of secrets) expect(line.includes(secret), `a secret in: ${line.slice(0, 200)}`).toBe(false);
        expect(/shp(at|ua)_[0-9a-f]{8}/.test(line), `an access token in: ${line.slice(0, 200)}`).toBe(false);
      }
      expect(instance.stderr()).not.toMatch(/shpss_|shp(at|ua)_[0-9a-f]{8}/);
    }
    // Request logs keep the headers that carried credentials, masked.
    expect(requestLines.some((e) => JSON.stringify(e).includes('"authorization":"[redacted]"'))).toBe(true);
  }, 900_000);

  it('hands its claims back when a round outlasts the shutdown deadline, and the rest of the fleet applies each change once', async () => {
    expect(projectId, 'needs the first test').not.toBe('');
    const survivors = instances.filter((i) => i.child.exitCode === null && i.child.signalCode === null);
    expect(survivors.length).toBeGreaterThan(0);
    // Shopify answers slowly now: a round of 4 products takes ~6 s, far past a 1 s shutdown deadline.
    await control('faults', { platform: 'shopify', kind: 'latency', latencyMs: 1500, method: 'POST', path: '*graphql*' });
    const slow = await startInstance({ SHUTDOWN_TIMEOUT_MS: '1000' });

    const eventsBefore = new Map(priceEvents);
    const links = await db.productLink.findMany({ where: { projectId }, include: { listings: true } });
    for (const link of links) {
      const listing = link.listings[0]!;
      const productId = listing.productExternalId!.split('/').pop()!;
      const current = targets.get(productId)!;
      targets.set(productId, plusOne(current));
      await db.priceSuggestion.create({ data: { id: randomUUID(), projectId, productLinkId: link.id, listingId: listing.id, currency: 'USD', currentAmount: current, suggestedAmount: plusOne(current), explanation: { summary: 'production test: +1.00 again' } } });
    }
    const pending = await db.priceSuggestion.findMany({ where: { projectId, status: 'pending' }, select: { id: true } });
    expect(pending).toHaveLength(PRODUCTS);
    const approved = await api('/api/pricing/suggestions', { json: { action: 'approve', ids: pending.map((s) => s.id) } });
    expect(approved.status, await approved.clone().text()).toBe(200);

    const slowClaims = `${hostname()}:${slow.pid}/`;
    await waitFor('the slow instance to hold a claim', async () => (await db.job.count({ where: { queue: 'pricing.push', groupKey: `shop:${projectId}`, status: 'running', claimedBy: { startsWith: slowClaims } } })) > 0);
    expect(await slow.stop('SIGTERM'), slow.lines().slice(-10).join('\n')).toBe(0);
    const shutdown = slow.lines().map((l) => JSON.parse(l) as { msg: string; handedBack?: number; clean?: boolean }).find((l) => l.msg === 'shutdown complete');
    expect(shutdown?.handedBack, JSON.stringify(shutdown)).toBeGreaterThan(0);
    expect(shutdown?.clean).toBe(false);
    // Released, not left to expire: nothing carries its claim, and the released changes are free now.
    expect(await db.job.count({ where: { queue: 'pricing.push', status: 'running', claimedBy: { startsWith: slowClaims } } })).toBe(0);

    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    await waitFor('every change applied', async () => (await db.priceChange.count({ where: { projectId, status: 'applied' } })) === PRODUCTS * 2, 300_000);
    console.info(`production: deadline shutdown ${JSON.stringify(shutdown)}`);

    const { products } = await control<{ products: Array<{ id: number | string; variants: Array<{ price: string }> }> }>(`shopify/shops/${SHOP}/products`);
    for (const product of products) {
      const id = String(product.id);
      expect(product.variants[0]!.price, `product ${id}`).toBe(targets.get(id));
      // Changed once more, even where the stopped instance's request was in flight when it let go.
      expect((priceEvents.get(id) ?? 0) - (eventsBefore.get(id) ?? 0), `price changes of product ${id}`).toBe(1);
    }
    const changes = await db.priceChange.findMany({ where: { projectId }, select: { status: true } });
    expect(changes.every((c) => c.status === 'applied')).toBe(true);
    expect(await db.job.count({ where: { queue: 'pricing.push', groupKey: `shop:${projectId}`, status: { not: 'completed' } } })).toBe(0);
  }, 600_000);
});

function plusOne(amount: string): string {
  const minor = (BigInt(amount.replace('.', '')) + 100n).toString().padStart(3, '0');
  return `${minor.slice(0, -2)}.${minor.slice(-2)}`;
}
