// The shared conformance kit, run against the Amazon connector through its HTTP interface: the app's
// RemoteConnector, signed requests, the service, and the sandbox behind it.
import { afterAll, beforeAll } from 'vitest';
import { RemoteConnector, type PlatformConnector } from '@calibr/shared-contracts';
import { describeConformance } from '@calibr/shared-contracts/conformance';
import { DEMO_SELLER, SHARED_SECRET, US, control, startHarness, waitFor, type Harness } from './support/harness';

let h: Harness;
const SHOP = 'conformance-shop.myshopify.com';

beforeAll(async () => {
  h = await startHarness({
    sandbox: { timeScale: 10 },
    // Amazon's notifications through the sandbox's queue: the offer-changes check reads real ANY_OFFER_CHANGED.
    notifications: {},
    service: {
      timeScale: 10,
      // Few, quick retries, so a simulated throttle surfaces in a second (production: 6 attempts).
      retry: { throttledAttempts: 3, transientAttempts: 2, baseDelayMs: 50, maxDelayMs: 200, maxElapsedMs: 5_000 },
    },
  });
}, 60_000);
afterAll(async () => h?.close());

/** Nothing left for Amazon to answer: every feed finished and no update pending. */
async function settle(): Promise<void> {
  await waitFor(
    'Amazon to process pending price updates',
    async () => {
      const open = await h.database.db.amazonPriceUpdate.count({ where: { tenant: { shopDomain: SHOP }, status: { in: ['queued', 'pending', 'accepted'] } } });
      return open === 0;
    },
    20_000,
    100,
  );
}

/**
 * A competitor moves on the fixture item: once the seller is subscribed, the change reaches the shop's feed
 * through the queue (the hook returns when the connector holds it).
 */
async function announceOfferChange(connector: PlatformConnector): Promise<void> {
  const read = connector.pricing.getOfferChanges!.bind(connector.pricing);
  await waitFor('the seller subscribed to ANY_OFFER_CHANGED', async () =>
    (await h.database.db.amazonNotificationSubscription.count({ where: { sellingPartnerId: DEMO_SELLER, notificationType: 'ANY_OFFER_CHANGED' } })) > 0,
  );
  let tail: string | null = null;
  for (let page = await read({}); page.changes.length > 0; page = await read({ after: tail })) tail = page.cursor;
  const { offers } = await control<{ offers: { sellerId: string; price: string }[] }>(h.sandbox, `offers?asin=B001VTSF4H&marketplaceId=${US}`);
  const rival = offers.find((o) => o.sellerId !== DEMO_SELLER)!;
  await control(h.sandbox, 'competitors/price', { asin: 'B001VTSF4H', marketplaceId: US, sellerId: rival.sellerId, price: (Number(rival.price) - 0.01).toFixed(2) });
  await waitFor('the offer change readable', async () => (await read({ after: tail, waitSeconds: 2 })).changes.length > 0, 20_000, 0);
}

/**
 * The ASIN's reference price drops under our offer's price: Amazon sends PRICING_HEALTH, and the hook
 * returns when the shop's stream holds it. The reference goes back above every offer first, so each call
 * is a fresh loss of eligibility.
 */
async function announcePricingHealth(connector: PlatformConnector): Promise<void> {
  const read = connector.pricing.getOfferChanges!.bind(connector.pricing);
  await waitFor('the seller subscribed to PRICING_HEALTH', async () =>
    (await h.database.db.amazonNotificationSubscription.count({ where: { sellingPartnerId: DEMO_SELLER, notificationType: 'PRICING_HEALTH' } })) > 0,
  );
  await control(h.sandbox, 'catalog/reference-price', { asin: 'B001VTSF4H', marketplaceId: US, price: '999.00' });
  let tail: string | null = null;
  for (let page = await read({ include: ['pricingHealth'] }); page.changes.length + (page.pricingHealth?.length ?? 0) > 0; page = await read({ after: tail, include: ['pricingHealth'] })) tail = page.cursor;
  const { offers } = await control<{ offers: { sellerId: string; price: string }[] }>(h.sandbox, `offers?asin=B001VTSF4H&marketplaceId=${US}`);
  const ours = offers.find((o) => o.sellerId === DEMO_SELLER)!;
  await control(h.sandbox, 'catalog/reference-price', { asin: 'B001VTSF4H', marketplaceId: US, price: (Number(ours.price) - 1).toFixed(2) });
  await waitFor('the pricing health readable', async () => ((await read({ after: tail, waitSeconds: 2, include: ['pricingHealth'] })).pricingHealth?.length ?? 0) > 0, 20_000, 0);
}

describeConformance('amazon connector through the Amazon service over HTTP', () => {
  const seller = h.sellers.find((s) => s.sellerId === DEMO_SELLER)!;
  return {
    makeConnector: (): Promise<PlatformConnector> => RemoteConnector.connect({ baseUrl: h.service.url, tenantId: SHOP, secret: SHARED_SECRET }),
    fixtures: {
      credentials: { platform: 'amazon', sellingPartnerId: DEMO_SELLER, refreshToken: seller.lwa.refreshToken, region: 'na', marketplaceIds: [US] },
      invalidCredentials: { platform: 'amazon', sellingPartnerId: DEMO_SELLER, refreshToken: 'Atzr|revoked-or-invented', region: 'na', marketplaceIds: [US] },
      product: { externalId: 'B001VTSF4H' },
      listing: { externalId: 'CAL-TRAI-RUNN-8', marketplaceId: US },
      secondListing: { externalId: 'CAL-TRAI-RUNN-9', marketplaceId: US },
      unknownProductId: 'B000000000',
      unknownListingId: 'NO-SUCH-SKU-1',
      // The demo seller's trail running shoe, among its competitors' offers.
      competitiveItem: { itemId: 'B001VTSF4H', marketplaceId: US, hasOurOffer: true },
    },
    settle,
    announceOfferChange,
    announcePricingHealth,
    // Amazon answers 429 QuotaExceeded to the next calls, more times than the connector retries.
    simulateRateLimit: async () => {
      await control(h.sandbox, 'throttle', { operation: '*', count: 3 });
    },
    timeoutMs: 60_000,
  };
});
