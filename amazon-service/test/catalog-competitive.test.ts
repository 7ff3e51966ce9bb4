// Catalog and competitive pricing against the sandbox: the seller's marketplaces, its listings synced
// page by page into Listing rows, an ASIN's catalog details, and Buy Box / lowest competing offer / offer
// count readings (the connector's getCompetitiveOffers) that follow the market as it moves.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lowestCompetingOffer } from '@calibr/shared-contracts';
import { CA, DEMO_SELLER, MX, US, connectDemoSeller, control, json, remoteConnector, signedFetch, startHarness, type Harness } from './support/harness';

let h: Harness;
interface MarketView {
  offers: { sellerId: string; landedPrice: string; condition: 'New' | 'Used' }[];
  buyBox: { sellerId: string; landedPrice: string } | null;
}
const SHOP = 'catalog-shop.myshopify.com';
const api = (method: string, path: string, body?: unknown) => signedFetch(h.service.url, SHOP, method, `/api/integrations/amazon${path}`, body);

beforeAll(async () => {
  h = await startHarness({ sandbox: { timeScale: 10 }, service: { timeScale: 10 } });
  await connectDemoSeller(h, SHOP, [US, CA]);
});
afterAll(async () => h?.close());

it('reads the seller’s marketplace participations', async () => {
  const { marketplaces } = await json<{ marketplaces: { id: string; participating: boolean; currency: string }[] }>(await api('GET', '/catalog/marketplaces'));
  expect(marketplaces.filter((m) => m.participating).map((m) => m.id).sort()).toEqual([CA, MX, US].sort());
  expect(marketplaces.find((m) => m.id === MX)?.currency).toBe('MXN');
  expect(marketplaces.find((m) => m.id === US)?.currency).toBe('USD');
});

it('syncs every listing with its offer price, page by page, into stored listings', async () => {
  const seller = await control<{ listings: { sku: string; productType: string; offers: { marketplaceId: string; price: string }[] }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`);
  const inUs = seller.listings.filter((l) => l.offers.some((o) => o.marketplaceId === US));
  const sync = await json<{ itemsSynced: number; pages: number; nextPageToken: string | null }>(await api('POST', '/catalog/sync', { marketplaceId: US, all: true }));
  expect(sync.itemsSynced).toBe(inUs.length);
  expect(sync.pages).toBe(Math.ceil(inUs.length / 20));
  expect(sync.nextPageToken).toBeNull();

  const stored: { sku: string; price: { amount: string; currency: string } | null; productType: string | null; asin: string }[] = [];
  for (let cursor: string | null = null, first = true; first || cursor; first = false) {
    const page: { listings: typeof stored; nextCursor: string | null } = await json(await api('GET', `/catalog/listings?marketplaceId=${US}&limit=25${cursor ? `&cursor=${cursor}` : ''}`));
    stored.push(...page.listings);
    cursor = page.nextCursor;
  }
  expect(stored).toHaveLength(inUs.length);
  for (const listing of inUs.slice(0, 10)) {
    const row = stored.find((s) => s.sku === listing.sku)!;
    expect(row.price).toEqual({ amount: listing.offers.find((o) => o.marketplaceId === US)!.price, currency: 'USD' });
    expect(row.productType).toBe(listing.productType);
  }
});

it('reads an ASIN’s catalog details (Catalog Items 2022-04-01)', async () => {
  const item = await json<{ asin: string; title: string; productType: string }>(await api('GET', `/catalog/items/B001VTSF4H?marketplaceId=${US}`));
  expect(item).toMatchObject({ asin: 'B001VTSF4H', productType: 'SHOES' });
  expect(item.title).toMatch(/Trailhead Running Shoe/);
  const unknown = await api('GET', '/catalog/items/B000000000');
  expect(unknown.status).toBe(404);
  expect(unknown.headers.get('content-type')).toContain('application/problem+json');
});

it('reads Buy Box, lowest competing offer and offer count as the market moves (getCompetitiveOffers)', async () => {
  const asin = 'B001VTSF4H';
  const connector = await remoteConnector(h, SHOP);
  const market = await control<MarketView>(h.sandbox, `offers?asin=${asin}&marketplaceId=${US}`);
  const first = await connector.pricing.getCompetitiveOffers!({ marketplaceId: US, itemIds: [asin, 'B001VJSTFI'] });
  expect(first.listings.map((l) => l.itemId)).toEqual([asin, 'B001VJSTFI']);
  const reading = first.listings[0]!;
  expect(reading).toMatchObject({ marketplaceId: US, currency: 'USD', offerCount: market.offers.length });
  expect(reading.buyBox?.amount).toBe(market.buyBox?.landedPrice);
  // The lowest offer is a competitor's: ours is left out even when it is the cheapest.
  const lowest = market.offers.filter((o) => o.sellerId !== DEMO_SELLER && o.condition === 'New').map((o) => o.landedPrice).sort((a, b) => Number(a) - Number(b))[0];
  expect(lowestCompetingOffer(reading.offers)?.landed.amount).toBe(lowest);

  // A competitor undercuts everyone: the next reading shows it.
  await control(h.sandbox, 'competitors/add', { asin, marketplaceId: US, sellerId: 'ACOMPETITOR01', price: '1.99', sellerName: 'Undercutter' });
  const [second] = (await connector.pricing.getCompetitiveOffers!({ marketplaceId: US, itemIds: [asin] })).listings;
  expect(second).toMatchObject({ offerCount: market.offers.length + 1 });
  expect(lowestCompetingOffer(second!.offers)).toMatchObject({ sellerId: 'ACOMPETITOR01', isOurs: false, landed: { amount: '1.99', currency: 'USD' } });
  // An ASIN Amazon refuses is answered with its reason; the others in the call still are.
  const [unknown, known] = (await connector.pricing.getCompetitiveOffers!({ marketplaceId: US, itemIds: ['B000000000', asin] })).listings;
  expect(unknown).toMatchObject({ itemId: 'B000000000', currency: null, offers: [], error: { code: expect.any(String) } });
  expect(known!.error).toBeUndefined();
});
