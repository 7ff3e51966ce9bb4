// Hostile input against every route of the Amazon service (the settings API, the settings page, and the
// connector contract's pricing routes under /connector, the app's only way in for prices), over real HTTP with the sandbox playing Amazon:
// unsigned, forged, replayed and misaddressed service signatures; malformed JSON, wrong content types,
// bodies over the limit; impossible prices, unknown currencies, hostile SKUs and ids; another shop's ids;
// the settings page's CSRF defences and its headers. Each refusal is a 4xx problem (pages: a 4xx page) and
// the database and the sandbox seller's live prices are compared before and after. fast-check runs with a
// fixed seed and bounded runs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { signRequest } from '@calibr/shared-contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTOR_BODY_LIMIT } from '../src/connector/connector-routes';
import { signSettingsLink } from '../src/settings-page/settings-link';
import { DEMO_SELLER, SHARED_SECRET, US, connectDemoSeller, control, json, remoteConnector, signedFetch, startHarness, type Harness } from './support/harness';

const SEED = 9_010;
const PROBLEM = 'application/problem+json';
const SHOP_A = 'hostile-a.myshopify.com';
const SHOP_B = 'hostile-b.myshopify.com';
const API = '/api/integrations/amazon';
/** The connector contract's pricing routes (shared-contracts' CONNECTOR_ROUTES). */
const PRICING = '/connector/pricing';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: Array<{ path: string; message: string; code?: string }>;
}

/** Every route the service serves, by the file that declares it (the inventory test checks this list). */
export const SERVICE_ROUTES: Record<string, { prefix: string; routes: string[] }> = {
  'src/routes/auth-routes.ts': { prefix: `${API}/auth`, routes: ['GET /', 'POST /start', 'POST /self', 'POST /marketplaces', 'DELETE /', 'GET / (callback)'] },
  'src/routes/catalog-routes.ts': { prefix: `${API}/catalog`, routes: ['GET /marketplaces', 'POST /sync', 'GET /listings', 'GET /items/:asin'] },
  'src/routes/health-route.ts': { prefix: '/health', routes: ['GET /'] },
  'src/settings-page/settings-routes.ts': { prefix: '/settings/amazon', routes: ['GET /polaris.css', 'GET /open', 'GET /', 'POST /connect', 'POST /credentials', 'POST /marketplaces', 'POST /disconnect'] },
};

/** The signed API as (method, path, body?) targets: paths with fake ids where the route has one. */
const API_TARGETS: ReadonlyArray<{ method: string; path: string; body?: unknown }> = [
  { method: 'GET', path: `${API}/auth` },
  { method: 'POST', path: `${API}/auth/start`, body: { region: 'na', marketplaceIds: [US] } },
  { method: 'POST', path: `${API}/auth/self`, body: { sellingPartnerId: 'A2HOSTILE', region: 'na', lwaClientId: 'x', lwaClientSecret: 'y', refreshToken: 'z' } },
  { method: 'POST', path: `${API}/auth/marketplaces`, body: { region: 'na', marketplaceIds: [US] } },
  { method: 'DELETE', path: `${API}/auth` },
  { method: 'GET', path: `${API}/catalog/marketplaces` },
  { method: 'POST', path: `${API}/catalog/sync`, body: {} },
  { method: 'GET', path: `${API}/catalog/listings` },
  { method: 'GET', path: `${API}/catalog/items/B0HOSTILE1` },
  { method: 'POST', path: `${PRICING}/batch-update`, body: { updates: [{ idempotencyKey: 'h-1', externalId: 'SKU', marketplaceId: US, price: { amount: '10.00', currency: 'USD' } }] } },
  { method: 'POST', path: `${PRICING}/update`, body: { idempotencyKey: 'h-2', externalId: 'SKU', marketplaceId: US, price: { amount: '10.00', currency: 'USD' } } },
  { method: 'GET', path: `${PRICING}/update-result?idempotencyKey=h-1` },
  { method: 'POST', path: `${PRICING}/update-results`, body: { idempotencyKeys: ['h-1'] } },
  { method: 'POST', path: `${PRICING}/fee-estimates`, body: { marketplaceId: US, items: [{ externalId: 'SKU', price: { amount: '10.00', currency: 'USD' } }] } },
  { method: 'POST', path: `${PRICING}/offer-changes`, body: { after: null, limit: 10 } },
];
const BODY_TARGETS = API_TARGETS.filter((t) => t.body !== undefined);

export function hostileServiceSuite({ provider, runs }: { provider: 'sqlite' | 'postgresql'; runs: number }): void {
  let h: Harness;
  let skus: string[] = [];
  const seeded = { updateKey: 'hx-a-patch-1', feedId: '', feedKey: 'hx-a-feed-1' };

  async function expectProblem(res: Response, status: number | number[], what: string): Promise<Problem> {
    const text = await res.text();
    const statuses = Array.isArray(status) ? status : [status];
    expect(statuses, `${what}: ${res.status} ${text.slice(0, 300)}`).toContain(res.status);
    expect(res.headers.get('content-type') ?? '', what).toContain(PROBLEM);
    const problem = JSON.parse(text) as Problem;
    expect(problem.status, what).toBe(res.status);
    expect(problem.type, what).toEqual(expect.any(String));
    expect(problem.title, what).toEqual(expect.any(String));
    expect(problem.detail, what).toEqual(expect.any(String));
    return problem;
  }

  async function livePrices(): Promise<Record<string, string | undefined>> {
    const seller = await control<{ listings: { sku: string; offers: { marketplaceId: string; price: string }[] }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`);
    return Object.fromEntries(seller.listings.map((l) => [l.sku, l.offers.find((o) => o.marketplaceId === US)?.price]));
  }

  async function snapshot(): Promise<string> {
    const db = h.database.db;
    const byId = { orderBy: { id: 'asc' as const } };
    return JSON.stringify({
      projects: await db.amazonTenant.findMany(byId),
      integrations: await db.amazonIntegration.findMany({ ...byId, select: { id: true, projectId: true, status: true, region: true, marketplaceIds: true, sellingPartnerId: true, authMode: true } }),
      updates: await db.amazonPriceUpdate.findMany(byId),
      feeds: await db.amazonPriceFeed.findMany({ ...byId, select: { id: true, projectId: true, feedId: true } }),
      listings: await db.amazonListing.findMany({ ...byId, select: { id: true, projectId: true, externalId: true, priceAmount: true } }),
      states: await db.amazonAuthorizationState.count(),
      live: await livePrices(),
    });
  }
  const unchanged = async (before: string) => expect(await snapshot()).toEqual(before);

  /** fetch with the app's service signature, or a hostile variant of it. */
  async function send(target: { method: string; path: string }, options: { shop?: string; body?: string | Uint8Array; contentType?: string | null; signBody?: string; signPath?: string; secret?: string; timestamp?: number; unsigned?: boolean; headers?: Record<string, string> } = {}): Promise<Response> {
    const body = options.body;
    const headers: Record<string, string> = { ...options.headers };
    if (!options.unsigned) {
      Object.assign(
        headers,
        signRequest({
          method: target.method,
          path: options.signPath ?? target.path,
          tenantId: options.shop ?? SHOP_A,
          body: options.signBody ?? (typeof body === 'string' ? body : body ? Buffer.from(body) : ''),
          secret: options.secret ?? SHARED_SECRET,
          ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
        }),
      );
    }
    if (body !== undefined && options.contentType !== null) headers['content-type'] = options.contentType ?? 'application/json';
    return fetch(`${h.service.url}${target.path}`, { method: target.method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual' });
  }

  beforeAll(async () => {
    h = await startHarness({ provider });
    await connectDemoSeller(h, SHOP_A);
    const seller = await control<{ listings: { sku: string }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`);
    skus = seller.listings.map((l) => l.sku);
    const update = (key: string, sku: string, amount: string) => ({ idempotencyKey: key, externalId: sku, marketplaceId: US, price: { amount, currency: 'USD' } });
    // As the app prices: one update through patchListingsItem, a batch of six through a feed.
    const connector = await remoteConnector(h, SHOP_A);
    expect(await connector.pricing.updatePrice(update(seeded.updateKey, skus[0]!, '33.33'))).toMatchObject({ status: expect.stringMatching(/^(applied|pending)$/) });
    const fed = await connector.pricing.batchUpdatePrices!(skus.slice(1, 7).map((sku, i) => update(i === 0 ? seeded.feedKey : `hx-a-feed-${i + 1}`, sku, `34.3${i}`)));
    expect(fed.platformReference?.kind, JSON.stringify(fed).slice(0, 300)).toBe('feed');
    seeded.feedId = fed.platformReference!.id;
    // Let the feed finish so nothing moves underneath the before/after comparisons.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { status } = await connector.pricing.getUpdateResult!(seeded.feedKey);
      if (status !== 'pending' || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // Shop B is known to the service (its tenant row exists) but has no seller.
    expect((await signedFetch(h.service.url, SHOP_B, 'GET', `${API}/auth`)).status).toBe(200);
  }, 120_000);
  afterAll(() => h?.close());

  describe(`Amazon service routes under hostile input (${provider})`, () => {
    it('unsigned, forged, replayed, re-pointed and body-swapped requests are a 401 problem on every API route', async () => {
      const before = await snapshot();
      const attack = fc.oneof(
        fc.constant({ kind: 'unsigned' as const }),
        fc.record({ kind: fc.constant('wrong-secret' as const), secret: fc.stringMatching(/^[a-z0-9]{32,48}$/) }),
        fc.record({ kind: fc.constant('replayed' as const), age: fc.integer({ min: 301, max: 90 * 86_400 }) }),
        fc.record({ kind: fc.constant('future' as const), ahead: fc.integer({ min: 301, max: 86_400 }) }),
        fc.record({ kind: fc.constant('other-body' as const), extra: fc.string({ minLength: 1, maxLength: 20 }) }),
        fc.constant({ kind: 'other-path' as const }),
        fc.record({ kind: fc.constant('garbage-signature' as const), value: fc.stringMatching(/^[A-Za-z0-9=+/-]{0,90}$/) }),
        fc.constant({ kind: 'settings-cookie-forged' as const }),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...API_TARGETS), attack, async (target, a) => {
          const body = target.body === undefined ? undefined : JSON.stringify(target.body);
          const now = Math.floor(Date.now() / 1000);
          const common = { ...(body !== undefined ? { body } : {}) };
          let res: Response;
          switch (a.kind) {
            case 'unsigned':
              res = await send(target, { ...common, unsigned: true });
              break;
            case 'wrong-secret':
              res = await send(target, { ...common, secret: `forged-${a.secret}` });
              break;
            case 'replayed':
              res = await send(target, { ...common, timestamp: now - a.age });
              break;
            case 'future':
              res = await send(target, { ...common, timestamp: now + a.ahead });
              break;
            case 'other-body':
              res = await send(target, { ...common, signBody: `${body ?? ''}${a.extra}` });
              break;
            case 'other-path':
              res = await send(target, { ...common, signPath: `${API}/auth` === target.path ? `${API}/catalog/listings` : `${API}/auth` });
              break;
            case 'garbage-signature':
              res = await send(target, { ...common, unsigned: true, headers: { 'x-calibr-signature': `v1=${a.value}`, 'x-calibr-tenant': SHOP_A, 'x-calibr-timestamp': String(now) } });
              break;
            case 'settings-cookie-forged':
              res = await send(target, { ...common, unsigned: true, headers: { cookie: `calibr_amazon_settings=${Buffer.from(JSON.stringify({ shop: SHOP_A, sid: 'x' })).toString('base64url')}.forged` } });
              break;
          }
          await expectProblem(res, 401, `${target.method} ${target.path} ${a.kind}`);
        }),
        { seed: SEED, numRuns: runs },
      );
      await unchanged(before);
    });

    it('malformed JSON (signed over its bytes) is a 400 problem naming the body; a body in another type is a 415; another charset is a 415', async () => {
      const before = await snapshot();
      const malformed = fc.oneof(
        fc.string({ minLength: 1, maxLength: 80 }).filter((s) => s.trim() !== '' && !parses(s)),
        fc.constantFrom('{', '{"updates":[', '{"a":1,}', "{'a':1}", '{"a":NaN}', '{"price":1e}', 'undefined', '{"a":1}{"b":2}', '"just a string"', '42'),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...BODY_TARGETS), malformed, async (target, body) => {
          const problem = await expectProblem(await send(target, { body }), 400, `${target.method} ${target.path} ${JSON.stringify(body).slice(0, 40)}`);
          expect(problem.errors?.[0]?.path).toBe('body');
        }),
        { seed: SEED, numRuns: runs },
      );
      const types = fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/json', 'application/jsonp', 'image/png');
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...BODY_TARGETS), types, async (target, type) => {
          const body = JSON.stringify(target.body);
          const res = await send(target, { body, contentType: type });
          const problem = await expectProblem(res, 415, `${target.method} ${target.path} as ${type}`);
          expect(res.headers.get('accept')).toBe('application/json');
          expect(problem.errors?.[0]?.path).toBe('Content-Type');
        }),
        { seed: SEED, numRuns: Math.min(runs, 40) },
      );
      const pricing = BODY_TARGETS.find((t) => t.path === `${PRICING}/batch-update`)!;
      await expectProblem(await send(pricing, { body: JSON.stringify(pricing.body), contentType: 'application/json; charset=iso-8859-1' }), 415, 'latin-1 JSON');
      await expectProblem(await send(pricing, { body: JSON.stringify(pricing.body), contentType: null }), 415, 'no content type');
      await unchanged(before);
    });

    it('a signed body over the price batch’s limit (CONNECTOR_BODY_LIMIT, 16 MiB) is a 413 problem, declared or streamed', async () => {
      const before = await snapshot();
      const pricing = { method: 'POST', path: `${PRICING}/batch-update` };
      expect(CONNECTOR_BODY_LIMIT).toBeLessThan(40 * 1024 * 1024);
      const body = `{"updates":[],"pad":"${'a'.repeat(40 * 1024 * 1024)}"}`;
      const problem = await expectProblem(await send(pricing, { body }), 413, 'declared 40 MiB');
      expect(problem.errors?.[0]?.code).toBe('too_large');
      const chunk = new TextEncoder().encode('a'.repeat(1024 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 0) controller.enqueue(new TextEncoder().encode('{"pad":"'));
          if (sent > 48 * 1024 * 1024) return controller.close();
          sent += chunk.byteLength;
          controller.enqueue(chunk);
        },
      });
      // Signed (over other bytes: the body is refused for its size before the signature over it is checked).
      const headers = signRequest({ method: pricing.method, path: pricing.path, tenantId: SHOP_A, body: '{}', secret: SHARED_SECRET });
      const streamed = await fetch(`${h.service.url}${pricing.path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
      await expectProblem(streamed, 413, 'streamed');
      await unchanged(before);
    });

    it('impossible prices, unknown currencies, numbers for amounts and hostile SKUs fail item by item with the field named; whole-batch faults are a 400 problem; Amazon sees nothing', async () => {
      const before = await snapshot();
      const amount = fc.constantFrom<unknown>('1e3', '-0', 'NaN', 'Infinity', '-1.00', '19.999', ' 1.00', '1,00', '0x10', '', '١٢٫٠٠', 19.99, 0, null, {}, []);
      const currency = fc.constantFrom<unknown>('USD', 'usd', 'ZZZ', 'XXX', 840, null, '\u202EUSD');
      // Mostly the seller's own SKUs (a SKU it doesn't have would fail as not_found whatever the validator does).
      const sku = fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...skus) },
        { weight: 1, arbitrary: fc.constantFrom('../../etc/passwd', 'a%2Fb', '\u202ESKU', '😀', 'x'.repeat(600)) },
        { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }) },
      );
      let n = 0;
      await fc.assert(
        fc.asyncProperty(amount, currency, sku, fc.boolean(), async (a, c, s, yen) => {
          // 1.5 JPY is as impossible as 19.999 USD: a currency's own minor units decide.
          const price = yen ? { amount: '1.5', currency: 'JPY' } : { amount: a, currency: c };
          const update = { idempotencyKey: `hx-bad-${n++}`, externalId: s, marketplaceId: US, price };
          const res = await signedFetch(h.service.url, SHOP_A, 'POST', `${PRICING}/batch-update`, { updates: [update] });
          const text = await res.text();
          // Each update fails alone (200 with its result), refused by validation with the bad field named.
          expect(res.status, text.slice(0, 300)).toBe(200);
          const result = (JSON.parse(text) as { results: Array<{ status: string; reason?: string; errors?: Array<{ path: string }> }> }).results[0]!;
          expect({ status: result.status, reason: result.reason }, `${JSON.stringify(update).slice(0, 120)} → ${text.slice(0, 300)}`).toEqual({ status: 'failed', reason: 'validation' });
          const named = (result.errors ?? []).map((e) => e.path);
          const bad = yen || c === 'USD' ? 'updates[0].price.amount' : 'updates[0].price.currency';
          expect(named, `${JSON.stringify(update).slice(0, 120)} → ${text.slice(0, 300)}`).toContain(bad);
        }),
        { seed: SEED, numRuns: runs },
      );
      for (const bad of [{ updates: 'all' }, { updates: [] }, { updates: [{}, {}].map(() => ({ idempotencyKey: 'dup', externalId: 'X', price: { amount: '1.00', currency: 'USD' } })) }]) {
        await expectProblem(await signedFetch(h.service.url, SHOP_A, 'POST', `${PRICING}/batch-update`, bad), 400, JSON.stringify(bad));
      }
      // Only failed results were stored: earlier updates untouched, each new one failed; no price went to Amazon.
      type Update = { id: string; status: string; idempotencyKey: string };
      const after = JSON.parse(await snapshot()) as { live: unknown; listings: unknown; feeds: unknown; updates: Update[] };
      const was = JSON.parse(before) as typeof after;
      expect(after.live).toEqual(was.live);
      expect(after.feeds).toEqual(was.feeds);
      expect(after.listings).toEqual(was.listings);
      const earlier = new Set(was.updates.map((u) => u.id));
      expect(after.updates.filter((u) => earlier.has(u.id))).toEqual(was.updates);
      const added = after.updates.filter((u) => !earlier.has(u.id));
      expect(added.every((u) => u.status === 'failed' && u.idempotencyKey.startsWith('hx-bad-')), JSON.stringify(added.slice(0, 3))).toBe(true);
    });

    it('ids, keys and ASINs in paths and queries with unicode, path characters, NUL or RTL marks are a 4xx problem, never a 500', async () => {
      const before = await snapshot();
      const hostile = fc.oneof(
        fc.constantFrom('../', '..%2F..%2Fetc', '%2F', '\u0000', '\u202Eevil', '😀', ' ', '%', 'a/b', "' OR 1=1 --", 'x'.repeat(3000)),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
      );
      const templates = [`${PRICING}/update-result?idempotencyKey={}`, `${API}/catalog/items/{}`, `${API}/catalog/listings?cursor={}`, `${API}/catalog/listings?limit={}`, `${API}/catalog/items/B0HOSTILE1?marketplaceId={}`];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...templates), hostile, async (template, value) => {
          // Encoded as fetch sends it (a query's ' too), so the signature covers the path as it arrives.
          const path = template.replace('{}', encodeURIComponent(value).replace(/'/g, '%27'));
          const res = await signedFetch(h.service.url, SHOP_A, 'GET', path);
          const text = await res.text();
          // An id or key in the path is looked up (no such one: 404); a query value or an ASIN is validated (400, named).
          const lookup = template.startsWith(PRICING);
          const problem = await expectProblem(new Response(text, { status: res.status, headers: res.headers }), lookup ? 404 : 400, path.slice(0, 120));
          expect(problem.type, path).toBe(lookup ? 'urn:calibr:problem:not-found' : 'urn:calibr:problem:validation');
          if (!lookup) expect(problem.errors?.map((e) => e.path), `${path.slice(0, 120)}: ${text.slice(0, 300)}`).toContain(/\/items\/\{\}|asin=/.test(template) ? 'asin' : /\?(\w+)=/.exec(template)![1]);
        }),
        { seed: SEED, numRuns: runs },
      );
      await unchanged(before);
    });

    it('Amazon’s redirect back (the callback) with forged, replayed or hostile parameters is a 4xx problem and connects nothing', async () => {
      const before = await snapshot();
      const value = fc.oneof(fc.constantFrom('', '\u0000', '../', 'x'.repeat(5000), '\u202E', 'A2CALIBRDEMONA', 'eyJhbGciOiJIUzI1NiJ9.e30.forged'), fc.string({ unit: 'binary', maxLength: 40 }));
      await fc.assert(
        fc.asyncProperty(value, value, value, async (state, code, seller) => {
          const query = new URLSearchParams({ state, spapi_oauth_code: code, selling_partner_id: seller });
          const res = await fetch(`${h.service.url}${API}/auth/callback?${query}`, { redirect: 'manual' });
          const text = await res.text();
          // An authorization state this service didn't issue (or already used) is refused first, and named.
          const problem = await expectProblem(new Response(text, { status: res.status, headers: res.headers }), 400, query.toString().slice(0, 120));
          expect(problem.type).toBe('urn:calibr:problem:validation');
          expect(problem.errors?.map((e) => e.path), text.slice(0, 300)).toContain('state');
        }),
        { seed: SEED, numRuns: Math.min(runs, 40) },
      );
      await unchanged(before);
    });

    it('another shop’s update keys are 404s (unknown in its batch reads), and its lists show nothing of the first shop', async () => {
      const before = await snapshot();
      for (const key of [seeded.updateKey, seeded.feedKey]) {
        const path = `${PRICING}/update-result?idempotencyKey=${encodeURIComponent(key)}`;
        await expectProblem(await signedFetch(h.service.url, SHOP_B, 'GET', path), 404, `${path} as ${SHOP_B}`);
        // And the first shop does see them: the 404 is about the shop, not the key.
        expect((await signedFetch(h.service.url, SHOP_A, 'GET', path)).status, path).toBe(200);
      }
      const asked = { idempotencyKeys: [seeded.updateKey, seeded.feedKey] };
      const other = await json<{ results: unknown[] }>(await signedFetch(h.service.url, SHOP_B, 'POST', `${PRICING}/update-results`, asked));
      expect(other.results).toEqual([null, null]);
      const own = await json<{ results: Array<{ idempotencyKey: string } | null> }>(await signedFetch(h.service.url, SHOP_A, 'POST', `${PRICING}/update-results`, asked));
      expect(own.results.map((r) => r?.idempotencyKey)).toEqual(asked.idempotencyKeys);
      // A feed id names nothing another shop can reach: none of the first shop's shows in its answers.
      for (const path of [`${API}/catalog/listings`, `${API}/auth`]) {
        const res = await signedFetch(h.service.url, SHOP_B, 'GET', path);
        const text = await res.text();
        expect(res.status, `${path}: ${text.slice(0, 200)}`).toBe(200);
        for (const secret of [seeded.feedId, seeded.updateKey, seeded.feedKey, DEMO_SELLER, skus[0]!, skus[1]!]) expect(text, path).not.toContain(secret);
      }
      await unchanged(before);
    });
  });

  describe(`settings page: CSRF and headers (${provider})`, () => {
    async function openSession(shop: string): Promise<{ cookie: string; csrf: string; page: Response; html: string }> {
      const opened = await fetch(signSettingsLink({ serviceUrl: h.service.url, shop, secret: SHARED_SECRET }), { redirect: 'manual' });
      expect(opened.status).toBe(303);
      const cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
      const page = await fetch(`${h.service.url}/settings/amazon`, { headers: { cookie } });
      const html = await page.text();
      const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
      expect(csrf, 'the page carries its CSRF token').toBeTruthy();
      return { cookie, csrf: csrf!, page, html };
    }

    it('forms refuse a missing or wrong token, another session’s token and a cross-origin post (403); the right token from the page’s origin works', async () => {
      const a = await openSession(SHOP_A);
      const b = await openSession(SHOP_B);
      const before = await snapshot();
      const form = (cookie: string, body: string, headers: Record<string, string> = {}) =>
        fetch(`${h.service.url}/settings/amazon/marketplaces`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, body, redirect: 'manual' });
      const cases: Array<[string, Response]> = [
        ['no token', await form(a.cookie, `region=na&marketplaceIds=${US}`)],
        ['wrong token', await form(a.cookie, `_csrf=${'x'.repeat(a.csrf.length)}&region=na&marketplaceIds=${US}`)],
        ['another session’s token', await form(a.cookie, `_csrf=${b.csrf}&region=na&marketplaceIds=${US}`)],
        ['cross-origin', await form(a.cookie, `_csrf=${a.csrf}&region=na&marketplaceIds=${US}`, { origin: 'https://evil.example' })],
        ['opaque origin', await form(a.cookie, `_csrf=${a.csrf}&region=na&marketplaceIds=${US}`, { origin: 'null' })],
      ];
      for (const [what, res] of cases) {
        expect(res.status, what).toBe(403);
        expect(await res.text(), what).toContain('Form refused');
      }
      // No session at all: 401, and the disconnect form with no session changes nothing either.
      expect((await fetch(`${h.service.url}/settings/amazon/disconnect`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${a.csrf}`, redirect: 'manual' })).status).toBe(401);
      // The session's API writes need the token header and the page's origin too.
      const apiWrite = (headers: Record<string, string>) =>
        fetch(`${h.service.url}${API}/auth/marketplaces`, { method: 'POST', headers: { cookie: a.cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ region: 'na', marketplaceIds: [US] }) });
      await expectProblem(await apiWrite({}), 403, 'API write without token');
      await expectProblem(await apiWrite({ 'x-csrf-token': b.csrf }), 403, 'API write with another session’s token');
      await expectProblem(await apiWrite({ 'x-csrf-token': a.csrf, origin: 'https://evil.example' }), 403, 'API write cross-origin');
      await unchanged(before);

      const ok = await form(a.cookie, `_csrf=${a.csrf}&region=na&marketplaceIds=${US}`, { origin: new URL(h.service.url).origin });
      expect(ok.status, await ok.clone().text()).toBe(303);
      expect(ok.headers.get('location')).toContain('notice=marketplaces');
    });

    it('forms with hostile fields (right session and token) re-render with the reason or refuse; never a 500, nothing changed; an oversize form is a 413', async () => {
      const b = await openSession(SHOP_B);
      const before = await snapshot();
      const field = fc.oneof(fc.constantFrom('', '\u0000', '../', 'x'.repeat(3000), '\u202E', 'na', 'eu', 'ZZ', US, `${US},${US}`, 'A2HOSTILE00'), fc.string({ unit: 'binary', maxLength: 30 }));
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('connect', 'credentials', 'marketplaces'), field, field, field, async (form, region, marketplaceIds, other) => {
          const body = new URLSearchParams({ _csrf: b.csrf, region, marketplaceIds, sellingPartnerId: other, lwaClientId: other, lwaClientSecret: other, refreshToken: other });
          const res = await fetch(`${h.service.url}/settings/amazon/${form}`, { method: 'POST', headers: { cookie: b.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body, redirect: 'manual' });
          const text = await res.text();
          // A valid region starts Seller Central consent (a redirect to it); everything else re-renders the page
          // (400) with the reason in its error banner.
          expect([303, 400], `${form} ${body.toString().slice(0, 120)}: ${text.slice(0, 200)}`).toContain(res.status);
          if (res.status === 303) expect(form, res.headers.get('location') ?? '').toBe('connect');
          else expect(text, `${form} ${body.toString().slice(0, 120)}`).toContain('id="page-error"');
        }),
        { seed: SEED, numRuns: Math.min(runs, 40) },
      );
      const huge = await fetch(`${h.service.url}/settings/amazon/credentials`, { method: 'POST', headers: { cookie: b.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${b.csrf}&refreshToken=${'x'.repeat(70 * 1024)}` });
      await expectProblem(huge, 413, 'oversize form');
      // Consent redirects leave a pending authorization state behind (one-use, expiring): everything else is as it was.
      const after = JSON.parse(await snapshot()) as Record<string, unknown>;
      const was = JSON.parse(before) as Record<string, unknown>;
      expect({ ...after, states: 0 }).toEqual({ ...was, states: 0 });
    });

    it('pages may be framed only by the shop’s Admin and Shopify Admin (and the sandbox’s Admin); refusals by no one; nothing permissive anywhere', async () => {
      const { page } = await openSession(SHOP_A);
      const csp = page.headers.get('content-security-policy') ?? '';
      const ancestors = /frame-ancestors([^;]*)/.exec(csp)?.[1]?.trim().split(/\s+/) ?? [];
      expect(ancestors).toContain(`https://${SHOP_A}`);
      expect(ancestors).toContain('https://admin.shopify.com');
      expect(ancestors).toContain(new URL(h.sandbox.url).origin);
      // Its own form posts keep their Origin (no-referrer would make browsers send `Origin: null`).
      expect(page.headers.get('referrer-policy')).toBe('same-origin');
      expect(ancestors.filter((o) => o !== `https://${SHOP_A}` && o !== 'https://admin.shopify.com' && !/^http:\/\/(127\.0\.0\.1|localhost):\d+$/.test(o))).toEqual([]);
      const refused = await fetch(`${h.service.url}/settings/amazon/open?shop=${SHOP_A}`);
      await refused.text();
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
      const noSession = await fetch(`${h.service.url}/settings/amazon`);
      await noSession.text();
      expect(noSession.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");

      // What each answers without credentials, [GET, OPTIONS]: public ones 200; the settings page 401 (its
      // preflight 200); the signed API 401 problems; an unknown path a 404 problem.
      const everywhere: Record<string, [number, number]> = {
        [`${h.service.url}/health`]: [200, 200],
        [`${h.service.url}/settings/amazon`]: [401, 200],
        [`${h.service.url}/settings/amazon/polaris.css`]: [200, 200],
        [`${h.service.url}${API}/auth`]: [401, 401],
        [`${h.service.url}/nowhere`]: [404, 404],
        [`${h.service.url}/connector/info`]: [401, 401],
      };
      for (const [url, statuses] of Object.entries(everywhere)) {
        for (const [i, method] of ['GET', 'OPTIONS'].entries()) {
          const res = await fetch(url, { method, headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
          await res.arrayBuffer();
          expect(res.headers.get('x-powered-by'), url).toBeNull();
          expect(res.headers.get('access-control-allow-origin'), `${method} ${url}`).toBeNull();
          expect(res.status, `${method} ${url}`).toBe(statuses[i]);
        }
      }
    });
  });
}

/** The routes each file declares (`router.get('/x'`, …), for the inventory test. */
export function declaredRoutes(file: string): string[] {
  const text = readFileSync(fileURLToPath(new URL(`../${file}`, import.meta.url)), 'utf8');
  return [...text.matchAll(/router\.(get|post|put|patch|delete)\(\s*'([^']*)'/g)].map((m) => `${m[1]!.toUpperCase()} ${m[2]}`);
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export { json };
