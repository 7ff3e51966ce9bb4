// A shop's day is its own: Project.timezone filled from Shopify's `shop { ianaTimezone }` after auth and at
// every sync, kept current by shop/update (read back from Shopify, never taken from the body), and "today"
// (the changes list's day=today, the home's changes applied today) starting at midnight in that zone. All over
// HTTP against the sandbox; the zones have no daylight saving time, so their midnights are fixed UTC hours.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ianaZone } from '../app/lib/shop-day';
import { readJson, startShopifyWorld, syncShopify, waitFor, type ShopifyWorld } from './support/shopify-world';

let world: ShopifyWorld;
const SHOP = 'tz-tokyo.myshopify.com';
const OTHER = 'tz-other.myshopify.com';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The last midnight at or before now in a zone `offsetHours` from UTC with no daylight saving time. */
function lastMidnight(offsetHours: number, now = Date.now()): number {
  const utcHourOfMidnight = (24 - offsetHours) % 24; // Tokyo (+9): 15:00 UTC; Phoenix (−7): 07:00 UTC
  const todays = Math.floor(now / DAY) * DAY + utcHourOfMidnight * HOUR;
  return todays <= now ? todays : todays - DAY;
}

async function project() {
  return world.database.db.project.findUniqueOrThrow({ where: { shopDomain: SHOP } });
}

let change = 0;
/** An applied price change that completed at `at`. */
async function appliedAt(at: number): Promise<string> {
  const { id } = await project();
  const row = await world.database.db.priceChange.create({
    data: { projectId: id, idempotencyKey: `tz-${++change}`, currency: 'JPY', fromAmount: '1000', toAmount: '1100', status: 'applied', approvedAt: new Date(at - 60_000), completedAt: new Date(at) },
  });
  return row.id;
}

async function appliedToday(): Promise<string[]> {
  const res = await world.api(SHOP, '/api/pricing/changes?status=applied&day=today');
  expect(res.status).toBe(200);
  return (await readJson<{ changes: Array<{ id: string }> }>(res)).changes.map((c) => c.id);
}

/** Changes one minute either side of the zone's last midnight: today holds the one after, not the one before. */
async function expectDayStartsAt(midnight: number) {
  const before = await appliedAt(midnight - 60_000);
  const after = await appliedAt(midnight + 60_000);
  const today = await appliedToday();
  expect(today).toContain(after);
  expect(today).not.toContain(before);
}

beforeAll(async () => {
  world = await startShopifyWorld();
  await world.createShop(SHOP, { products: 2, ianaTimezone: 'Asia/Tokyo' });
  await world.createShop(OTHER, { products: 1, ianaTimezone: 'Europe/Paris' });
});
afterAll(() => world?.close());

describe('the shop’s time zone', () => {
  it('is read from Shopify when the app is installed (token exchange, then afterAuth)', async () => {
    expect(await world.database.db.project.count({ where: { shopDomain: SHOP } })).toBe(0);
    expect((await world.api(SHOP, '/api/integrations/shopify/status')).status).toBe(200);
    expect((await project()).timezone).toBe('Asia/Tokyo');
  });

  it('is read again at every catalog sync', async () => {
    await world.database.db.project.update({ where: { shopDomain: SHOP }, data: { timezone: null } });
    await syncShopify(world, SHOP);
    expect((await project()).timezone).toBe('Asia/Tokyo');
  });

  it('starts the shop’s day at midnight in Tokyo: a change at 23:30 UTC is the next Tokyo day (08:30 there)', async () => {
    // Whatever the hour the test runs at, one of the two changes is on the other side of UTC midnight's line.
    await expectDayStartsAt(lastMidnight(9));
    // 23:30 UTC is 08:30 in Tokyo: the 23:30 UTC after Tokyo's last midnight (15:00 UTC) is in today's Tokyo
    // day (when it has come yet), the one before it in the Tokyo day before.
    const after2330 = lastMidnight(9) + 8.5 * HOUR;
    const before2330 = await appliedAt(after2330 - DAY);
    const today2330 = after2330 <= Date.now() ? await appliedAt(after2330) : null;
    const today = await appliedToday();
    expect(today).not.toContain(before2330);
    if (today2330) expect(today).toContain(today2330);
  });

  it('follows the merchant to another zone: shop/update is delivered, recorded once, read back, and the day moves', async () => {
    const moved = await world.control<{ webhooks: Array<{ webhookId: string }> }>(`shopify/shops/${SHOP}/timezone`, { ianaTimezone: 'America/Phoenix' });
    expect(moved.webhooks).toHaveLength(1);
    const webhookId = moved.webhooks[0]!.webhookId;
    const delivery = await waitFor('the shop/update processed', async () => {
      const row = await world.database.db.processedWebhook.findUnique({ where: { webhookId } });
      return row?.status === 'processed' ? row : undefined;
    });
    expect(delivery).toMatchObject({ topic: 'shop/update', shop: SHOP });
    expect((await project()).timezone).toBe('America/Phoenix');
    await expectDayStartsAt(lastMidnight(-7));
  });

  it('takes nothing from a shop/update body: a signed one claiming another zone is read back from Shopify; forged or another shop’s are refused', async () => {
    const claim = { myshopify_domain: SHOP, iana_timezone: 'Europe/Paris', timezone: '(GMT+01:00) Europe/Paris', updated_at: new Date().toISOString() };
    const webhookId = `tz-claim-${Date.now()}`;
    expect((await world.webhook('/webhooks/shop/update', 'shop/update', SHOP, claim, { webhookId })).status).toBe(200);
    await waitFor('the claim processed', async () => (await world.database.db.processedWebhook.findUnique({ where: { webhookId } }))?.status === 'processed');
    expect((await project()).timezone).toBe('America/Phoenix');
    // The same delivery again is acknowledged and not recorded twice.
    const again = await world.webhook('/webhooks/shop/update', 'shop/update', SHOP, claim, { webhookId });
    expect(again.headers.get('x-calibr-webhook')).toBe('duplicate');

    const recorded = await world.database.db.processedWebhook.count();
    expect((await world.webhook('/webhooks/shop/update', 'shop/update', SHOP, claim, { forge: true })).status).toBe(401);
    expect((await world.webhook('/webhooks/shop/update', 'shop/update', SHOP, { ...claim, myshopify_domain: OTHER })).status).toBe(400);
    expect(await world.database.db.processedWebhook.count()).toBe(recorded);
    expect((await project()).timezone).toBe('America/Phoenix');
  });

  it('a zone this Node does not know is stored as none (the day is UTC), not guessed', async () => {
    // Shopify's answer played by a fault: a zone newer than this Node's time zone data.
    const answer = { data: { shop: { name: 'tz-tokyo', myshopifyDomain: SHOP, currencyCode: 'USD', ianaTimezone: 'Mars/Olympus_Mons' } } };
    await world.control('faults', { platform: 'shopify', kind: 'status', status: 200, host: SHOP, bodyContains: 'CalibrShop', body: answer, count: 1 });
    await syncShopify(world, SHOP);
    expect((await project()).timezone).toBeNull();
    await expectDayStartsAt(lastMidnight(0));
  });

  it('knows an IANA name from an offset or an unknown name', () => {
    expect(ianaZone('Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(ianaZone('America/Argentina/Buenos_Aires')).toBe('America/Argentina/Buenos_Aires');
    expect(ianaZone('UTC')).toBe('UTC');
    for (const bad of ['Mars/Olympus_Mons', '+09:00', '', null, undefined]) expect(ianaZone(bad)).toBeNull();
  });
});
