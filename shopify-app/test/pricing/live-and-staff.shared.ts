// Issue 18 over real HTTP (the sandbox's Shopify, the app served by Vite):
// - GET /api/pricing/live, the fingerprint the console polls: authenticated, unchanged while nothing
//   changes, moved by a suggestion stored or decided and by a change's or an attempt's status, and one
//   shop's writes never move another's; every live page's loader returns the version of its topic it
//   read, the one its live refresh starts from.
// - People, not ids: a staff member who acts is named from the online token's associated user (token
//   exchange), kept in StaffMember; changes, the audit log and the CSV exports show the name, an unknown
//   staff member shows as "Staff member", automatic approval as such.
// On SQLite (live-and-staff.test.ts) and PostgreSQL (live-and-staff.postgres.test.ts).
import { randomUUID } from 'node:crypto';
import type { DatabaseProvider } from '@calibr/db';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWithSessionToken } from '../support/app-http';
import { API_KEY, readJson, startShopifyWorld, waitFor, type ShopifyWorld } from '../support/shopify-world';

const SHOP = 'live-pages.myshopify.com';
const OTHER = 'live-pages-other.myshopify.com';

export function liveAndStaffSuite(provider: DatabaseProvider): void {
  let world: ShopifyWorld;
  let projectId: string;
  let otherId: string;
  let listingId: string;

  interface Live {
    version: string;
    pushing: number;
  }

  const live = async (shop = SHOP) => {
    const res = await world.api(shop, '/api/pricing/live');
    expect(res.status).toBe(200);
    return readJson<Live>(res);
  };

  beforeAll(async () => {
    world = await startShopifyWorld({ provider });
    for (const shop of [SHOP, OTHER]) {
      await world.createShop(shop, { products: 2 });
      expect((await world.api(shop, '/api/pricing/progress')).status).toBe(200); // installs the shop's Project
    }
    const db = world.database.db;
    projectId = (await waitFor('the shop installed', () => db.project.findUnique({ where: { shopDomain: SHOP } }))).id;
    otherId = (await waitFor('the other shop installed', () => db.project.findUnique({ where: { shopDomain: OTHER } }))).id;
    listingId = (await db.listing.create({ data: { projectId, platform: 'shopify', externalId: `gid://shopify/ProductVariant/${Date.now()}`, currency: 'USD', priceAmount: '20.00', title: 'Mug', sku: 'MUG-1' } })).id;
  }, 300_000);
  afterAll(() => world?.close());

  /** A suggestion as the monitor stores one. */
  function storeSuggestion(project = projectId, listing = listingId) {
    return world.database.db.priceSuggestion.create({ data: { projectId: project, listingId: listing, currency: 'USD', currentAmount: '20.00', suggestedAmount: '19.00', explanation: { summary: 'a competitor moved' } } });
  }

  describe('GET /api/pricing/live', () => {
    it('needs a session token like every API route', async () => {
      const res = await fetch(`${world.app.url}/api/pricing/live`);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    });

    it('holds still while nothing changes, and moves when a suggestion is stored, decided, or a push settles', async () => {
      const first = await live();
      expect(await live()).toEqual(first);
      expect(first.pushing).toBe(0);

      const suggestion = await storeSuggestion();
      const stored = await live();
      expect(stored.version).not.toBe(first.version);

      await world.database.db.priceSuggestion.update({ where: { id: suggestion.id }, data: { status: 'rejected' } });
      const decided = await live();
      expect(decided.version).not.toBe(stored.version);

      // A change in flight: the console looks again sooner while it pushes; its settling moves the fingerprint.
      const change = await world.database.db.priceChange.create({ data: { projectId, idempotencyKey: randomUUID(), listingId, currency: 'USD', fromAmount: '20.00', toAmount: '19.00', status: 'pushing' } });
      const attempt = await world.database.db.priceChangeAttempt.create({ data: { projectId, priceChangeId: change.id, listingId, platform: 'shopify', currency: 'USD', amount: '19.00', status: 'pending' } });
      const pushing = await live();
      expect(pushing.pushing).toBe(1);
      expect(pushing.version).not.toBe(decided.version);
      await world.database.db.priceChangeAttempt.update({ where: { id: attempt.id }, data: { status: 'applied' } });
      const attemptSettled = await live();
      expect(attemptSettled.version).not.toBe(pushing.version);
      await world.database.db.priceChange.update({ where: { id: change.id }, data: { status: 'rolled_back' } });
      const settled = await live();
      expect(settled).toMatchObject({ pushing: 0 });
      expect(settled.version).not.toBe(attemptSettled.version);
    });

    it('never moves for another shop’s writes', async () => {
      const before = await live(OTHER);
      const ownBefore = await live();
      await storeSuggestion();
      await world.database.db.priceChange.create({ data: { projectId, idempotencyKey: randomUUID(), listingId, currency: 'USD', fromAmount: '20.00', toAmount: '18.00', status: 'approved' } });
      expect(await live(OTHER)).toEqual(before);
      // This shop's own version moved (not its pushing count: the push engine may already have settled the change).
      expect((await live()).version).not.toBe(ownBefore.version);
      // …and its own do.
      const otherListing = await world.database.db.listing.create({ data: { projectId: otherId, platform: 'shopify', externalId: `gid://shopify/ProductVariant/${Date.now() + 1}`, currency: 'USD', priceAmount: '9.00', title: 'Cup' } });
      await storeSuggestion(otherId, otherListing.id);
      expect((await live(OTHER)).version).not.toBe(before.version);
    });
  });

  describe('each live page’s loader: the version it read', () => {
    /** Every console page that follows the live refresh, by its loader's route id, and the topic it follows. */
    const PAGES = [
      { path: '/app', route: 'routes/app._index', topic: 'readings' },
      { path: '/app/pricing', route: 'routes/app.pricing._index', topic: 'pricing' },
      { path: '/app/pricing/changes', route: 'routes/app.pricing.changes', topic: 'pricing' },
      { path: '/app/pricing/costs', route: 'routes/app.pricing.costs', topic: 'pricing' },
      { path: '/app/listings', route: 'routes/app.listings._index', topic: 'readings' },
    ] as const;

    /** Each page's loader data as the console's client navigation reads it (`?_data=`, the session token in the header). */
    const loaded = async () => {
      const versions: Record<string, string> = {};
      for (const page of PAGES) {
        const res = await world.api(SHOP, `${page.path}?_data=${encodeURIComponent(page.route)}`);
        expect(res.status, `${page.path}: ${(await res.clone().text()).slice(0, 200)}`).toBe(200);
        versions[page.path] = (await readJson<{ live: string }>(res)).live;
      }
      return versions;
    };
    const liveVersions = async () => (await readJson<{ versions: { pricing: string; readings: string } }>(await world.api(SHOP, '/api/pricing/live'))).versions;

    it('is what GET /api/pricing/live answers for the page’s topic, and a change after the loader ran moves the live one away from it', async () => {
      // The change the tests above left approved settles first (the push engine fails it: its listing isn't
      // on Shopify), so nothing but this test moves the versions.
      await waitFor('nothing pushing', async () => (await live()).pushing === 0);
      const before = await loaded();
      const now = await liveVersions();
      for (const page of PAGES) expect(before[page.path], page.path).toBe(now[page.topic]);

      // A suggestion stored after the loaders ran: the pricing pages' first look sees a version other than
      // the one they loaded (so they reload); the readings pages' topic hasn't moved.
      await storeSuggestion();
      const suggested = await liveVersions();
      for (const page of PAGES) {
        if (page.topic === 'pricing') expect(suggested.pricing, page.path).not.toBe(before[page.path]);
        else expect(suggested.readings, page.path).toBe(before[page.path]);
      }

      // A competitor's price read after the loaders ran: the readings pages' topic moves.
      const reloaded = await loaded();
      await world.database.db.competitorPriceObservation.create({ data: { projectId, listingId, currency: 'USD', buyBoxAmount: '18.50', observedAt: new Date(Date.now() + 60_000) } });
      const read = await liveVersions();
      for (const page of PAGES) {
        if (page.topic === 'readings') expect(read.readings, page.path).not.toBe(reloaded[page.path]);
        else expect(read.pricing, page.path).toBe(reloaded[page.path]);
      }
    });
  });

  describe('who approved, by name', () => {
    it('names the staff member who acts (the online token’s associated user), in changes, the audit log and the exports', async () => {
      const { staff } = await world.control<{ staff: { id: number } }>(`shopify/shops/${SHOP}/staff`, { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' });
      const token = (await world.control<{ token: string }>(`shopify/shops/${SHOP}/session-token`, { apiKey: API_KEY, userId: staff.id })).token;
      const suggestion = await storeSuggestion();
      const rejected = await fetchWithSessionToken(`${world.app.url}/api/pricing/suggestions`, token, { json: { action: 'reject', ids: [suggestion.id] } });
      expect(rejected.status, await rejected.clone().text()).toBe(200);
      expect(await readJson<{ rejected: string[] }>(rejected)).toMatchObject({ rejected: [suggestion.id] });
      expect(await world.database.db.staffMember.findMany({ where: { projectId }, select: { userId: true, displayName: true } })).toEqual([{ userId: String(staff.id), displayName: 'Grace Hopper' }]);

      // Changes approved by Grace, by a staff member never named (an older row), and automatically.
      const db = world.database.db;
      const actors = { grace: `user:${staff.id}@${SHOP}`, unknown: `user:99999@${SHOP}`, system: 'system' };
      const ids: Record<string, string> = {};
      for (const [who, approvedBy] of Object.entries(actors)) {
        ids[who] = (await db.priceChange.create({ data: { projectId, idempotencyKey: randomUUID(), listingId, currency: 'USD', fromAmount: '20.00', toAmount: '19.50', status: 'applied', approvedBy } })).id;
      }
      const { changes } = await readJson<{ changes: Array<{ id: string; approvedBy: string | null; approvedByName: string | null }> }>(await world.api(SHOP, '/api/pricing/changes?limit=100'));
      const byId = new Map(changes.map((c) => [c.id, c]));
      expect(byId.get(ids.grace!)).toMatchObject({ approvedBy: actors.grace, approvedByName: 'Grace Hopper' });
      expect(byId.get(ids.unknown!)).toMatchObject({ approvedByName: 'Staff member' });
      expect(byId.get(ids.system!)).toMatchObject({ approvedByName: 'Calibrate (automatic)' });
      // Nothing the merchant reads is a raw id.
      expect(changes.map((c) => c.approvedByName).filter((n) => n?.startsWith('user:'))).toEqual([]);

      // A product's history (its chart page's table) names the approver too.
      const history = await readJson<{ changes: Array<{ id: string; approvedByName: string | null }> }>(await world.api(SHOP, `/api/pricing/products/${listingId}/history`));
      expect(history.changes.find((c) => c.id === ids.grace)).toMatchObject({ approvedByName: 'Grace Hopper' });
      expect(history.changes.find((c) => c.id === ids.unknown)).toMatchObject({ approvedByName: 'Staff member' });

      const audit = await readJson<{ entries: Array<{ action: string; entityId: string; actor: string; actorName: string }> }>(await world.api(SHOP, '/api/pricing/audit?limit=50'));
      expect(audit.entries.find((e) => e.action === 'price_suggestion.rejected' && e.entityId === suggestion.id)).toMatchObject({ actor: actors.grace, actorName: 'Grace Hopper' });

      const historyCsv = parse(await (await world.api(SHOP, '/api/pricing/export/history')).text(), { columns: true }) as Array<Record<string, string>>;
      expect(historyCsv.find((r) => r.change_id === ids.grace)).toMatchObject({ approved_by: actors.grace, approved_by_name: 'Grace Hopper' });
      expect(historyCsv.find((r) => r.change_id === ids.unknown)).toMatchObject({ approved_by_name: 'Staff member' });
      const suggestionsCsv = parse(await (await world.api(SHOP, '/api/pricing/export/suggestions?status=rejected')).text(), { columns: true }) as Array<Record<string, string>>;
      expect(suggestionsCsv.find((r) => r.suggestion_id === suggestion.id)).toMatchObject({ decided_by: actors.grace, decided_by_name: 'Grace Hopper' });
      const auditCsv = parse(await (await world.api(SHOP, '/api/pricing/export/audit')).text(), { columns: true }) as Array<Record<string, string>>;
      expect(auditCsv.find((r) => r.action === 'price_suggestion.rejected' && r.entity_id === suggestion.id)).toMatchObject({ actor_name: 'Grace Hopper' });

      // The other shop never sees Grace.
      const otherChanges = await readJson<{ changes: Array<{ approvedByName: string | null }> }>(await world.api(OTHER, '/api/pricing/changes?limit=100'));
      expect(otherChanges.changes.some((c) => c.approvedByName === 'Grace Hopper')).toBe(false);
    });
  });
}
