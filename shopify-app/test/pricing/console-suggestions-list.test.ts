// The console's list of suggestions for a large catalog, against a real database (SQLite, and
// PostgreSQL when TEST_DATABASE_URL is set): status, platform, rule and search filters are SQL; every
// sort gives the same set of rows as the filter, in order, page after page; the tab counts follow the
// other filters; a bad query string is a 400 problem naming the field.
import { createTestDatabase, testDatabaseProviders, type TestDatabase } from '@calibr/db';
import type { ValidationError } from '@calibr/shared-contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Suggestions from '../../app/pricing/suggestions.server';
import { useAppDatabase, releaseAppDatabase } from '../support/app-database';

const PRODUCTS = 240;
const STATUSES = ['pending', 'pending', 'pending', 'approved', 'rejected', 'superseded'] as const;

/** Independent of the app: "12.34" → 1234n. */
function cents(amount: string): bigint {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0'));
}
const money = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

describe.each(testDatabaseProviders())('the suggestions list on %s', (provider) => {
  let database: TestDatabase;
  let list: typeof Suggestions;
  let projectId: string;
  let otherProjectId: string;
  const rules: Record<string, string> = {};
  /** What the test seeded, to check the app's answers against. */
  const seeded: Array<{ id: string; status: string; sku: string; title: string; platforms: string[]; ruleId: string | null; current: string; suggested: string }> = [];

  beforeAll(async () => {
    database = await createTestDatabase({ provider });
    await useAppDatabase(database);
    list = await import('../../app/pricing/suggestions.server');
    const db = database.db;
    projectId = (await db.project.create({ data: { shopDomain: `list-${provider}.myshopify.com`, currency: 'USD' } })).id;
    otherProjectId = (await db.project.create({ data: { shopDomain: `other-${provider}.myshopify.com`, currency: 'USD' } })).id;
    rules.buyBox = (await db.pricingRule.create({ data: { projectId, name: 'Match the Buy Box', scope: 'shop', kind: 'match_buy_box', params: {} } })).id;
    rules.beat = (await db.pricingRule.create({ data: { projectId, name: 'Beat by 1', scope: 'tag', scopeValue: 'sale', kind: 'beat_lowest_amount', params: { amount: '1.00' }, currency: 'USD' } })).id;

    for (let i = 0; i < PRODUCTS; i++) {
      const sku = `CAL-${String(i).padStart(4, '0')}`;
      // Titles in mixed case; a third of the products are on Shopify only, the rest on both platforms.
      const title = `${i % 2 === 0 ? 'Trail' : 'road'} shoe ${(i * 7919) % 1000}`;
      const platforms = i % 3 === 0 ? ['shopify'] : ['amazon', 'shopify'];
      const link = await db.productLink.create({ data: { projectId, sku, title } });
      let shopifyId = '';
      for (const platform of platforms) {
        const l = await db.listing.create({
          data: { projectId, platform, externalId: platform === 'shopify' ? `gid://shopify/ProductVariant/${i}` : sku, sku, title, currency: 'USD', priceAmount: '50.00', productLinkId: link.id, ...(platform === 'amazon' ? { marketplaceId: 'ATVPDKIKX0DER', asin: `B0${String(i).padStart(8, '0')}` } : {}) },
        });
        if (platform === 'shopify') shopifyId = l.id;
      }
      // Prices spread so that neither text order nor creation order is price order.
      const current = 2000 + ((i * 37) % 500) * 10;
      const suggested = current - 100 - ((i * 53) % 300);
      const status = STATUSES[i % STATUSES.length]!;
      const ruleId = i % 5 === 0 ? null : i % 2 === 0 ? rules.buyBox! : rules.beat!;
      const row = await db.priceSuggestion.create({
        data: { projectId, productLinkId: link.id, listingId: shopifyId, ruleId, currency: 'USD', currentAmount: money(current), suggestedAmount: money(suggested), status, explanation: { summary: `suggestion ${i}` }, createdAt: new Date(Date.UTC(2025, 0, 1) + ((i * 7) % PRODUCTS) * 60_000) },
      });
      seeded.push({ id: row.id, status, sku, title, platforms, ruleId, current: money(current), suggested: money(suggested) });
    }
    // Another shop's suggestion with a matching SKU is never listed.
    const foreign = await db.productLink.create({ data: { projectId: otherProjectId, sku: 'CAL-0001', title: 'Trail shoe 1' } });
    await db.priceSuggestion.create({ data: { projectId: otherProjectId, productLinkId: foreign.id, currency: 'USD', currentAmount: '10.00', suggestedAmount: '9.00', explanation: {} } });
  }, 300_000);

  afterAll(async () => {
    await releaseAppDatabase();
    await database?.cleanup();
  });

  /** Every page of a query, concatenated. */
  async function allPages(options: Suggestions.ListSuggestionsOptions) {
    const first = await list.listSuggestions(projectId, { ...options, page: 1, pageSize: 25 });
    const rows = [...first.rows];
    for (let page = 2; page <= Math.ceil(first.total / 25); page++) rows.push(...(await list.listSuggestions(projectId, { ...options, page, pageSize: 25 })).rows);
    return { total: first.total, counts: first.counts, rows };
  }

  it('filters by status, platform and rule in the database, and counts the tabs under the other filters', async () => {
    const pending = await allPages({ status: 'pending' });
    const expected = seeded.filter((s) => s.status === 'pending');
    expect(pending.total).toBe(expected.length);
    expect(new Set(pending.rows.map((r) => r.id))).toEqual(new Set(expected.map((s) => s.id)));

    const amazon = await allPages({ status: 'all', platform: 'amazon' });
    expect(new Set(amazon.rows.map((r) => r.id))).toEqual(new Set(seeded.filter((s) => s.platforms.includes('amazon')).map((s) => s.id)));
    expect(amazon.rows.every((r) => r.platforms.includes('amazon'))).toBe(true);

    const beatPending = await allPages({ status: 'pending', ruleId: rules.beat! });
    expect(new Set(beatPending.rows.map((r) => r.id))).toEqual(new Set(seeded.filter((s) => s.status === 'pending' && s.ruleId === rules.beat).map((s) => s.id)));
    expect(beatPending.rows.every((r) => r.ruleName === 'Beat by 1')).toBe(true);
    const noRule = await allPages({ status: 'all', ruleId: 'none' });
    expect(noRule.total).toBe(seeded.filter((s) => s.ruleId === null).length);

    // The tabs' badges count each status with the platform and rule filters, not the status filter.
    const byStatus: Record<string, number> = {};
    for (const s of seeded.filter((x) => x.ruleId === rules.beat && x.platforms.includes('amazon'))) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
    expect((await list.listSuggestions(projectId, { status: 'pending', ruleId: rules.beat!, platform: 'amazon' })).counts).toEqual(byStatus);
  });

  it('searches title, SKU and rule name, ignoring case, within this shop only', async () => {
    const bySku = await list.listSuggestions(projectId, { status: 'all', search: 'cal-0001' });
    expect(bySku.rows.map((r) => r.sku)).toEqual(['CAL-0001']);
    const byTitle = await allPages({ status: 'all', search: 'ROAD SHOE' });
    expect(byTitle.total).toBe(seeded.filter((s) => s.title.startsWith('road')).length);
    const byRule = await allPages({ status: 'all', search: 'beat BY' });
    expect(byRule.total).toBe(seeded.filter((s) => s.ruleId === rules.beat).length);
    expect((await list.listSuggestions(projectId, { status: 'all', search: 'no such thing' })).total).toBe(0);
  });

  it('sorts every way across pages: the pages together hold each matching row once, in order', async () => {
    const expectedIds = new Set(seeded.filter((s) => s.status !== 'rejected').map((s) => s.id));
    const bySeed = new Map(seeded.map((s) => [s.id, s]));
    const check = async (sort: Suggestions.SuggestionSort, direction: 'asc' | 'desc', value: (id: string) => bigint | string | number) => {
      const ids: string[] = [];
      for (const status of ['pending', 'approved', 'superseded']) ids.push(...(await allPages({ status, sort, direction })).rows.map((r) => r.id));
      expect(new Set(ids)).toEqual(expectedIds);
      for (const status of ['pending', 'approved', 'superseded']) {
        const rows = (await allPages({ status, sort, direction })).rows.map((r) => value(r.id));
        for (let i = 1; i < rows.length; i++) {
          if (direction === 'asc') expect(rows[i - 1]! <= rows[i]!, `${sort} ${direction} at ${i}`).toBe(true);
          else expect(rows[i - 1]! >= rows[i]!, `${sort} ${direction} at ${i}`).toBe(true);
        }
      }
    };
    await check('suggested', 'asc', (id) => cents(bySeed.get(id)!.suggested));
    await check('current', 'desc', (id) => cents(bySeed.get(id)!.current));
    await check('title', 'asc', (id) => bySeed.get(id)!.title.toLowerCase());
    // The change as an exact fraction (to − from) / from, scaled: no rounding in the oracle.
    await check('change', 'asc', (id) => {
      const s = bySeed.get(id)!;
      return Number(((cents(s.suggested) - cents(s.current)) * 1_000_000n) / cents(s.current));
    });
    const created = (await allPages({ status: 'pending', sort: 'created', direction: 'asc' })).rows.map((r) => r.createdAt);
    expect(created).toEqual([...created].sort());
  });

  it('"select all" across pages resolves the filters to the pending ids on the server, checked like the query string', async () => {
    const matching = list.matchingFrom({ q: 'ROAD', platform: 'amazon', rule: '' });
    expect(matching).toEqual({ search: 'ROAD', platform: 'amazon' });
    const ids = await list.pendingIdsMatching(projectId, matching);
    const expected = seeded.filter((s) => s.status === 'pending' && s.title.startsWith('road') && s.platforms.includes('amazon')).map((s) => s.id);
    expect(expected.length).toBeGreaterThan(25);
    expect(new Set(ids)).toEqual(new Set(expected));
    expect(ids).toHaveLength(expected.length);
    // Another shop's project never contributes, whatever the filters.
    expect(await list.pendingIdsMatching(otherProjectId, {})).toHaveLength(1);
    for (const [value, path] of [
      [['q'], 'matching'],
      [{ q: 5 }, 'matching.q'],
      [{ sku: 'x' }, 'matching.sku'],
      [{ q: 'x'.repeat(201) }, 'q'],
    ] as const) {
      let thrown: unknown;
      try {
        list.matchingFrom(value);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, JSON.stringify(value)).toMatchObject({ code: 'validation', errors: [expect.objectContaining({ path })] });
    }
  });

  it('reads the query string strictly: a bad value is a validation error naming the field', () => {
    expect(list.listOptionsFrom(new URLSearchParams('status=pending&platform=amazon&rule=r1&q=%20shoe%20&sort=change&direction=asc&page=2&pageSize=25'))).toEqual({
      status: 'pending',
      platform: 'amazon',
      ruleId: 'r1',
      search: 'shoe',
      sort: 'change',
      direction: 'asc',
      page: 2,
      pageSize: 25,
    });
    for (const [query, field] of [
      ['status=done', 'status'],
      ['sort=price;drop', 'sort'],
      ['direction=up', 'direction'],
      ['page=0', 'page'],
      ['page=1e3', 'page'],
      ['pageSize=1000', 'pageSize'],
      [`q=${'x'.repeat(201)}`, 'q'],
    ] as const) {
      let thrown: unknown;
      try {
        list.listOptionsFrom(new URLSearchParams(query));
      } catch (error) {
        thrown = error;
      }
      // (a ValidationError of the freshly loaded module graph: compared by its code, not its class)
      expect(thrown, query).toMatchObject({ code: 'validation', status: 400 });
      expect((thrown as ValidationError).errors.map((e) => e.path)).toEqual([field]);
    }
  });
});
