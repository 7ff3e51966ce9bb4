// A full listings sync past searchListingsItems' 1,000-item cap, against the sandbox (which enforces the
// cap as Amazon does): a seller with 2,500 more listings is synced in createdDate windows, every SKU
// exactly once, including hundreds of listings sharing the createdDate on either side of a window edge.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RemoteConnector, type PlatformConnector, type SyncResult } from '@calibr/shared-contracts';
import { amazonCatalog } from '@calibr/sandbox';
import { DEMO_SELLER, SHARED_SECRET, US, connectDemoSeller, control, json, sandboxLog, signedFetch, startHarness, type Harness } from './support/harness';

let h: Harness;
let connector: PlatformConnector;
const SHOP = 'big-catalog-shop.myshopify.com';
const api = (method: string, path: string, body?: unknown) => signedFetch(h.service.url, SHOP, method, `/api/integrations/amazon${path}`, body);

// The bulk listings span [OLDEST, NEWEST], around the demo listings, so the first window is theirs and
// halving it puts its right edge exactly at EDGE (createdBefore inclusive); the next window starts 1 ms later.
const OLDEST = Date.parse('2023-01-01T00:00:00.000Z');
const NEWEST = Date.parse('2027-01-01T00:00:00.000Z');
const EDGE = OLDEST + Math.floor((NEWEST - OLDEST) / 2);
const BEFORE_EDGE = 500;
const AT_EDGE = 300;
const JUST_AFTER_EDGE = 250;
const AFTER = 1_450;
const BULK = BEFORE_EDGE + AT_EDGE + JUST_AFTER_EDGE + AFTER;
// Pure budget for a full walk of 2,500+ listings (130 pages at 50 calls/s: 5-20 s alone, several times that
// with other files running on the same busy cores). A hang still fails, only later.
const BUDGET_MS = 300_000;

interface Bulk {
  sku: string;
  price: string;
  createdDate: string;
  lastUpdatedDate?: string;
}

function bulkListings(): Bulk[] {
  const out: Bulk[] = [];
  const add = (prefix: string, count: number, at: (i: number) => number) => {
    for (let i = 0; i < count; i++) out.push({ sku: `${prefix}-${String(i).padStart(4, '0')}`, price: `${10 + (i % 90)}.99`, createdDate: new Date(at(i)).toISOString() });
  };
  add('BIG-A', BEFORE_EDGE, (i) => OLDEST + Math.floor((i * (EDGE - OLDEST)) / BEFORE_EDGE)); // first one at OLDEST
  add('BIG-B', AT_EDGE, () => EDGE);
  add('BIG-C', JUST_AFTER_EDGE, () => EDGE + 1);
  add('BIG-D', AFTER, (i) => NEWEST - Math.floor((i * (NEWEST - EDGE - 2)) / AFTER)); // first one at NEWEST
  return out;
}

async function seed(listings: Bulk[]): Promise<void> {
  for (let i = 0; i < listings.length; i += 500) await control(h.sandbox, 'listings', { sellerId: DEMO_SELLER, listings: listings.slice(i, i + 500) });
}

async function usSkus(): Promise<string[]> {
  const seller = await control<{ listings: { sku: string; offers: { marketplaceId: string }[] }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`);
  return seller.listings.filter((l) => l.offers.some((o) => o.marketplaceId === US)).map((l) => l.sku);
}

/** Every step of one full sync through the connector's HTTP interface. */
async function fullSync(): Promise<{ steps: SyncResult[]; skus: string[] }> {
  const steps: SyncResult[] = [];
  let cursor: string | null = null;
  do {
    const step: SyncResult = await connector.products.sync({ mode: 'full', marketplaceId: US, ...(cursor ? { cursor } : {}) });
    steps.push(step);
    cursor = step.nextCursor;
    expect(steps.length).toBeLessThan(1_000);
  } while (cursor);
  return { steps, skus: steps.flatMap((s) => s.products.flatMap((p) => p.listings.map((l) => l.externalId))) };
}

/**
 * The createdDate windows Amazon answered the service since log entry `since`. A call the sandbox's
 * throttle refused (429, retried by the service) asked nothing: on a loaded machine requests paced by the
 * service's limiter can arrive bunched, and the throttle's own tests cover that path.
 */
async function windowsAsked(since: number): Promise<{ after: string | null; before: string | null; token: boolean }[]> {
  const { entries } = await sandboxLog(h.sandbox, { since, kind: 'request', path: `/listings/2021-08-01/items/${DEMO_SELLER}` });
  return entries.filter((e) => e.status !== 429).map((e) => {
    const q = new URLSearchParams((e.path ?? '').split('?')[1] ?? '');
    return { after: q.get('createdAfter'), before: q.get('createdBefore'), token: q.has('pageToken') };
  });
}

beforeAll(async () => {
  h = await startHarness({ sandbox: { timeScale: 10 }, service: { timeScale: 10 } });
  await connectDemoSeller(h, SHOP, [US]);
  connector = await RemoteConnector.connect({ baseUrl: h.service.url, tenantId: SHOP, secret: SHARED_SECRET });
  // The demo listings sit inside the first window, which must stay under the cap with the bulk ones.
  const demoCreated = amazonCatalog().map((e) => Date.parse(e.product.createdAt));
  expect(Math.min(...demoCreated)).toBeGreaterThan(OLDEST);
  expect(Math.max(...demoCreated)).toBeLessThan(EDGE);
  expect(amazonCatalog().length + BEFORE_EDGE + AT_EDGE).toBeLessThanOrEqual(1_000);
  await seed(bulkListings());
}, BUDGET_MS);
afterAll(async () => h?.close());

it('syncs 2,500 listings past the 1,000 cap through products.sync: every SKU once, one syncId, a stable order', async () => {
  const expected = await usSkus();
  expect(expected.length).toBeGreaterThanOrEqual(BULK);
  const { lastId } = await sandboxLog(h.sandbox, { limit: 1 });

  const first = await fullSync();
  expect(new Set(first.steps.map((s) => s.syncId)).size).toBe(1);
  expect(first.skus).toHaveLength(expected.length);
  expect(new Set(first.skus).size).toBe(expected.length);
  expect([...first.skus].sort()).toEqual([...expected].sort());
  expect(first.steps.at(-1)!.checkpoint).toBeTruthy();
  expect(first.steps.slice(0, -1).every((s) => s.checkpoint === undefined)).toBe(true);
  expect(first.steps.reduce((n, s) => n + s.itemsSynced, 0)).toBe(expected.length);

  // The window walk really had an edge among equal createdDates: one window ends at EDGE, the next begins 1 ms later.
  const asked = await windowsAsked(lastId);
  const edge = new Date(EDGE).toISOString();
  const justAfter = new Date(EDGE + 1).toISOString();
  expect(asked.some((w) => w.after === new Date(OLDEST).toISOString() && w.before === edge && !w.token)).toBe(true);
  expect(asked.some((w) => w.after === justAfter && !w.token)).toBe(true);
  // Against the usage plan (5 calls/s): one call per page, plus the two probes of the catalog's span and a
  // few windows turned down as over the cap (2,553 SKUs: 134 calls for 130 pages).
  expect(asked.length - first.steps.length).toBeLessThanOrEqual(6);

  const stored = await h.database.db.amazonListing.count({ where: { tenant: { shopDomain: SHOP }, marketplaceId: US } });
  expect(stored).toBe(expected.length);

  // The same catalog syncs again in the same order, under a new syncId.
  const second = await fullSync();
  expect(second.skus).toEqual(first.skus);
  expect(second.steps[0]!.syncId).not.toBe(first.steps[0]!.syncId);
}, BUDGET_MS);

it('the /catalog/sync route resumes from its pageToken and reaches every SKU once', async () => {
  const expected = await usSkus();
  type Sync = { itemsSynced: number; pages: number; nextPageToken: string | null };
  const part = await json<Sync>(await api('POST', '/catalog/sync', { marketplaceId: US, all: true, maxPages: 40 }));
  expect(part.pages).toBe(40);
  expect(part.nextPageToken).toBeTruthy();
  const rest = await json<Sync>(await api('POST', '/catalog/sync', { marketplaceId: US, all: true, maxPages: 500, pageToken: part.nextPageToken }));
  expect(rest.nextPageToken).toBeNull();
  expect(part.itemsSynced + rest.itemsSynced).toBe(expected.length);

  const forged = await api('POST', '/catalog/sync', { marketplaceId: US, pageToken: 'bm90LW91cnM' });
  expect(forged.status).toBe(400);
}, BUDGET_MS);

it('more than 1,000 listings created in the same millisecond are walked by lastUpdatedDate', async () => {
  const instant = Date.parse('2028-06-01T08:00:00.000Z');
  const burst: Bulk[] = Array.from({ length: 1_100 }, (_, i) => ({
    sku: `BURST-${String(i).padStart(4, '0')}`,
    price: '5.00',
    createdDate: new Date(instant).toISOString(),
    lastUpdatedDate: new Date(instant + Math.floor(i / 3) * 1000).toISOString(), // three per second: equal lastUpdatedDates too
  }));
  await seed(burst);
  const expected = await usSkus();

  const { skus } = await fullSync();
  expect(skus).toHaveLength(expected.length);
  expect(new Set(skus).size).toBe(expected.length);
  expect([...skus].sort()).toEqual([...expected].sort());
}, BUDGET_MS);
