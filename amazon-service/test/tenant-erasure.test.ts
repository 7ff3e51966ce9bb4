// Erasing a tenant (the contract's eraseTenant, asked by the app for Shopify's shop/redact) over real
// HTTP: signed /connector calls, the service, the sandbox playing Amazon. Every Amazon table loses every
// row of the erased shop and keeps the other shop's; erasing twice is fine; the tenant is the signed
// request's, so a forged or re-addressed signature erases nothing. PostgreSQL when TEST_DATABASE_URL is set.
import { hasTestPostgres } from '@calibr/db';
import { AuthenticationError, RemoteConnector, signRequest, type PlatformConnector } from '@calibr/shared-contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATCH_PATH_MAX_ITEMS } from '../src/pricing/batch-update-prices';
import { DEMO_SELLER, SHARED_SECRET, US, control, openSettingsSession, remoteConnector, startConsentIn, startHarness, type Harness } from './support/harness';

const ERASED = 'erased-shop.myshopify.com';
const KEPT = 'kept-shop.myshopify.com';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ sandbox: { timeScale: 10 }, service: { timeScale: 10 }, provider: hasTestPostgres() ? 'postgresql' : 'sqlite' });
  for (const shop of [ERASED, KEPT]) await fillTenant(shop);
}, 120_000);
afterAll(async () => h?.close());

/** A tenant with a row in every table: a connected seller, synced listings, a price feed and its update, a consent started. */
async function fillTenant(shop: string): Promise<void> {
  const seller = h.sellers.find((s) => s.sellerId === DEMO_SELLER)!;
  const connector = await remoteConnector(h, shop);
  await connector.authenticate({ platform: 'amazon', sellingPartnerId: DEMO_SELLER, refreshToken: seller.lwa.refreshToken, region: 'na', marketplaceIds: [US] });
  let cursor: string | undefined;
  do cursor = (await connector.products.sync({ mode: 'full', ...(cursor ? { cursor } : {}) })).nextCursor ?? undefined;
  while (cursor);
  // More updates than the patch path takes, so they go out as a JSON_LISTINGS_FEED (a feed row too).
  const listings = await h.database.db.amazonListing.findMany({
    where: { tenant: { shopDomain: shop }, marketplaceId: US, status: 'active', priceAmount: { not: '' } },
    orderBy: { externalId: 'asc' },
    take: PATCH_PATH_MAX_ITEMS + 1,
  });
  expect(listings).toHaveLength(PATCH_PATH_MAX_ITEMS + 1);
  const batch = await connector.pricing.batchUpdatePrices(
    listings.map((l) => ({ idempotencyKey: `${shop}-${l.externalId}`, externalId: l.externalId, marketplaceId: US, price: { amount: l.priceAmount, currency: l.currency } })),
  );
  expect(batch.results.map((r) => r.status)).not.toContain('failed');
  await startConsentIn(h.service.url, await openSettingsSession(h.service.url, shop));
}

async function rowsOf(shop: string) {
  const db = h.database.db;
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
const NOTHING = { tenant: 0, integrations: 0, listings: 0, feeds: 0, updates: 0, authStates: 0 };

describe('eraseTenant', () => {
  let kept: Awaited<ReturnType<typeof rowsOf>>;

  it('starts with a row of each shop in every table', async () => {
    for (const shop of [ERASED, KEPT]) {
      const rows = await rowsOf(shop);
      for (const [table, count] of Object.entries(rows)) expect(count, `${shop} ${table}`).toBeGreaterThan(0);
    }
    kept = await rowsOf(KEPT);
  });

  it('a forged signature, or one re-addressed to another shop, erases nothing', async () => {
    const forged = await RemoteConnector.connect({ baseUrl: h.service.url, tenantId: ERASED, secret: SHARED_SECRET });
    const wrongSecret = new RemoteConnector({ baseUrl: h.service.url, tenantId: ERASED, secret: 'not-the-shared-secret-0123456789abcdef', info: { platform: forged.platform, name: forged.name, version: forged.version, capabilities: forged.capabilities } });
    await expect(wrongSecret.eraseTenant()).rejects.toBeInstanceOf(AuthenticationError);

    // Signed for KEPT, sent as ERASED's: the tenant is part of what is signed.
    const path = '/connector/tenant/erase';
    const headers = signRequest({ method: 'POST', path, tenantId: KEPT, body: '{}', secret: SHARED_SECRET });
    const res = await fetch(`${h.service.url}${path}`, {
      method: 'POST',
      headers: { ...headers, 'x-calibr-tenant': ERASED, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expect(await rowsOf(ERASED)).not.toEqual(NOTHING);
    expect(await rowsOf(KEPT)).toEqual(kept);
  });

  it("erases every row of the shop in one call, keeps the other shop's, and leaves the shop unauthenticated with no listings", async () => {
    const before = await rowsOf(ERASED);
    const connector: PlatformConnector = await remoteConnector(h, ERASED);
    const report = await connector.eraseTenant();
    expect(report.erased).toEqual({
      AmazonIntegration: before.integrations,
      AmazonListing: before.listings,
      AmazonPriceFeed: before.feeds,
      AmazonPriceUpdate: before.updates,
      AmazonAuthorizationState: before.authStates,
    });
    expect(await rowsOf(ERASED)).toEqual(NOTHING);
    expect(await rowsOf(KEPT)).toEqual(kept);
    expect(await connector.isAuthenticated()).toBe(false);
    await expect(connector.products.list({ limit: 5 })).rejects.toBeInstanceOf(AuthenticationError);
    // The other shop's seller still answers (its cached token and rows untouched).
    expect((await (await remoteConnector(h, KEPT)).products.list({ limit: 1 })).items.length).toBe(1);
  });

  it('erasing again, or a shop it never saw, succeeds and erases nothing', async () => {
    expect(await (await remoteConnector(h, ERASED)).eraseTenant()).toEqual({ erased: {} });
    expect(await (await remoteConnector(h, 'never-seen.myshopify.com')).eraseTenant()).toEqual({ erased: {} });
    expect(await rowsOf(ERASED)).toEqual(NOTHING);
    expect(await rowsOf('never-seen.myshopify.com')).toEqual(NOTHING);
    expect(await rowsOf(KEPT)).toEqual(kept);
  });

  it("with no notification queue configured, a seller's own app secret is not kept for an unsubscribe job: erased with the shop", async () => {
    const app = await control<{ applicationId: string; clientId: string; clientSecret: string }>(h.sandbox, 'apps', { name: 'a seller’s own app' });
    const { refreshToken } = await control<{ refreshToken: string }>(h.sandbox, 'sellers', { sellerId: 'A3OWNAPPERASED', copyListingsFrom: DEMO_SELLER, applicationId: app.applicationId });
    const connector = await remoteConnector(h, 'own-app-erased.myshopify.com');
    await connector.authenticate({ platform: 'amazon', sellingPartnerId: 'A3OWNAPPERASED', refreshToken, region: 'na', marketplaceIds: [US], lwaClientId: app.clientId, lwaClientSecret: app.clientSecret });
    expect(await connector.eraseTenant()).toMatchObject({ erased: { AmazonIntegration: 1 } });
    expect(await h.database.db.amazonIntegration.count({ where: { sellingPartnerId: 'A3OWNAPPERASED' } })).toBe(0);
    expect(await h.database.db.amazonUnsubscribeCredential.count()).toBe(0);
  });
});
