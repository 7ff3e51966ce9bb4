// The demo seed: a seller whose listings share SKUs with the demo shop (some SKUs on one side only), more
// than one marketplace and currency, and LWA credentials listed by GET /_sandbox/seed that really work.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { amazonCatalog, shopifyCatalog } from '../../src/seed/catalog';
import { raw, startAmazonSandbox, CA, DE, EU_SELLER, MX, NA_SELLER, UK, US, type AmazonTestSandbox } from './harness';

let sb: AmazonTestSandbox;
beforeAll(async () => {
  sb = await startAmazonSandbox();
});
afterAll(() => sb.close());

interface SeedSeller {
  sellerId: string;
  region: 'na' | 'eu' | 'fe';
  marketplaceIds: string[];
  lwa: { clientId: string; clientSecret: string; refreshToken: string };
}

test('GET /_sandbox/seed lists each seller with LWA credentials that work', async () => {
  const seed = (await (await fetch(`${sb.url}/_sandbox/seed`)).json()) as { amazon: { apps: { clientId: string }[]; sellers: SeedSeller[] } };
  const sellers = seed.amazon.sellers;
  expect(sellers.map((s) => s.sellerId)).toEqual([NA_SELLER, EU_SELLER]);
  for (const s of sellers) {
    expect(s.lwa.clientId).toMatch(/^amzn1\.application-oa2-client\./);
    expect(s.lwa.clientSecret).toMatch(/^amzn1\.oa2-cs\.v1\./);
    expect(s.lwa.refreshToken).toMatch(/^Atzr\|/);
    const sp = sb.client({ sellerId: s.sellerId, refreshToken: s.lwa.refreshToken, clientId: s.lwa.clientId, clientSecret: s.lwa.clientSecret });
    const res = await raw(sp, { operation: 'sellers.getMarketplaceParticipations' });
    expect(res.status).toBe(200);
    expect(res.body.payload.map((p: { marketplace: { id: string } }) => p.marketplace.id)).toEqual(s.marketplaceIds);
  }
  // The same identities survive a restart: they are derived, not random. (This one also has "live"
  // competitors: a price moves every 0.05 s.)
  const again = await startAmazonSandbox({ liveCompetitorsSeconds: 0.05 });
  try {
    expect(again.identities().sellers.map((s) => s.lwa)).toEqual(sellers.map((s) => s.lwa));
    const before = JSON.stringify(again.platform.world.state.competitors);
    await new Promise((r) => setTimeout(r, 300));
    expect(JSON.stringify(again.platform.world.state.competitors)).not.toBe(before);
  } finally {
    await again.close();
  }
});

test("the NA seller's listings share SKUs with the demo shop; some SKUs are on one side only", async () => {
  const shopSkus = new Set(shopifyCatalog().flatMap((p) => p.variants.map((v) => v.sku)));
  const seller = (await sb.control('GET', `sellers/${NA_SELLER}`)).body as { listings: { sku: string; offers: { marketplaceId: string; currency: string; price: string }[] }[] };
  const amazonSkus = new Set(seller.listings.map((l) => l.sku));
  const shared = [...amazonSkus].filter((s) => shopSkus.has(s));
  expect(shared.length).toBeGreaterThan(20);
  expect([...amazonSkus].some((s) => !shopSkus.has(s))).toBe(true);
  expect([...shopSkus].some((s) => !amazonSkus.has(s))).toBe(true);

  // Prices per marketplace come from the shared catalog, in each marketplace's currency.
  const catalog = new Map(amazonCatalog().map((e) => [e.variant.sku, e.variant]));
  for (const listing of seller.listings) {
    for (const offer of listing.offers) {
      const currency = ({ [US]: 'USD', [CA]: 'CAD', [MX]: 'MXN' } as const)[offer.marketplaceId]!;
      expect([US, CA, MX]).toContain(offer.marketplaceId);
      expect(offer).toMatchObject({ currency, price: catalog.get(listing.sku)!.price[currency] });
    }
  }
  const inCa = seller.listings.filter((l) => l.offers.some((o) => o.marketplaceId === CA)).length;
  expect(inCa).toBeGreaterThan(0);
  expect(inCa).toBeLessThan(seller.listings.length);
  // Mexico too (MXN): the same two thirds, so those SKUs sell in all three marketplaces.
  const inAll = seller.listings.filter((l) => [US, CA, MX].every((id) => l.offers.some((o) => o.marketplaceId === id))).length;
  expect(inAll).toBe(inCa);
});

test('the EU seller sells in GBP and EUR', async () => {
  const seller = (await sb.control('GET', `sellers/${EU_SELLER}`)).body as { listings: { offers: { marketplaceId: string; currency: string }[] }[] };
  const currencies = new Set(seller.listings.flatMap((l) => l.offers.map((o) => `${o.marketplaceId}:${o.currency}`)));
  expect(currencies).toEqual(new Set([`${UK}:GBP`, `${DE}:EUR`]));
});
