// The price-war guard's hold names the merchant's own clock, over HTTP against the sandbox: a Tokyo shop
// (its zone read from Shopify at install) whose rule waits 10 hours between changes, with a change applied
// 30 minutes ago, is told "held until … Japan Time" by the dry run and by the listing's page; the console's
// changes page, rendered by the server, dates the change in Japan Time too. A shop without a zone is told UTC.
// The expected texts are worked out by hand (Tokyo is UTC+9 all year), not by the formatter under test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_UA, readJson, startShopifyWorld, syncShopify, type ShopifyWorld } from '../support/shopify-world';

let world: ShopifyWorld;
const TOKYO = 'guard-tokyo.myshopify.com';
const ZONELESS = 'guard-zoneless.myshopify.com';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const INTERVAL_MINUTES = 600;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Dec 8, 04:20" (withYear: "Dec 8, 2026, 04:20") of the wall clock `offsetHours` from UTC. */
function wallClock(ms: number, offsetHours: number, withYear = false): string {
  const d = new Date(ms + offsetHours * HOUR);
  const hhmm = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}${withYear ? `, ${d.getUTCFullYear()}` : ''}, ${hhmm}`;
}

interface Seeded {
  itemId: string;
  currency: string;
  price: string;
  appliedAt: number;
  approvedAt: number;
}
const seeded = new Map<string, Seeded>();

/** The shop's one listing, with a price change applied to it 30 minutes ago (the guard's history). */
async function seedAppliedChange(shop: string): Promise<Seeded> {
  const db = world.database.db;
  const project = await db.project.findUniqueOrThrow({ where: { shopDomain: shop } });
  const listing = await db.listing.findFirstOrThrow({ where: { projectId: project.id, platform: 'shopify' }, orderBy: { sku: 'asc' } });
  const appliedAt = Date.now() - 30 * MINUTE;
  const approvedAt = appliedAt - MINUTE;
  const change = await db.priceChange.create({
    data: { projectId: project.id, listingId: listing.id, idempotencyKey: `guard-${shop}`, currency: listing.currency, fromAmount: '1.00', toAmount: listing.priceAmount, status: 'applied', approvedAt: new Date(approvedAt), completedAt: new Date(appliedAt) },
  });
  await db.priceChangeAttempt.create({
    data: { projectId: project.id, priceChangeId: change.id, listingId: listing.id, platform: 'shopify', currency: listing.currency, amount: listing.priceAmount, previousAmount: '1.00', status: 'applied', appliedAt: new Date(appliedAt) },
  });
  return { itemId: listing.productLinkId ?? listing.id, currency: listing.currency, price: listing.priceAmount, appliedAt, approvedAt };
}

/** What the dry run says of the shop's listing under a rule asking for another price, 10 hours apart at least. */
async function dryRunSummary(shop: string): Promise<{ status: string; reason: string | null; summary: string }> {
  const { currency, price } = seeded.get(shop)!;
  const other = (Number(price.split('.')[0]) + 1).toString() + (price.includes('.') ? `.${price.split('.')[1]}` : '');
  const rule = { name: 'Paced', scope: 'shop', kind: 'fixed_price', params: { price: other }, currency, minIntervalMinutes: INTERVAL_MINUTES, priority: 100 };
  const res = await world.api(shop, '/api/pricing/dry-run', { json: { rule, onlyDraft: true } });
  expect(res.status).toBe(200);
  const { rows } = await readJson<{ rows: Array<{ status: string; reason: string | null; summary: string }> }>(res);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

beforeAll(async () => {
  world = await startShopifyWorld();
  await world.createShop(TOKYO, { products: 1, ianaTimezone: 'Asia/Tokyo' });
  await world.createShop(ZONELESS, { products: 1, ianaTimezone: 'Asia/Tokyo' });
  for (const shop of [TOKYO, ZONELESS]) {
    await syncShopify(world, shop);
    seeded.set(shop, await seedAppliedChange(shop));
  }
  // A shop whose zone Shopify gave none Intl knows is stored without one (shop-details.server.ts).
  await world.database.db.project.update({ where: { shopDomain: ZONELESS }, data: { timezone: null } });
}, 240_000);
afterAll(() => world?.close());

describe('the guard’s hold on the shop’s clock', () => {
  it('tells a Tokyo shop the time it holds until in Japan Time', async () => {
    expect((await world.database.db.project.findUniqueOrThrow({ where: { shopDomain: TOKYO } })).timezone).toBe('Asia/Tokyo');
    const until = seeded.get(TOKYO)!.appliedAt + INTERVAL_MINUTES * MINUTE;
    const row = await dryRunSummary(TOKYO);
    expect(row).toMatchObject({ status: 'skipped', reason: 'change_limit' });
    expect(row.summary).toContain(`and the rule waits ${INTERVAL_MINUTES} min between changes. It is held until ${wallClock(until, 9)} Japan Time.`);
    expect(row.summary).not.toContain('UTC');
  });

  it('says the same on the listing’s page (its rule stored, as the merchant sees it)', async () => {
    const { currency } = seeded.get(TOKYO)!;
    const saved = await world.api(TOKYO, '/api/pricing/rules', { json: { name: 'Paced', scope: 'shop', kind: 'fixed_price', params: { price: '999.00' }, currency, minIntervalMinutes: INTERVAL_MINUTES } });
    expect(saved.status).toBeLessThan(300);
    const until = seeded.get(TOKYO)!.appliedAt + INTERVAL_MINUTES * MINUTE;
    const res = await world.api(TOKYO, `/api/listings/${seeded.get(TOKYO)!.itemId}`);
    expect(res.status).toBe(200);
    const body = JSON.stringify(await res.json());
    expect(body).toContain(`It is held until ${wallClock(until, 9)} Japan Time.`);
  });

  it('dates the change on the console’s page in Japan Time, rendered by the server as the browser will show it', async () => {
    const host = Buffer.from(`admin.shopify.com/store/${TOKYO.replace('.myshopify.com', '')}`).toString('base64url');
    const query = new URLSearchParams({ embedded: '1', shop: TOKYO, host, id_token: await world.sessionToken(TOKYO) });
    const res = await fetch(`${world.app.url}/app/pricing/changes?${query}`, { headers: { 'user-agent': BROWSER_UA } });
    const html = await res.text();
    expect(res.status, html.slice(0, 200)).toBe(200);
    expect(html).toContain(`${wallClock(seeded.get(TOKYO)!.approvedAt, 9, true)} Japan Time`);
  });

  it('tells a shop without a zone in UTC', async () => {
    const until = seeded.get(ZONELESS)!.appliedAt + INTERVAL_MINUTES * MINUTE;
    const row = await dryRunSummary(ZONELESS);
    expect(row).toMatchObject({ status: 'skipped', reason: 'change_limit' });
    expect(row.summary).toContain(`It is held until ${wallClock(until, 0)} UTC.`);
  });
});
