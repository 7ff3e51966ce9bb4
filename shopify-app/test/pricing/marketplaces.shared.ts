// A seller in several Amazon marketplaces, priced per marketplace, over real HTTP: the sandbox plays
// Amazon (its NA demo seller sells in the US, Canada and Mexico), the Amazon service runs for real on its
// own test database, and the app's sync and pricing modules (monitor, suggestions, approvals) run in this
// process on the app's. Three marketplaces authorized → a listing per SKU and marketplace in its currency;
// one removed → the service retires its listings and the app's next sync marks them deleted (kept), never
// read or priced; the monitor reads the marketplaces whose
// currency a rule prices in; a product linked in two marketplaces gets a suggestion per marketplace,
// each in its own currency, and its approval goes to that marketplace's listings only.
import { createTestDatabase, type TestDatabase } from '@calibr/db';
import { sandboxRuntimeHooks } from '@calibr/sandbox/routing';
import { createAmazonTestDatabase, type AmazonTestDatabase } from '../support/amazon-database';
import { startAmazonService, type RunningAmazonService } from '@calibr/amazon-service';
import { startSandbox, type RunningSandbox } from '@calibr/sandbox';
import { signRequest } from '@calibr/shared-contracts';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type * as Changes from '../../app/pricing/changes.server';
import type * as Items from '../../app/pricing/items.server';
import type * as Policy from '../../app/pricing/policy';
import type * as Rules from '../../app/pricing/rules.server';
import type * as Scheduler from '../../app/pricing/monitor/monitor-scheduler.server';
import type * as Suggestions from '../../app/pricing/suggestions.server';
import type * as PlatformConnections from '../../app/platforms/platform-connections.server';
import type * as PlatformSync from '../../app/platforms/platform-sync.server';
import type * as ProductLinks from '../../app/platforms/product-links.server';
import { readJson, sandboxControl } from '../support/app-http';
import { appContext } from '../../app/app-context.server';

const SECRET = 'marketplaces-suite-shared-secret-0123456789abcdef';
const SELLER = 'A2CALIBRDEMONA';
const US = 'ATVPDKIKX0DER';
const CA = 'A2EUQ1WTGCTBG2';
const MX = 'A1AM78C64UM0Y8';
const CURRENCY: Record<string, string> = { [US]: 'USD', [CA]: 'CAD', [MX]: 'MXN' };
const UNDERCUTTER = 'A1UNDERCUTTER';

type SeedSeller = { sellerId: string; lwa: { clientId: string; clientSecret: string; refreshToken: string } };
type DemoSeller = { listings: { sku: string; asin: string; offers: { marketplaceId: string; currency: string; price: string }[] }[] };

const minor = (amount: string) => BigInt(amount.replace('.', ''));
const decimal = (value: bigint) => `${value / 100n}.${String(value % 100n).padStart(2, '0')}`;

export function marketplacesSuite(provider: 'sqlite' | 'postgresql'): void {
  const shop = `marketplaces-${provider}.myshopify.com`;
  let sandbox: RunningSandbox;
  let database: TestDatabase;
  let amazonDatabase: AmazonTestDatabase;
  let amazon: RunningAmazonService;
  let seller: SeedSeller;
  let projectId: string;
  let demo: DemoSeller;
  let changes: typeof Changes;
  let items: typeof Items;
  let rules: typeof Rules;
  let scheduler: typeof Scheduler;
  let suggestions: typeof Suggestions;
  let links: typeof ProductLinks;
  let platformSync: typeof PlatformSync;
  let connections: typeof PlatformConnections;
  let policy: typeof Policy;

  async function amazonApi(method: string, path: string, body?: unknown): Promise<Response> {
    const raw = body === undefined ? '' : JSON.stringify(body);
    const full = `/api/integrations/amazon${path}`;
    const headers = signRequest({ method, path: full, tenantId: shop, body: raw, secret: SECRET });
    return fetch(`${amazon.url}${full}`, { method, headers: { ...headers, ...(raw ? { 'content-type': 'application/json' } : {}) }, ...(raw ? { body: raw } : {}) });
  }

  /** Connects the seller through the app (its connect route's service), which self-authorizes it at the service. */
  async function connect(marketplaceIds: string[]): Promise<void> {
    const credentials = { platform: 'amazon', sellingPartnerId: SELLER, region: 'na', marketplaceIds, lwaClientId: seller.lwa.clientId, lwaClientSecret: seller.lwa.clientSecret, refreshToken: seller.lwa.refreshToken };
    expect(await connections.connectPlatform(projectId, shop, 'amazon', { credentials })).toMatchObject({ outcome: 'connected' });
  }

  /** The app's own sync of Amazon (through the registry and the contract), as its sync route starts it. */
  async function syncAll(mode: 'full' | 'incremental' = 'full'): Promise<void> {
    await platformSync.startPlatformSync(projectId, 'amazon', { mode });
    await platformSync.waitForPlatformSync(projectId, 'amazon');
  }

  const amazonRows = () => database.db.listing.findMany({ where: { projectId, platform: 'amazon' } });
  const offered = (marketplaceId: string) => demo.listings.filter((l) => l.offers.some((o) => o.marketplaceId === marketplaceId));
  /** A SKU the demo seller sells in all three marketplaces. */
  const everywhere = () => demo.listings.find((l) => [US, CA, MX].every((id) => l.offers.some((o) => o.marketplaceId === id)))!;

  /**
   * One whole sweep of the monitor (its priority order: never read, then the oldest reading): turns until every live listing of `due`
   * marketplaces was read. Returns every marketplace read meanwhile (from the observations the service
   * recorded).
   */
  async function sweep(due: string[]): Promise<Set<string>> {
    const since = new Date();
    const wanted = (await amazonRows()).filter((r) => r.status === 'active' && r.asin && due.includes(r.marketplaceId)).map((r) => `${r.marketplaceId}:${r.asin}`);
    let read = new Set<string>();
    for (let turn = 0; turn < 12 && !wanted.every((key) => read.has(key)); turn++) {
      const result: Scheduler.MonitorTickResult = await scheduler.monitorShop(projectId);
      expect(result.error).toBeUndefined();
      const rows = await database.db.competitorPriceObservation.findMany({ where: { projectId, observedAt: { gte: since } }, select: { marketplaceId: true, asin: true } });
      read = new Set(rows.map((r) => `${r.marketplaceId}:${r.asin}`));
    }
    expect(wanted.filter((key) => !read.has(key))).toEqual([]);
    return new Set([...read].map((key) => key.split(':')[0]!));
  }

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, timeScale: 10 });
    const seed = await readJson<{ amazon: { apps: Array<{ applicationId: string; clientId: string; clientSecret: string }>; sellers: SeedSeller[] } }>(await fetch(`${sandbox.url}/_sandbox/seed`));
    const app = seed.amazon.apps[0]!;
    seller = seed.amazon.sellers.find((s) => s.sellerId === SELLER)!;
    database = await createTestDatabase({ provider });
    amazonDatabase = await createAmazonTestDatabase(provider);
    amazon = await startAmazonService({
      port: 0,
      db: amazonDatabase.db,
      logger: pino({ level: 'silent' }),
      env: {} as NodeJS.ProcessEnv,
      hooks: sandboxRuntimeHooks(sandbox.url),
      config: { sharedSecret: SECRET, lwaClientId: app.clientId, lwaClientSecret: app.clientSecret, applicationId: app.applicationId, draftApp: true, logLevel: 'silent' },
      timeScale: 10,
    });
    process.env.DATABASE_URL = database.url;
    process.env.AMAZON_SERVICE_URL = amazon.url;
    process.env.SERVICE_SHARED_SECRET = SECRET;
    // The app's sync and monitor go through its registry, which holds Shopify too (its app config needs the secret).
    process.env.SHOPIFY_API_SECRET ??= 'marketplaces-test-shopify-api-secret';
    changes = await import('../../app/pricing/changes.server');
    items = await import('../../app/pricing/items.server');
    rules = await import('../../app/pricing/rules.server');
    scheduler = await import('../../app/pricing/monitor/monitor-scheduler.server');
    suggestions = await import('../../app/pricing/suggestions.server');
    links = await import('../../app/platforms/product-links.server');
    platformSync = await import('../../app/platforms/platform-sync.server');
    connections = await import('../../app/platforms/platform-connections.server');
    policy = await import('../../app/pricing/policy');
    projectId = (await database.db.project.upsert({ where: { shopDomain: shop }, create: { shopDomain: shop }, update: {} })).id;
    await connect([US, CA, MX]);
    demo = await sandboxControl<DemoSeller>(sandbox, `amazon/sellers/${SELLER}`);
  });
  afterAll(async () => {
    await appContext().db?.$disconnect().catch(() => undefined);
    await amazon?.close().catch(() => undefined);
    await sandbox?.close().catch(() => undefined);
    await database?.cleanup().catch(() => undefined);
    await amazonDatabase?.cleanup().catch(() => undefined);
  });

  it('three marketplaces authorized: a listing per SKU and marketplace, each in its own currency', async () => {
    await syncAll();
    const rows = await amazonRows();
    for (const marketplaceId of [US, CA, MX]) {
      const mine = rows.filter((r) => r.marketplaceId === marketplaceId);
      expect(mine.length).toBe(offered(marketplaceId).length);
      expect(new Set(mine.map((r) => r.currency))).toEqual(new Set([CURRENCY[marketplaceId]]));
    }
    const sku = everywhere().sku;
    expect(rows.filter((r) => r.externalId === sku).map((r) => `${r.marketplaceId}:${r.currency}:${r.status}`).sort()).toEqual(
      [`${US}:USD:active`, `${CA}:CAD:active`, `${MX}:MXN:active`].sort(),
    );
  });

  it('Mexico removed: the service retires its listings, the app\'s next sync marks them deleted (kept), and nothing of it is monitored or priced', async () => {
    const before = (await amazonRows()).length;
    const res = await amazonApi('POST', '/auth/marketplaces', { region: 'na', marketplaceIds: [US, CA] });
    expect(res.status, await res.clone().text()).toBe(200);
    const tenant = await amazonDatabase.db.amazonTenant.findUniqueOrThrow({ where: { shopDomain: shop } });
    const serviceRows = await amazonDatabase.db.amazonListing.findMany({ where: { projectId: tenant.id, marketplaceId: MX } });
    expect(new Set(serviceRows.map((r) => r.status))).toEqual(new Set(['retired']));
    await syncAll('full');
    const rows = await amazonRows();
    expect(rows.length).toBe(before);
    expect(new Set(rows.filter((r) => r.marketplaceId === MX).map((r) => r.status))).toEqual(new Set(['deleted']));

    // The product is on Shopify (USD) too, and linked by SKU across everything it is listed on.
    const product = everywhere();
    const usPrice = product.offers.find((o) => o.marketplaceId === US)!.price;
    await database.db.listing.create({
      data: { projectId, platform: 'shopify', externalId: 'gid://shopify/ProductVariant/880001', productExternalId: 'gid://shopify/Product/880001', sku: product.sku, title: 'Linked product', currency: 'USD', priceAmount: usPrice },
    });
    await links.autoLinkBySku(projectId);
    const priced = (await items.loadPricedItems(projectId)).filter((i) => i.sku === product.sku);
    // One item per marketplace still chosen; Shopify goes with the US (same currency); Mexico is gone.
    expect(priced.map((i) => `${i.reference.marketplaceId}:${i.reference.currency}:${i.listings.map((l) => l.platform).sort().join('+')}`).sort()).toEqual(
      [`${US}:USD:amazon+shopify`, `${CA}:CAD:amazon`].sort(),
    );
    expect(new Set(priced.map((i) => i.productLinkId)).size).toBe(1);
    expect(priced.flatMap((i) => i.listings).some((l) => l.marketplaceId === MX)).toBe(false);
  });

  it('the monitor reads each marketplace whose currency a rule prices in, and never a retired one', async () => {
    const make = (name: string, currency: string) =>
      rules.createRule(projectId, { name, scope: 'shop', kind: 'beat_lowest_amount', params: { amount: '0.50' }, currency, floorAmount: '1.00', maxStepPercent: '40' }, 'test');
    await make('Beat by 50c (USD)', 'USD');
    expect(await sweep([US])).toEqual(new Set([US]));
    await make('Beat by 50c (CAD)', 'CAD');
    expect(await sweep([US, CA])).toEqual(new Set([US, CA]));
    // A rule of any currency: every marketplace is read, but still not Mexico's retired listings.
    const any = await rules.createRule(projectId, { name: 'Beat by 1 % (any currency)', scope: 'shop', kind: 'beat_lowest_percent', params: { percent: '1' }, priority: -1 }, 'test');
    expect(await sweep([US, CA])).toEqual(new Set([US, CA]));
    await rules.deleteRule(projectId, any.id, 'test');
  });

  it('a product linked in two marketplaces is priced per marketplace, each in its own currency, and approved onto that marketplace only', async () => {
    const product = everywhere();
    const linked = await database.db.listing.findMany({ where: { projectId, sku: product.sku, status: { not: 'deleted' } } });
    const linkId = linked[0]!.productLinkId!;
    // First reading: the market as it is; then a competitor undercuts in both marketplaces.
    await scheduler.monitorShop(projectId, { asins: [product.asin] });
    const undercuts: Record<string, string> = {};
    for (const marketplaceId of [US, CA]) {
      const listing = linked.find((l) => l.platform === 'amazon' && l.marketplaceId === marketplaceId)!;
      const observed = await database.db.competitorPriceObservation.findFirstOrThrow({ where: { listingId: listing.id }, orderBy: { observedAt: 'desc' } });
      expect(observed.currency).toBe(CURRENCY[marketplaceId]);
      const lowest = observed.lowestOfferAmount && minor(observed.lowestOfferAmount) < minor(listing.priceAmount) ? minor(observed.lowestOfferAmount) : minor(listing.priceAmount);
      undercuts[marketplaceId] = decimal(lowest - 200n);
      await sandboxControl(sandbox, 'amazon/competitors', { asin: product.asin, marketplaceId, sellerId: UNDERCUTTER, sellerName: 'Undercutter', price: undercuts[marketplaceId], feedbackPercent: 99 });
    }
    const second = await scheduler.monitorShop(projectId, { asins: [product.asin] });
    expect(second.error).toBeUndefined();
    expect(second.suggestions?.created).toBe(2);

    const pending = await database.db.priceSuggestion.findMany({ where: { projectId, productLinkId: linkId, status: 'pending' }, include: { listing: true } });
    expect(pending.map((s) => `${s.listing!.marketplaceId}:${s.currency}:${s.suggestedAmount}`).sort()).toEqual(
      [`${US}:USD:${decimal(minor(undercuts[US]!) - 50n)}`, `${CA}:CAD:${decimal(minor(undercuts[CA]!) - 50n)}`].sort(),
    );
    // Each suggestion is its own marketplace's: the current price is that listing's, in its currency.
    for (const s of pending) expect(s.currentAmount).toBe(s.listing!.priceAmount);

    // Evaluating again keeps them (one waiting suggestion per marketplace, not one per product).
    const again = await suggestions.generateSuggestions(projectId, { ids: [linkId] });
    expect(again).toMatchObject({ created: 0, kept: 2 });

    const decided = await changes.createChangesForSuggestions(projectId, pending.map((s) => ({ id: s.id })), { actor: 'test' });
    expect(decided.refused).toEqual([]);
    const attempts = await database.db.priceChangeAttempt.findMany({ where: { priceChange: { productLinkId: linkId } }, include: { listing: true, priceChange: true } });
    expect(attempts.map((a) => `${a.platform}:${a.listing.marketplaceId}:${a.currency}:${a.amount}`).sort()).toEqual(
      [
        `amazon:${US}:USD:${decimal(minor(undercuts[US]!) - 50n)}`,
        `shopify::USD:${decimal(minor(undercuts[US]!) - 50n)}`,
        `amazon:${CA}:CAD:${decimal(minor(undercuts[CA]!) - 50n)}`,
      ].sort(),
    );
    expect(attempts.every((a) => a.priceChange.currency === a.currency)).toBe(true);
  });

  it('reconnected with Mexico again: its listings come back and are priced apart', async () => {
    expect((await amazonApi('DELETE', '/auth')).status).toBe(204);
    await connect([US, CA]);
    expect((await amazonRows()).filter((r) => r.marketplaceId === MX && r.status !== 'deleted')).toEqual([]);
    await connect([US, CA, MX]);
    await syncAll('incremental');
    expect((await amazonRows()).filter((r) => r.status !== 'active')).toEqual([]);
    const product = everywhere();
    const priced = (await items.loadPricedItems(projectId)).filter((i) => i.sku === product.sku);
    expect(priced.map((i) => `${i.reference.marketplaceId}:${i.reference.currency}`).sort()).toEqual([`${US}:USD`, `${CA}:CAD`, `${MX}:MXN`].sort());
    // No MXN rule: Mexico is not read by the monitor, and its item has no rule (never a USD or CAD one).
    expect(await sweep([US, CA])).toEqual(new Set([US, CA]));
    const { rules: active } = await rules.activeRules(projectId);
    const mx = priced.find((i) => i.reference.marketplaceId === MX)!;
    expect(new policy.RuleIndex(active).select(mx.context)).toBeNull();
    expect(active.map((r) => r.currency).sort()).toEqual(['CAD', 'USD']);
  });
}
