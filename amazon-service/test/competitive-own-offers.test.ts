// Our own offers in a competitive reading, against the sandbox over real HTTP, on each database: Amazon's
// getItemOffersBatch lists them among the others (its lowest price counts them), so every offer of a seller
// account the shop holds in the marketplace is marked ours (MyOffer for the connected seller, the shop's
// own authorizations for the others), the lowest offer recorded is the lowest competing one, and the
// offers are kept with the reading for the pricing policy.
import { testDatabaseProviders } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SELLER, US, connectDemoSeller, control, json, signedFetch, startHarness, type Harness } from './support/harness';

interface MarketView {
  offers: { sellerId: string; landedPrice: string; condition: 'New' | 'Used' }[];
}
interface Reading {
  buyBox: { amount: string } | null;
  buyBoxSellerId: string | null;
  buyBoxIsOurs: boolean | null;
  lowestOffer: { amount: string } | null;
  offers: { sellerId: string; isOurs: boolean; fulfillment: string; landed: { amount: string; currency: string }; isBuyBoxWinner: boolean }[];
}

describe.each(testDatabaseProviders())('our own offers in a competitive reading (%s)', (provider) => {
  let h: Harness;
  const SHOP = `own-offers-${provider}.myshopify.com`;
  const api = (method: string, path: string, body?: unknown) => signedFetch(h.service.url, SHOP, method, `/api/integrations/amazon${path}`, body);

  beforeAll(async () => {
    h = await startHarness({ provider, sandbox: { timeScale: 10 }, service: { timeScale: 10 } });
    await connectDemoSeller(h, SHOP, [US]);
  });
  afterAll(async () => h?.close());

  it('marks every offer of a seller account the shop holds as ours, and never counts it as the lowest or the Buy Box to beat', async () => {
    const asin = 'B001VJSTFI';
    const market = await control<MarketView>(h.sandbox, `offers?asin=${asin}&marketplaceId=${US}`);
    // The reading asks for new offers (ItemCondition New).
    const competitors = market.offers.filter((o) => o.sellerId !== DEMO_SELLER && o.condition === 'New');
    expect(competitors.length).toBeGreaterThan(0);
    const cheapest = competitors.map((o) => o.landedPrice).sort((a, b) => Number(a) - Number(b))[0]!;
    // A second seller account of this shop (one it connected before, since replaced) lists the ASIN below
    // everybody: Amazon doesn't mark it MyOffer for the connected seller, the shop's own records do.
    const project = await h.database.db.amazonTenant.findFirstOrThrow({ where: { shopDomain: SHOP } });
    await h.database.db.amazonIntegration.create({
      data: { projectId: project.id, sellingPartnerId: 'AOURSECONDACCT', region: 'na', marketplaceIds: [US], authMode: 'self_authorization', refreshTokenCiphertext: 'unused', status: 'disconnected' },
    });
    const below = (Number(cheapest) - 1).toFixed(2);
    await control(h.sandbox, 'competitors/add', { asin, marketplaceId: US, sellerId: 'AOURSECONDACCT', price: below, sellerName: 'Our other account', fulfillment: 'AFN', feedbackPercent: 99 });

    const [reading] = (await json<{ observations: Reading[] }>(await api('POST', '/competitive', { marketplaceId: US, asins: [asin] }))).observations;
    expect(reading!.lowestOffer?.amount).toBe(cheapest);
    expect(reading!.offers.filter((o) => o.isOurs).map((o) => o.sellerId).sort()).toEqual(['AOURSECONDACCT', DEMO_SELLER].sort());
    expect(reading!.offers.filter((o) => !o.isOurs).map((o) => o.sellerId).sort()).toEqual(competitors.map((o) => o.sellerId).sort());
    // Our other account now holds the Buy Box (lowest landed price, eligible): it is ours, not a competitor's.
    expect(reading!).toMatchObject({ buyBoxSellerId: 'AOURSECONDACCT', buyBoxIsOurs: true, buyBox: { amount: below } });
    const row = await h.database.db.amazonCompetitorObservation.findFirstOrThrow({ where: { asin }, orderBy: { observedAt: 'desc' } });
    expect(row).toMatchObject({ lowestOfferAmount: cheapest, buyBoxIsOurs: true });
    expect((row.details as { offers: { sellerId: string; isOurs: boolean; landed: string; fulfillment: string }[] }).offers).toContainEqual(
      expect.objectContaining({ sellerId: 'AOURSECONDACCT', isOurs: true, landed: below, fulfillment: 'AFN' }),
    );

    // Every competitor leaves: only our offers are left, and there is no lowest competing offer.
    for (const c of market.offers.filter((o) => o.sellerId !== DEMO_SELLER)) await control(h.sandbox, 'competitors/remove', { asin, marketplaceId: US, sellerId: c.sellerId });
    const [alone] = (await json<{ observations: Reading[] }>(await api('POST', '/competitive', { marketplaceId: US, asins: [asin] }))).observations;
    expect(alone!.lowestOffer).toBeNull();
    expect(alone!.offers.length).toBe(2);
    expect(alone!.offers.every((o) => o.isOurs)).toBe(true);
    const last = await h.database.db.amazonCompetitorObservation.findFirstOrThrow({ where: { asin }, orderBy: { observedAt: 'desc' } });
    expect(last).toMatchObject({ lowestOfferAmount: null, offerCount: 2, buyBoxIsOurs: true });
  });
});
