// Hostile input against every API route of the app, over real HTTP (the app in Vite, the sandbox playing
// Shopify and Amazon, the Amazon service running): forged, expired and misaddressed session tokens,
// cookie-only requests, malformed JSON, wrong content types, bodies over the limit, impossible prices,
// unknown currencies, hostile SKUs and ids, another shop's ids. Each gets a 4xx RFC 9457 problem and the
// database is compared row by row before and after. fast-check runs with a fixed seed and bounded runs.
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_KEY, API_SECRET, BROWSER_UA, OTHER_SHOP, SHOP, startPlatformsWorld, type PlatformsWorld } from '../platforms/support/harness';
import { apiBodyTargets, apiTargets, SWEPT_ROUTES, type SweptRoute } from './support/hostile-routes';
import { appContext } from '../../app/app-context.server';

const SEED = 9_009;
const PROBLEM = 'application/problem+json';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: Array<{ path: string; message: string; code?: string }>;
}

export interface HostileApiOptions {
  provider: 'sqlite' | 'postgresql';
  /** fast-check runs per property (the PostgreSQL variant runs fewer). */
  runs: number;
}

export function hostileApiSuite({ provider, runs }: HostileApiOptions): void {
  let w: PlatformsWorld;
  const tokens = new Map<string, { token: string; at: number }>();
  const seeded = { linkId: '', ruleId: '', suggestionId: '', listingIds: [] as string[], sku: '' };

  async function tokenFor(shop: string): Promise<string> {
    const cached = tokens.get(shop);
    // Session tokens live a minute; reuse one for 20 s.
    if (cached && Date.now() - cached.at < 20_000) return cached.token;
    // One retry: a pooled keep-alive socket the sandbox closed while idle fails once with ECONNRESET.
    const token = await w.sessionToken(shop).catch(() => w.sessionToken(shop));
    tokens.set(shop, { token, at: Date.now() });
    return token;
  }

  async function call(path: string, init: { method?: string; shop?: string | null; headers?: Record<string, string>; body?: BodyInit; json?: unknown } = {}): Promise<Response> {
    const headers = new Headers({ 'user-agent': BROWSER_UA, ...init.headers });
    if (init.shop !== null && !headers.has('authorization')) headers.set('authorization', `Bearer ${await tokenFor(init.shop ?? SHOP)}`);
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
    return fetch(`${w.app.url}${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body !== undefined ? { body, duplex: 'half' } : {}) } as RequestInit);
  }

  async function expectProblem(res: Response, status: number | number[], what: string): Promise<Problem> {
    const text = await res.text();
    const statuses = Array.isArray(status) ? status : [status];
    expect(statuses, `${what}: ${res.status} ${text.slice(0, 300)}`).toContain(res.status);
    expect(res.headers.get('content-type') ?? '', what).toContain(PROBLEM);
    const problem = JSON.parse(text) as Problem;
    expect(problem.status, what).toBe(res.status);
    expect(typeof problem.type, what).toBe('string');
    expect(problem.title, what).toEqual(expect.any(String));
    expect(problem.detail, what).toEqual(expect.any(String));
    return problem;
  }

  /** Every row a request could touch, in a stable order. */
  async function snapshot() {
    const db = w.database.db;
    const byId = { orderBy: { id: 'asc' as const } };
    return JSON.stringify({
      projects: await db.project.findMany(byId),
      integrations: await db.platformIntegration.findMany(byId),
      syncs: await db.platformSyncLog.findMany(byId),
      amazon: await w.amazonDatabase.db.amazonIntegration.findMany(byId),
      listings: await db.listing.findMany(byId),
      links: await db.productLink.findMany(byId),
      rules: await db.pricingRule.findMany(byId),
      costs: await db.productCost.findMany(byId),
      suggestions: await db.priceSuggestion.findMany(byId),
      changes: await db.priceChange.findMany(byId),
      attempts: await db.priceChangeAttempt.findMany(byId),
      audit: await db.auditLog.findMany(byId),
      jobs: await db.backgroundJob.findMany(byId),
    });
  }

  const unchanged = async (before: string) => expect(await snapshot()).toEqual(before);

  beforeAll(async () => {
    w = await startPlatformsWorld({ provider });
    // Both shops open the app once (token exchange, Project row), as in Admin.
    for (const shop of [SHOP, OTHER_SHOP]) expect((await call('/api/platforms?live=0', { shop })).status).toBe(200);
    const db = w.database.db;
    const project = await db.project.findUniqueOrThrow({ where: { shopDomain: SHOP } });
    seeded.sku = 'HX-HOSTILE-1';
    const shopify = await db.listing.create({ data: { projectId: project.id, platform: 'shopify', externalId: 'gid://shopify/ProductVariant/990001', productExternalId: 'gid://shopify/Product/99001', sku: seeded.sku, title: 'Hostile test product', currency: 'USD', priceAmount: '20.00' } });
    const amazon = await db.listing.create({ data: { projectId: project.id, platform: 'amazon', externalId: 'HX-HOSTILE-1-AMZ', marketplaceId: 'ATVPDKIKX0DER', sku: 'HX-HOSTILE-1-AMZ', asin: 'B0HOSTILE1', title: 'Hostile test product', currency: 'USD', priceAmount: '21.00' } });
    seeded.listingIds = [shopify.id, amazon.id];
    const link = await call('/api/product-links', { json: { listingIds: seeded.listingIds, sku: seeded.sku } });
    expect(link.status, await link.clone().text()).toBe(201);
    seeded.linkId = ((await link.json()) as { id: string }).id;
    const rule = await call('/api/pricing/rules', { json: { name: 'Hostile fixed', scope: 'shop', kind: 'fixed_price', params: { price: '24.99' }, currency: 'USD' } });
    expect(rule.status, await rule.clone().text()).toBe(201);
    seeded.ruleId = ((await rule.json()) as { id: string }).id;
    const suggestion = await db.priceSuggestion.create({
      data: { projectId: project.id, productLinkId: seeded.linkId, listingId: shopify.id, ruleId: seeded.ruleId, currency: 'USD', currentAmount: '20.00', suggestedAmount: '24.99', explanation: { note: 'seeded by the hostile-input test' } },
    });
    seeded.suggestionId = suggestion.id;
  }, 240_000);
  afterAll(() => w?.close());

  /** Session tokens that must never authenticate: forged, expired (a replay), not yet valid, for another app. */
  const badCredential = fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.record({ kind: fc.constant('cookie-only' as const), value: fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) }),
    fc.record({ kind: fc.constant('garbage' as const), value: fc.stringMatching(/^[A-Za-z0-9._~+/=-]{1,400}$/) }),
    fc.record({ kind: fc.constant('basic' as const), value: fc.stringMatching(/^[A-Za-z0-9+/]{4,64}$/) }),
    fc.record({ kind: fc.constant('wrong-secret' as const), secret: fc.stringMatching(/^[a-z0-9]{16,48}$/) }),
    fc.record({ kind: fc.constant('expired' as const), ageSeconds: fc.integer({ min: 70, max: 30 * 86_400 }) }),
    fc.record({ kind: fc.constant('not-yet-valid' as const), aheadSeconds: fc.integer({ min: 120, max: 86_400 }) }),
    fc.record({ kind: fc.constant('other-app' as const), audience: fc.stringMatching(/^[a-f0-9]{32}$/) }),
    fc.constant({ kind: 'alg-none' as const }),
  );
  type BadCredential = typeof badCredential extends fc.Arbitrary<infer T> ? T : never;

  async function sessionToken(claims: { shop?: string; aud?: string; iat?: number; nbf?: number; exp?: number }, secret = API_SECRET): Promise<string> {
    const shop = claims.shop ?? SHOP;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ dest: `https://${shop}`, sid: randomUUID() })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(`https://${shop}/admin`)
      .setAudience(claims.aud ?? API_KEY)
      .setSubject('1')
      .setJti(randomUUID())
      .setIssuedAt(claims.iat ?? now)
      .setNotBefore(claims.nbf ?? now)
      .setExpirationTime(claims.exp ?? now + 60)
      .sign(new TextEncoder().encode(secret));
  }

  async function headersFor(credential: BadCredential): Promise<Record<string, string>> {
    const now = Math.floor(Date.now() / 1000);
    switch (credential.kind) {
      case 'none':
        return {};
      case 'cookie-only':
        // What a cross-site form would carry: cookies, never the App Bridge bearer token.
        return { cookie: `shopify_app_session=${credential.value}; shopify_app_session.sig=${credential.value}` };
      case 'garbage':
        return { authorization: `Bearer ${credential.value}` };
      case 'basic':
        return { authorization: `Basic ${credential.value}` };
      case 'wrong-secret':
        return { authorization: `Bearer ${await sessionToken({}, `shpss_${credential.secret}`)}` };
      case 'expired':
        return { authorization: `Bearer ${await sessionToken({ iat: now - credential.ageSeconds - 60, nbf: now - credential.ageSeconds - 60, exp: now - credential.ageSeconds })}` };
      case 'not-yet-valid':
        return { authorization: `Bearer ${await sessionToken({ iat: now + credential.aheadSeconds, nbf: now + credential.aheadSeconds, exp: now + credential.aheadSeconds + 60 })}` };
      case 'other-app':
        return { authorization: `Bearer ${await sessionToken({ aud: credential.audience })}` };
      case 'alg-none': {
        const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        return { authorization: `Bearer ${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: `https://${SHOP}/admin`, dest: `https://${SHOP}`, aud: API_KEY, sub: '1', exp: now + 60, nbf: now, iat: now, jti: randomUUID(), sid: 'x' })}.` };
      }
    }
  }

  describe(`API routes under hostile input (${provider})`, () => {
    it('a request without a valid session token (none, cookie-only, forged, expired, not yet valid, another app’s, alg none) is a 401 problem on every API route', async () => {
      const before = await snapshot();
      const targets = apiTargets();
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...targets), badCredential, async ({ route, method }, credential) => {
          const res = await call(route.path, {
            method,
            shop: null,
            headers: { ...(await headersFor(credential)), ...(route.bodies.includes(method) ? { 'content-type': 'application/json' } : {}) },
            ...(route.bodies.includes(method) ? { body: '{}' } : {}),
          });
          await expectProblem(res, 401, `${method} ${route.path} with ${credential.kind}`);
        }),
        { seed: SEED, numRuns: runs },
      );
      // And every (route, method) at least once, with a cookie only (the CSRF case: cookies ride along, bearer tokens don't).
      for (const { route, method } of targets) {
        const res = await call(route.path, { method, shop: null, headers: { cookie: 'shopify_app_session=forged' } });
        await expectProblem(res, 401, `${method} ${route.path} cookie-only`);
      }
      await unchanged(before);
    });

    it('a valid session token for a shop that never installed the app gets no data', async () => {
      const before = await snapshot();
      const token = await sessionToken({ shop: 'never-installed-hostile.myshopify.com' });
      for (const path of ['/api/platforms?live=0', '/api/pricing/rules', `/api/product-links/${seeded.linkId}`]) {
        const res = await call(path, { shop: null, headers: { authorization: `Bearer ${token}` } });
        const text = await res.text();
        // Shopify refuses the token exchange: 401, or 503 when the library can't tell why (never its bare 500).
        await expectProblem(new Response(text, { status: res.status, headers: res.headers }), [401, 503], path);
        // (The problem's `instance` is the path asked for; nothing beyond it may come back.)
        for (const secret of [seeded.sku, seeded.ruleId, ...seeded.listingIds]) expect(text).not.toContain(secret);
      }
      await unchanged(before);
    });

    it('malformed JSON, non-object JSON, invalid UTF-8 and NUL characters get a 400 problem naming the body on every route that reads one', async () => {
      const before = await snapshot();
      const malformed = fc.oneof(
        fc.string({ maxLength: 80 }).filter((s) => s.trim() !== '' && !parses(s)),
        fc.constantFrom('{', '{"a":', '{"a":1,}', "{'a':1}", '{"a":NaN}', '{"price":1e}', '[1,2', 'undefined', '{"a":"\\x"}', '\u0000', '{"a":1}{"b":2}'),
      );
      const nonObject = fc.constantFrom('[]', '[{"id":"x"}]', '42', '"text"', 'null', 'true', '-0', '1e3');
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...apiBodyTargets()),
          fc.oneof(
            malformed.map((body) => ({ body: body as BodyInit, code: 'invalid_json' })),
            nonObject.map((body) => ({ body: body as BodyInit, code: 'invalid_type' })),
            fc.constant({ body: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) as BodyInit, code: 'invalid_encoding' }),
            fc.constantFrom('{"sku":"A\\u0000B"}', '{"name":"x\\u0000","listingIds":["\\u0000"]}', '{"a\\u0000":1}').map((body) => ({ body: body as BodyInit, code: 'invalid_characters' })),
          ),
          async ({ route, method }, { body, code }) => {
            const res = await call(route.path, { method, headers: { 'content-type': 'application/json' }, body });
            const problem = await expectProblem(res, 400, `${method} ${route.path} ${String(body).slice(0, 40)}`);
            expect(problem.errors?.[0]?.code, `${method} ${route.path}`).toBe(code);
          },
        ),
        { seed: SEED, numRuns: runs },
      );
      const deep = `${'{"a":'.repeat(200)}1${'}'.repeat(200)}`;
      const problem = await expectProblem(await call('/api/pricing/rules', { method: 'POST', headers: { 'content-type': 'application/json' }, body: deep }), 400, 'deep nesting');
      expect(problem.errors?.[0]?.code).toBe('too_deep');
      await unchanged(before);
    });

    it('a body sent as anything but JSON is a 415 problem on every route that reads one', async () => {
      const before = await snapshot();
      const types = fc.constantFrom(
        'text/plain',
        'text/plain;charset=UTF-8',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=hostile',
        'application/xml',
        'text/json',
        'application/json; charset=iso-8859-1',
        'application/jsonp',
        'image/png',
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...apiBodyTargets()), types, async ({ route, method }, type) => {
          const res = await call(route.path, { method, headers: { 'content-type': type }, body: '{"mode":"full","name":"x"}' });
          const problem = await expectProblem(res, 415, `${method} ${route.path} as ${type}`);
          expect(res.headers.get('accept')).toBe('application/json');
          expect(problem.errors?.[0]?.path).toBe('Content-Type');
        }),
        { seed: SEED, numRuns: Math.min(runs, 60) },
      );
      // A body with no Content-Type at all is refused the same way (undici would label a string text/plain).
      const res = await call('/api/pricing/rules', { method: 'POST', body: new Blob(['{"name":"x"}']) });
      await expectProblem(res, 415, 'no content type');
      await unchanged(before);
    });

    it('a body over the limit is a 413 problem on every route that reads one, declared or streamed', async () => {
      const before = await snapshot();
      for (const { route, method } of apiBodyTargets()) {
        const limit = route.path === '/api/pricing/costs/import' ? 12 * 1024 * 1024 : route.path === '/api/pricing/suggestions' ? 2 * 1024 * 1024 : 1024 * 1024;
        const body = `{"pad":"${'a'.repeat(limit)}"}`;
        const problem = await expectProblem(await call(route.path, { method, json: undefined, headers: { 'content-type': 'application/json' }, body }), 413, `${method} ${route.path}`);
        expect(problem.errors?.[0]?.code).toBe('too_large');
      }
      // Chunked, no Content-Length: the cap holds while streaming.
      const chunk = new TextEncoder().encode('a'.repeat(64 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 0) controller.enqueue(new TextEncoder().encode('{"pad":"'));
          if (sent > 4 * 1024 * 1024) return controller.close();
          sent += chunk.byteLength;
          controller.enqueue(chunk);
        },
      });
      const res = await call('/api/pricing/rules', { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream });
      await expectProblem(res, 413, 'streamed body');
      await unchanged(before);
    });

    it('another shop’s ids answer 404 with nothing of the first shop, and change nothing', async () => {
      const before = await snapshot();
      const other = { shop: OTHER_SHOP };
      const cases: Array<[string, string, unknown?]> = [
        ['GET', `/api/product-links/${seeded.linkId}`],
        ['PATCH', `/api/product-links/${seeded.linkId}`, { remove: [seeded.listingIds[0]] }],
        ['DELETE', `/api/product-links/${seeded.linkId}`],
        ['PATCH', `/api/pricing/rules/${seeded.ruleId}`, { name: 'taken over' }],
        ['DELETE', `/api/pricing/rules/${seeded.ruleId}`],
        ['GET', `/api/pricing/products/${seeded.linkId}/history`],
        ['GET', `/api/pricing/products/${seeded.listingIds[0]}/history`],
        ['GET', `/api/listings/${seeded.linkId}`],
        ['PATCH', `/api/listings/${seeded.linkId}`, { cost: '0.01', floor: '' }],
      ];
      for (const [method, path, json] of cases) {
        const res = await call(path, { ...other, method, ...(json === undefined ? {} : { json }) });
        await expectProblem(res, 404, `${method} ${path} as ${OTHER_SHOP}`);
      }
      // Lists and bulk actions of the other shop never show or touch the first shop's rows.
      const lists = ['/api/product-links', '/api/product-links?unlinked=1', '/api/pricing/rules', '/api/pricing/suggestions?status=all', `/api/pricing/changes?productLinkId=${seeded.linkId}`, '/api/pricing/audit', '/api/pricing/export/suggestions?status=all', '/api/listings', `/api/listings?q=${encodeURIComponent(seeded.sku)}`, '/api/pricing/export/costs'];
      for (const path of lists) {
        const res = await call(path, other);
        const text = await res.text();
        expect(res.status, `${path}: ${text.slice(0, 200)}`).toBe(200);
        for (const secret of [seeded.linkId, seeded.ruleId, seeded.suggestionId, seeded.sku, ...seeded.listingIds]) expect(text, path).not.toContain(secret);
      }
      const approve = await call('/api/pricing/suggestions', { ...other, json: { action: 'approve', items: [{ id: seeded.suggestionId }] } });
      // A bulk decision answers per id: another shop's suggestion is refused as not_found, never decided.
      const notFound = { approved: [], rejected: [], refused: [expect.objectContaining({ suggestionId: seeded.suggestionId, code: 'not_found' })] };
      expect(approve.status).toBe(200);
      expect(await approve.json()).toEqual(notFound);
      const reject = await call('/api/pricing/suggestions', { ...other, json: { action: 'reject', ids: [seeded.suggestionId] } });
      expect(reject.status).toBe(200);
      expect(await reject.json()).toEqual(notFound);
      const link = await call('/api/product-links', { ...other, json: { listingIds: seeded.listingIds, sku: 'STOLEN' } });
      expect((await expectProblem(link, 404, `link another shop's listings as ${OTHER_SHOP}`)).type).toBe('urn:calibr:problem:not-found');
      await unchanged(before);
    });

    it('ids and platforms in the path with unicode, path characters, NUL or RTL marks are a 4xx problem, never a 500', async () => {
      const before = await snapshot();
      const hostileId = fc.oneof(
        fc.constantFrom('../', '..%2F..%2Fetc%2Fpasswd', '%2F', '%00', '\u0000', '\u202Eevil', 'ﬁ', '😀', ' ', '..', '%', 'a/b', 'a\\b', "' OR 1=1 --", 'x'.repeat(3000)),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      );
      const templates = ['/api/product-links/{}', '/api/pricing/rules/{}', '/api/pricing/products/{}/history', '/api/pricing/changes/{}/retry', '/api/pricing/changes/{}/rollback', '/api/platforms/{}', '/api/platforms/{}/status', '/api/pricing/export/{}', '/api/listings/{}'];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...templates), hostileId, async (template, id) => {
          const path = template.replace('{}', encodeURIComponent(id));
          const method = /retry|rollback/.test(template) ? 'POST' : template.includes('rules') ? 'DELETE' : 'GET';
          const res = await call(path, { method });
          // No such id, platform or export here: a 404 not-found problem, whatever the id is made of.
          const problem = await expectProblem(res, 404, `${method} ${path.slice(0, 120)}`);
          expect(problem.type, `${method} ${path.slice(0, 120)}`).toBe('urn:calibr:problem:not-found');
        }),
        { seed: SEED, numRuns: runs },
      );
      await unchanged(before);
    });

    it('hostile query strings (paging, limits, search, filters) on every reading API route are answered or refused with a problem, never a 500', async () => {
      const before = await snapshot();
      const reads = apiTargets().filter((t) => t.method === 'GET');
      // What each reading route answers without the hostile parameter: a parameter it doesn't read leaves that
      // answer; one it reads and refuses is a 400 validation problem naming it.
      const plain = new Map<string, number>();
      for (const { route } of reads) {
        const res = await call(route.path);
        await res.arrayBuffer();
        plain.set(route.path, res.status);
      }
      const expectAnswerOrNamedRefusal = async (res: Response, path: string, names: string[], what: string) => {
        const text = await res.text();
        if (res.status === plain.get(path)) return;
        const problem = await expectProblem(new Response(text, { status: res.status, headers: res.headers }), 400, `${what} (plain: ${plain.get(path)})`);
        expect(problem.type, what).toBe('urn:calibr:problem:validation');
        const named = (problem.errors ?? []).map((e) => e.path.replace(/^query\./, ''));
        expect(names.some((n) => named.includes(n)), `${what}: ${text.slice(0, 300)}`).toBe(true);
      };
      const param = fc.constantFrom('page', 'pageSize', 'limit', 'q', 'status', 'sort', 'direction', 'days', 'live', 'id', 'ids', 'entityId', 'productLinkId', 'platform', 'unlinked');
      const value = fc.oneof(
        fc.constantFrom('-1', '0', '-0', '1e9', '1e400', 'NaN', 'Infinity', '2.5', '9007199254740993', '', ' ', '\u0000', '%', '\u202E', "' OR 1=1 --", 'x'.repeat(5000), ',,,', 'a,\u0000'),
        fc.string({ unit: 'binary', maxLength: 30 }),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...reads), param, value, async ({ route }, name, v) => {
          const url = new URL(route.path, 'http://x');
          url.searchParams.set(name, v);
          const res = await call(`${url.pathname}${url.search}`);
          await expectAnswerOrNamedRefusal(res, route.path, [name], `${url.pathname}${url.search.slice(0, 80)}`);
        }),
        { seed: SEED, numRuns: runs },
      );
      // And the sharpest ones on every reading route, whatever the sample drew: NUL (PostgreSQL refuses it in
      // text), negative and huge paging.
      for (const { route } of reads) {
        for (const query of ['q=a%00b', 'status=%00', 'ids=a,%00', 'entityId=%00', 'productLinkId=%00', 'id=%00', 'page=-1&pageSize=1e9', 'limit=-5', 'days=-1e400', 'platform=%00']) {
          const url = `${route.path}${route.path.includes('?') ? '&' : '?'}${query}`;
          const res = await call(url);
          await expectAnswerOrNamedRefusal(res, route.path, [...new URLSearchParams(query).keys()], url);
        }
      }
      await unchanged(before);
    });

    it('impossible prices and unknown currencies in rules, dry runs and approvals are refused with the field named; nothing is written', async () => {
      const before = await snapshot();
      // (null and "" mean "no such guardrail" and are allowed.)
      const badAmount = fc.constantFrom<unknown>('1e3', '-0', 'NaN', 'Infinity', '-1.00', '19.999', ' 1.00', '1,00', '0x10', '١٢٫٠٠', '1.00\u202E', 19.99, 0, -0, 1e21, true, {}, [], ['1.00']);
      const badCurrency = fc.constantFrom<unknown>('usd', 'ZZZ', 'US', 'USDD', 'XXX', '€', 840, null, {}, '\u202EUSD');
      const field = fc.constantFrom('floorAmount', 'ceilingAmount', 'mapAmount');
      await fc.assert(
        fc.asyncProperty(field, badAmount, async (name, amount) => {
          const draft = { name: 'Hostile', scope: 'shop', kind: 'fixed_price', params: { price: '24.99' }, currency: 'USD', [name]: amount };
          const problem = await expectProblem(await call('/api/pricing/rules', { json: draft }), 400, `${name}=${JSON.stringify(amount)}`);
          expect(problem.errors?.map((e) => e.path).join(' '), JSON.stringify(problem)).toContain(name);
          await expectProblem(await call('/api/pricing/dry-run', { json: { rule: draft } }), 400, `dry run ${name}=${JSON.stringify(amount)}`);
        }),
        { seed: SEED, numRuns: Math.min(runs, 60) },
      );
      await fc.assert(
        fc.asyncProperty(badCurrency, async (currency) => {
          const problem = await expectProblem(await call('/api/pricing/rules', { json: { name: 'Hostile', scope: 'shop', kind: 'fixed_price', params: { price: '24.99' }, currency, floorAmount: '10.00' } }), 400, `currency=${JSON.stringify(currency)}`);
          expect(problem.errors?.map((e) => e.path).join(' '), JSON.stringify(problem)).toContain('currency');
        }),
        { seed: SEED, numRuns: 20 },
      );
      // Amounts in a currency's own minor units: 1.5 JPY and 19.999 USD don't exist.
      for (const [currency, amount] of [['JPY', '1.5'], ['USD', '19.999'], ['KWD', '1.2345']]) {
        const problem = await expectProblem(await call('/api/pricing/rules', { json: { name: 'Minor units', scope: 'shop', kind: 'fixed_price', params: { price: amount }, currency, floorAmount: amount } }), 400, `${amount} ${currency}`);
        expect(problem.errors?.length).toBeGreaterThan(0);
      }
      // Approving with an edited price: a number is a 400 problem; a string that isn't a USD amount is refused for that id.
      for (const amount of [1000, 19.99, -0, null, true]) {
        const problem = await expectProblem(await call('/api/pricing/suggestions', { json: { action: 'approve', items: [{ id: seeded.suggestionId, amount }] } }), 400, `approve amount ${String(amount)}`);
        expect(problem.errors?.[0]?.path).toBe('items[0].amount');
      }
      for (const amount of ['1e3', '-0', 'NaN', '19.999', '-5.00', '']) {
        const res = await call('/api/pricing/suggestions', { json: { action: 'approve', items: [{ id: seeded.suggestionId, amount }] } });
        const text = await res.text();
        expect(res.status, text).toBe(200);
        expect(JSON.parse(text), text).toEqual({
          approved: [],
          rejected: [],
          refused: [expect.objectContaining({ suggestionId: seeded.suggestionId, code: 'validation', errors: [expect.objectContaining({ path: 'amount' })] })],
        });
      }
      await unchanged(before);
    });

    it('a cost import with impossible prices previews each bad row and, applied without skipInvalid, writes nothing', async () => {
      const before = await snapshot();
      const csv = `sku,cost,currency\n${seeded.sku},1e3,USD\n${seeded.sku},19.999,USD\n${seeded.sku},NaN,USD\n${seeded.sku},1.5,JPY\n${seeded.sku},5.00,ZZZ\n${seeded.sku},-0,USD\n`;
      const preview = await call('/api/pricing/costs/import', { json: { csv } });
      const previewText = await preview.text();
      expect(preview.status, previewText).toBe(200);
      // Each row's own fault, by column (lines after the first also repeat its SKU: that alone doesn't decide).
      const rows = (JSON.parse(previewText) as { rows: Array<{ line: number; action: string; errors: Array<{ column: string; message: string }> }> }).rows;
      // In the merchant's words (app/pricing/money-text.ts): an exponent or NaN is not a number to them.
      const expected: Array<[number, string, RegExp]> = [
        [2, 'cost', /must be a number, like 12\.50/],
        [3, 'cost', /too many decimals: USD allows 2/],
        [4, 'cost', /must be a number, like 12\.50/],
        [5, 'cost', /too many decimals: JPY uses whole amounts/],
        [6, 'currency', /Unknown currency "ZZZ"/],
        [7, 'cost', /can’t be negative/],
      ];
      expect(rows.map((r) => r.line)).toEqual(expected.map(([line]) => line));
      for (const [line, column, message] of expected) {
        const row = rows.find((r) => r.line === line)!;
        expect(row.action, `line ${line}`).toBe('error');
        expect(row.errors.some((e) => e.column === column && message.test(e.message)), `line ${line}: ${JSON.stringify(row.errors)}`).toBe(true);
      }
      const apply = await call('/api/pricing/costs/import', { json: { csv, apply: true } });
      const problem = await expectProblem(apply, 400, 'apply without skipInvalid');
      expect(problem.type).toBe('urn:calibr:problem:validation');
      await unchanged(before);
    });

    it('SKUs with unicode, path characters and RTL marks round-trip through a manual link or are refused; oversize ones and oversize arrays are a 400 problem', async () => {
      const hostileSku = fc.oneof(
        fc.constantFrom('../../etc/passwd', 'a%2Fb', 'SKU/1', 'SKU\\1', '\u202ESKU-RTL', 'ＳＫＵ－１', 'ßku-ü', '😀-SKU', 'SKU\u200B1', '<script>x</script>'),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\u0000') && s.trim() !== ''),
      );
      // The documented SKU rule, written out here: compatibility forms folded (NFKC), trimmed, runs of
      // whitespace one space, upper case. Spelled out for a few, then applied to whatever fast-check draws.
      const expectedSku = (sku: string) => sku.normalize('NFKC').trim().replace(/\s+/g, ' ').toUpperCase();
      const roundTrip = async (sku: string, expected: string) => {
        const res = await call('/api/product-links', { json: { listingIds: seeded.listingIds, sku, title: sku } });
        const text = await res.text();
        expect(res.status, `${JSON.stringify(sku)}: ${text.slice(0, 200)}`).toBe(201);
        const view = JSON.parse(text) as { id: string; sku: string; title: string };
        expect({ sku: view.sku, title: view.title }, JSON.stringify(sku)).toEqual({ sku: expected, title: sku });
        const again = await call(`/api/product-links/${encodeURIComponent(view.id)}`);
        expect(again.status).toBe(200);
        expect(((await again.json()) as { sku: string }).sku, JSON.stringify(sku)).toBe(expected);
      };
      for (const [sku, expected] of [['ＳＫＵ－１', 'SKU-1'], ['ßku-ü', 'SSKU-Ü'], ['../../etc/passwd', '../../ETC/PASSWD'], ['\u202ESKU-RTL', '\u202ESKU-RTL'], ['  a\t b  ', 'A B']] as const) await roundTrip(sku, expected);
      await fc.assert(
        fc.asyncProperty(hostileSku, async (sku) => roundTrip(sku, expectedSku(sku))),
        { seed: SEED, numRuns: Math.min(runs, 40) },
      );
      // Put the seeded link back as it was for whatever runs next.
      expect((await call('/api/product-links', { json: { listingIds: seeded.listingIds, sku: seeded.sku } })).status).toBe(201);
      const before = await snapshot();
      for (const json of [
        { listingIds: seeded.listingIds, sku: 'S'.repeat(256) },
        { listingIds: seeded.listingIds, title: 'T'.repeat(513) },
        { listingIds: Array.from({ length: 5_000 }, (_, i) => `id-${i}`) },
        { listingIds: [seeded.listingIds[0], 42] },
        { listingIds: seeded.listingIds, sku: 42 },
      ]) {
        await expectProblem(await call('/api/product-links', { json }), 400, JSON.stringify(json).slice(0, 80));
      }
      await expectProblem(await call(`/api/product-links/${seeded.linkId}`, { method: 'PATCH', json: { add: Array.from({ length: 5_000 }, () => randomBytes(8).toString('hex')) } }), 400, 'oversize add');
      await expectProblem(await call('/api/pricing/suggestions', { json: { action: 'approve', items: Array.from({ length: 10_001 }, (_, i) => ({ id: `s${i}` })) } }), 400, 'approve 10,001');
      await expectProblem(await call('/api/pricing/suggestions', { json: { action: 'delete', ids: [seeded.suggestionId] } }), 400, 'unknown action');
      await expectProblem(await call('/api/pricing/suggestions', { json: { action: 'reject', ids: Array.from({ length: 10_001 }, (_, i) => `s${i}`) } }), 400, 'reject 10,001');
      await unchanged(before);
    });
  });

  describe(`documents and headers (${provider})`, () => {
    it('embedded documents carry frame-ancestors for the shop, Shopify Admin and (sandbox mode) the sandbox Admin; nothing permissive', async () => {
      const token = await tokenFor(SHOP);
      const host = Buffer.from(`admin.shopify.com/store/${SHOP.replace('.myshopify.com', '')}`).toString('base64url');
      const res = await fetch(`${w.app.url}/app?embedded=1&shop=${SHOP}&host=${host}&id_token=${token}`, { headers: { 'user-agent': BROWSER_UA } });
      await res.text();
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      const ancestors = /frame-ancestors([^;]*)/.exec(csp)?.[1]?.trim().split(/\s+/) ?? [];
      expect(ancestors).toContain(`https://${SHOP}`);
      expect(ancestors).toContain('https://admin.shopify.com');
      expect(ancestors).toContain(new URL(w.sandbox.url).origin);
      expect(ancestors).not.toContain('*');
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      // A document for no shop may be framed by Shopify Admin only (and the sandbox's in sandbox mode).
      const landing = await fetch(`${w.app.url}/`, { headers: { 'user-agent': BROWSER_UA } });
      await landing.text();
      const landingAncestors = /frame-ancestors([^;]*)/.exec(landing.headers.get('content-security-policy') ?? '')?.[1]?.trim().split(/\s+/) ?? [];
      expect(landingAncestors).toContain('https://admin.shopify.com');
      expect(landingAncestors.every((o) => o === 'https://admin.shopify.com' || new URL(o).hostname === '127.0.0.1' || new URL(o).hostname === 'localhost')).toBe(true);
    });

    it('documents refuse forged or expired id_tokens (no 200, never a 500); a cookie-only form post to an app action is refused', async () => {
      const now = Math.floor(Date.now() / 1000);
      const forged = [await sessionToken({}, 'shpss_not_our_secret_000000000000'), await sessionToken({ exp: now - 3600, nbf: now - 3700, iat: now - 3700 }), 'not.a.jwt'];
      for (const route of SWEPT_ROUTES.filter((r) => r.kind === 'document')) {
        for (const idToken of forged) {
          const res = await fetch(`${w.app.url}${route.path}?embedded=1&shop=${SHOP}&id_token=${encodeURIComponent(idToken)}`, { headers: { 'user-agent': BROWSER_UA }, redirect: 'manual' });
          const text = await res.text();
          // Bounced to the app's own auth (to get a fresh session token), never rendered.
          expect(res.status, `${route.path}: ${text.slice(0, 200)}`).toBe(302);
          expect(new URL(res.headers.get('location') ?? '', w.app.url).pathname, route.path).toMatch(/^\/auth\//);
          expect(text).not.toContain(seeded.sku);
        }
      }
      const before = await snapshot();
      const form = { 'user-agent': BROWSER_UA, 'content-type': 'application/x-www-form-urlencoded', cookie: 'shopify_app_session=forged' };
      const post = await fetch(`${w.app.url}/app/integrations/shopify`, { method: 'POST', headers: form, body: 'mode=full', redirect: 'manual' });
      await post.text();
      // No session token: bounced to the app's own auth, never run.
      expect(post.status).toBe(302);
      expect(new URL(post.headers.get('location') ?? '', w.app.url).pathname).toMatch(/^\/auth\//);
      // From another origin: refused before Remix (whose own CSRF guard would answer 500) as a 403 problem.
      const crossSite = await fetch(`${w.app.url}/app/integrations/shopify`, { method: 'POST', headers: { ...form, origin: 'https://evil.example' }, body: 'mode=full', redirect: 'manual' });
      expect((await expectProblem(crossSite, 403, 'cross-site form post')).type).toBe('urn:calibr:problem:authorization');
      expect(await w.database.db.platformSyncLog.count()).toBe(JSON.parse(before).syncs.length);
      await unchanged(before);
    });

    it('a document for another shop’s product, no product or a hostile id is a 404 page, never a 500', async () => {
      const token = await tokenFor(OTHER_SHOP);
      const host = Buffer.from(`admin.shopify.com/store/${OTHER_SHOP.replace('.myshopify.com', '')}`).toString('base64url');
      for (const page of ['/app/pricing/products/', '/app/listings/']) {
        for (const id of [seeded.linkId, seeded.listingIds[0]!, 'cm0nothing00000000000000', '\u0000', '..%2F', '\u202Eevil', 'x'.repeat(500)]) {
          let res = await fetch(`${w.app.url}${page}${encodeURIComponent(id)}?embedded=1&shop=${OTHER_SHOP}&host=${host}&id_token=${token}`, { headers: { 'user-agent': BROWSER_UA }, redirect: 'manual' });
          let text = await res.text();
          // The old product address sends a well-formed id on to the listing page (reading nothing), where it is the 404.
          if (page === '/app/pricing/products/' && /^[A-Za-z0-9_-]{1,64}$/.test(id)) {
            expect(res.status, `${page}${JSON.stringify(id)}: ${text.slice(0, 200)}`).toBe(302);
            expect(text).not.toContain(seeded.sku);
            const to = new URL(res.headers.get('location') ?? '', w.app.url);
            expect(to.pathname).toBe(`/app/listings/${id}`);
            res = await fetch(to, { headers: { 'user-agent': BROWSER_UA }, redirect: 'manual' });
            text = await res.text();
          }
          expect(res.status, `${page}${JSON.stringify(id)}: ${text.slice(0, 200)}`).toBe(404);
          expect(text).not.toContain(seeded.sku);
        }
      }
    });

    it('install, login, OAuth callback and session-token routes with hostile shops and parameters never answer 500 nor redirect off Shopify', async () => {
      const before = await snapshot();
      const shopValue = fc.oneof(
        fc.constantFrom('../', 'evil.com', 'https://evil.com', 'evil.myshopify.com.evil.com', `${SHOP}/../evil`, `${SHOP}%00`, '\u0000', '\u202Eevil.myshopify.com', 'x'.repeat(3000), 'javascript:alert(1)', '//evil.com', ''),
        fc.string({ unit: 'binary', maxLength: 40 }),
      );
      const targets = ['/api/integrations/shopify/install?shop={}', '/auth/login?shop={}', '/auth?shop={}', '/auth/callback?shop={}&code=x&state=y&hmac=z&timestamp=1', '/api/integrations/shopify/oauth/callback?shop={}&code=x&hmac=z', '/auth/session-token?shop={}&shopify-reload=%2Fapp', '/auth/exit-iframe?shop={}&exitIframe={}', '/?shop={}'];
      // What each answers a hostile shop: the install route a 400 problem (or, for a name that makes a shop
      // domain, the redirect to its OAuth); the login page re-rendered with its error; Shopify's library's own
      // routes its plain-text 400 (or a redirect/page for a valid shop); our OAuth callback a redirect back
      // to the install flow (307); the landing page itself, or a redirect to login.
      const answers: Record<string, number[]> = {
        '/api/integrations/shopify/install': [302, 400],
        '/auth/login': [200],
        '/auth': [302, 400],
        '/auth/callback': [400],
        '/api/integrations/shopify/oauth/callback': [307],
        '/auth/session-token': [200, 400],
        '/auth/exit-iframe': [200, 400],
        '/': [200, 302],
      };
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...targets), shopValue, fc.boolean(), async (template, value, post) => {
          const path = template.replaceAll('{}', encodeURIComponent(value));
          const isLogin = path.startsWith('/auth/login');
          const res = await fetch(`${w.app.url}${path}`, {
            method: post && isLogin ? 'POST' : 'GET',
            headers: { 'user-agent': BROWSER_UA, ...(post && isLogin ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
            ...(post && isLogin ? { body: new URLSearchParams({ shop: value }).toString() } : {}),
            redirect: 'manual',
          });
          const text = await res.text();
          expect(answers[template.split('?')[0]!], `${path.slice(0, 120)}: ${res.status} ${text.slice(0, 200)}`).toContain(res.status);
          if (template.startsWith('/api/') && res.status === 400) {
            const problem = await expectProblem(new Response(text, { status: 400, headers: res.headers }), 400, path.slice(0, 120));
            expect({ type: problem.type, named: problem.errors?.map((e) => e.path) }, path.slice(0, 120)).toEqual({ type: 'urn:calibr:problem:validation', named: ['shop'] });
          }
          const location = res.headers.get('location');
          if (location) {
            const to = new URL(location, w.app.url);
            // Only back into the app, to a shop's own Admin, or (sandbox mode) the sandbox that plays it.
            const allowed = to.origin === new URL(w.app.url).origin || to.origin === new URL(w.sandbox.url).origin || /^https:\/\/[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(to.origin) || to.origin === 'https://admin.shopify.com';
            expect(allowed, `${path.slice(0, 120)} → ${location.slice(0, 200)}`).toBe(true);
          }
        }),
        { seed: SEED, numRuns: runs },
      );
      await unchanged(before);
    });

    it('document loaders with hostile query strings (NUL, negative or huge paging, unknown filters) never answer 500', async () => {
      const token = await tokenFor(SHOP);
      const host = Buffer.from(`admin.shopify.com/store/${SHOP.replace('.myshopify.com', '')}`).toString('base64url');
      for (const route of SWEPT_ROUTES.filter((r) => r.kind === 'document' && !/\/(products|listings)\//.test(r.path))) {
        for (const query of ['q=a%00b', 'status=%00', 'page=-1&pageSize=1e9', 'sort=%00&direction=%00', 'days=-1e400', `q=${'x'.repeat(5000)}`]) {
          const res = await fetch(`${w.app.url}${route.path}?embedded=1&shop=${SHOP}&host=${host}&id_token=${token}&${query}`, { headers: { 'user-agent': BROWSER_UA }, redirect: 'manual' });
          const text = await res.text();
          // NUL and a 5,000-character search are refused (a 400 page); paging and periods out of range are clamped.
          const refused = query.includes('%00') || query.length > 1000;
          expect(res.status, `${route.path}?${query.slice(0, 40)}: ${text.slice(0, 200)}`).toBe(refused ? 400 : 200);
        }
      }
    });

    it('the app’s form action reads only a capped url-encoded form: other types (415) and oversize forms (413) are problems, not 500s', async () => {
      const before = await snapshot();
      const token = await tokenFor(SHOP);
      // As the page's fetcher sends it (`?_data=`: the action's own response, not the error page).
      const action = `${w.app.url}/app/integrations/shopify?_data=${encodeURIComponent('routes/app.integrations.shopify')}`;
      const json = await fetch(action, { method: 'POST', headers: { 'user-agent': BROWSER_UA, authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: 'mode=full' });
      await expectProblem(json, 415, 'text/plain form');
      const huge = await fetch(action, { method: 'POST', headers: { 'user-agent': BROWSER_UA, authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: `mode=${'f'.repeat(70 * 1024)}` });
      await expectProblem(huge, 413, 'oversize form');
      await unchanged(before);
    });

    it('API responses carry no permissive CORS and no X-Powered-By, whatever Origin asks', async () => {
      for (const route of SWEPT_ROUTES.filter((r) => r.kind === 'api').slice(0, 12)) {
        for (const origin of ['https://evil.example', 'null', `https://${SHOP}`]) {
          const res = await call(route.path, { headers: { origin } });
          await res.arrayBuffer();
          expect(res.headers.get('x-powered-by'), route.path).toBeNull();
          // The API is called by the embedded app from its own origin only: no cross-origin reads at all.
          expect(res.headers.get('access-control-allow-origin'), `${route.path} ${origin}`).toBeNull();
        }
      }
      const preflight = await fetch(`${w.app.url}/api/pricing/rules`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
      await preflight.arrayBuffer();
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe(`limits on CSV imports, paging and session tokens (${provider})`, () => {
    it('a cost import whose line has 5.2 million columns is a small 400 problem: reading stops at the line limit, before the parser builds the row', async () => {
      const before = await snapshot();
      const wide = ','.repeat(5_200_000);
      // As the header (the probe's case: every empty name came back as an "unknown column"), then as a row.
      for (const [csv, line] of [[wide, 1], [`sku,cost\n${seeded.sku},1.00${wide}`, 2]] as const) {
        for (const apply of [false, true]) {
          const res = await call('/api/pricing/costs/import', { json: { csv, apply } });
          const text = await res.text();
          expect(text.length, text.slice(0, 300)).toBeLessThan(2_000);
          const problem = await expectProblem(new Response(text, { status: res.status, headers: res.headers }), 400, `line ${line}, apply ${apply}`);
          expect(problem.errors).toEqual([{ path: 'csv', message: `line ${line} is longer than 16384 bytes`, code: 'line_too_long' }]);
        }
      }
      // Within the line limit, more than 32 cells in the header or a row.
      const cells = Array.from({ length: 40 }, (_, i) => `c${i}`).join(',');
      for (const [csv, line] of [[cells, 1], [`sku,cost\n${seeded.sku},1.00\n${cells}`, 3]] as const) {
        const problem = await expectProblem(await call('/api/pricing/costs/import', { json: { csv } }), 400, `${line}: 40 cells`);
        expect(problem.errors).toEqual([{ path: 'csv', message: `line ${line} has more than 32 columns`, code: 'too_many_columns' }]);
      }
      await unchanged(before);
    });

    it('a cost import over the row or line-length limit is a 400 problem naming the limit; many bad rows answer a bounded list and a count', async () => {
      const before = await snapshot();
      const tooMany = `sku,cost\n${Array.from({ length: 50_001 }, (_, i) => `HX-ROW-${i},1.00`).join('\n')}`;
      const rows = await expectProblem(await call('/api/pricing/costs/import', { json: { csv: tooMany } }), 400, 'rows');
      expect(rows.errors).toEqual([{ path: 'csv', message: 'the file has more than 50000 rows; at most 50000 at once', code: 'too_many_rows' }]);
      // csv-parse's max_record_size: the characters in one row's cells (a quoted cell may span lines).
      for (const csv of [`sku,cost\nA,1.00\n${'S'.repeat(3_000)},1.00`, `sku,cost\nA,1.00\n"${'S\n'.repeat(1_500)}",1.00`]) {
        const long = await expectProblem(await call('/api/pricing/costs/import', { json: { csv } }), 400, 'long row');
        expect(long.errors).toEqual([{ path: 'csv', message: expect.stringMatching(/^line \d+ has more than 2048 characters in its cells$/), code: 'row_too_long' }]);
      }

      // 5,000 rows, each with a bad cost: the preview lists the first 500 rows, the apply names 100 and counts the rest.
      const bad = `sku,cost\n${Array.from({ length: 5_000 }, (_, i) => `HX-BAD-${i},1.999`).join('\n')}`;
      const preview = await call('/api/pricing/costs/import', { json: { csv: bad } });
      const previewText = await preview.text();
      expect(preview.status, previewText.slice(0, 300)).toBe(200);
      const body = JSON.parse(previewText) as { rows: unknown[]; counts: { total: number; error: number }; unlistedRows: number };
      expect(body.counts).toMatchObject({ total: 5_000, error: 5_000 });
      expect(body.rows).toHaveLength(500);
      expect(body.unlistedRows).toBe(4_500);
      const applied = await expectProblem(await call('/api/pricing/costs/import', { json: { csv: bad, apply: true } }), 400, 'apply bad rows');
      expect(applied.errors).toHaveLength(101);
      expect(new Set(applied.errors!.slice(0, 100).map((e) => e.path.split('.')[0])).size).toBe(100);
      expect(applied.errors![100]).toEqual({ path: 'csv', message: '4900 more rows with errors are not listed', code: 'more_errors' });
      await unchanged(before);
    });

    it('a page, page size or limit that is not a whole number in range (page=1e300, -1, 2.5, NaN…) is a 400 problem naming the parameter', async () => {
      const before = await snapshot();
      const cases: Array<[string, string]> = [
        ['/api/product-links', 'page'],
        ['/api/integrations/shopify/products', 'page'],
        ['/api/integrations/shopify/products', 'pageSize'],
        ['/api/pricing/audit', 'limit'],
        ['/api/pricing/changes', 'limit'],
        ['/api/platforms/shopify/sync', 'limit'],
      ];
      for (const [path, name] of cases) {
        for (const value of ['1e300', '1e9', '-1', '0', '2.5', 'NaN', 'Infinity', '0x10', ' 1', '9007199254740993']) {
          const url = `${path}?${name}=${encodeURIComponent(value)}`;
          const problem = await expectProblem(await call(url), 400, url);
          expect(problem.errors?.[0], url).toMatchObject({ path: name, code: 'invalid_number' });
        }
        // In range still answers.
        const ok = await call(`${path}?${name}=2`);
        expect(ok.status, `${path}?${name}=2: ${(await ok.text()).slice(0, 200)}`).toBe(200);
      }
      await unchanged(before);
    });

    it('a session token whose dest is not a shop is a 401 problem (API) or a 401 (the console’s data requests), logged without the token', async () => {
      const logger = appContext().logger as unknown as Record<'warn' | 'error' | 'info', (...args: unknown[]) => void>;
      const lines: string[] = [];
      const spies = (['warn', 'error', 'info'] as const).map((level) => vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => void lines.push(JSON.stringify(args))));
      try {
        const now = Math.floor(Date.now() / 1000);
        for (const dest of ['https://evil.example', 'https://evil.myshopify.com.evil.example', `http://${SHOP}`, `https://user@${SHOP}`, `https://${SHOP}:8443`, 'not a url', '', 42, null]) {
          const token = await new SignJWT({ dest, sid: randomUUID() })
            .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
            .setIssuer(`https://${SHOP}/admin`)
            .setAudience(API_KEY)
            .setSubject('1')
            .setJti(randomUUID())
            .setIssuedAt(now)
            .setNotBefore(now)
            .setExpirationTime(now + 60)
            .sign(new TextEncoder().encode(API_SECRET));
          lines.length = 0;
          for (const path of ['/api/product-links', '/api/pricing/rules']) {
            await expectProblem(await call(path, { shop: null, headers: { authorization: `Bearer ${token}` } }), 401, `dest ${JSON.stringify(dest)} ${path}`);
          }
          // The console's loaders, as App Bridge's fetch calls them (the token in the header).
          for (const [path, route] of [['/app', 'routes/app'], ['/app/pricing/costs', 'routes/app.pricing.costs']]) {
            const res = await call(`${path}?_data=${encodeURIComponent(route!)}`, { shop: null, headers: { authorization: `Bearer ${token}` } });
            expect(res.status, `dest ${JSON.stringify(dest)} ${path}: ${(await res.text()).slice(0, 200)}`).toBe(401);
          }
          expect(lines.some((l) => l.includes('dest is not a shop')), lines.join('\n')).toBe(true);
          for (const line of lines) expect(line).not.toContain(token.split('.')[2]);
        }
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
    });
  });
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export type { SweptRoute };
