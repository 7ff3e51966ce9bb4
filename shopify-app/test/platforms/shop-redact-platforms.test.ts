// shop/redact reaches every platform: the Amazon service keeps its rows in its own database, so deleting
// the shop's Project can't cascade to them; the app asks each platform to erase the shop (eraseTenant)
// before it deletes the Project. Real HTTP throughout: the sandbox delivers the webhooks, the app calls
// the Amazon service over the signed contract. On PostgreSQL when TEST_DATABASE_URL is set, else SQLite.
import { hasTestPostgres } from '@calibr/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { API_KEY, OTHER_SHOP, SHOP, demoSellerCredentials, readJson, sandboxControl, startPlatformsWorld, waitFor, type PlatformsWorld } from './support/harness';

let w: PlatformsWorld;

beforeAll(async () => {
  w = await startPlatformsWorld({ provider: hasTestPostgres() ? 'postgresql' : 'sqlite' });
});
afterAll(async () => w?.close());

async function connectAmazon(shop: string): Promise<void> {
  const res = await w.api('/api/platforms/amazon/connect', { shop, json: { credentials: demoSellerCredentials(w) } });
  expect(res.status, JSON.stringify(await readJson(res))).toBe(200);
}

/** Every Amazon table's rows for a shop, read straight from the service's own database. */
async function amazonRows(shop: string) {
  const db = w.amazonDatabase.db;
  const tenant = await db.amazonTenant.findUnique({ where: { shopDomain: shop } });
  const where = { projectId: tenant?.id ?? '-' };
  return {
    tenant: tenant ? 1 : 0,
    integrations: await db.amazonIntegration.count({ where }),
    listings: await db.amazonListing.count({ where }),
    feeds: await db.amazonPriceFeed.count({ where }),
    updates: await db.amazonPriceUpdate.count({ where }),
    authStates: await db.amazonAuthorizationState.count({ where }),
  };
}

it('shop/redact for an uninstalled shop with a connected Amazon seller leaves no Amazon row of it; the other shop keeps its own', async () => {
  for (const shop of [SHOP, OTHER_SHOP]) await connectAmazon(shop);
  const started = await w.api('/api/platforms/amazon/sync', { json: { mode: 'full' } });
  const { syncId } = await readJson<{ syncId: string }>(started);
  expect(started.status).toBe(202);
  await waitFor('the Amazon sync', async () => {
    const run = await readJson<{ status: string }>(await w.api(`/api/platforms/amazon/sync?id=${syncId}`));
    return run.status === 'started' ? undefined : run;
  });
  const before = await amazonRows(SHOP);
  expect(before).toMatchObject({ tenant: 1, integrations: 1 });
  expect(before.listings).toBeGreaterThan(0);
  const otherBefore = await amazonRows(OTHER_SHOP);
  expect(otherBefore).toMatchObject({ tenant: 1, integrations: 1 });

  await sandboxControl(w.sandbox, `shopify/shops/${SHOP}/uninstall`, { apiKey: API_KEY });
  await waitFor('the uninstall processed', async () => (await w.database.db.shopifyIntegration.findUnique({ where: { shopDomain: SHOP } }))?.isActive === false);
  // Uninstalling alone erases nothing (the merchant may come back within 48 h).
  expect((await amazonRows(SHOP)).integrations).toBe(1);

  await sandboxControl(w.sandbox, `shopify/shops/${SHOP}/compliance`, { apiKey: API_KEY, topic: 'shop/redact' });
  await waitFor('the shop erased', async () => (await w.database.db.project.count({ where: { shopDomain: SHOP } })) === 0);
  expect(await amazonRows(SHOP)).toEqual({ tenant: 0, integrations: 0, listings: 0, feeds: 0, updates: 0, authStates: 0 });
  expect(await amazonRows(OTHER_SHOP)).toEqual(otherBefore);
  const other = await readJson<{ connection: { status: string } }>(await w.api('/api/platforms/amazon/status', { shop: OTHER_SHOP }));
  expect(other.connection.status).toBe('connected');
});
