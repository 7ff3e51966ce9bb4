// Our own offers in a competitive reading (the connector's getCompetitiveOffers, through the signed
// /connector routes as the app calls it), against the sandbox over real HTTP, on each database: Amazon's
// getItemOffersBatch lists them among the others (its lowest price counts them), so every offer of a seller
// account the shop holds in the marketplace is marked ours (MyOffer for the connected seller, the shop's
// own authorizations for the others), and the lowest competing offer leaves them out.
import { testDatabaseProviders } from '@calibr/db';
import { buyBoxOffer, lowestCompetingOffer, type CompetitiveListing } from '@calibr/shared-contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SELLER, US, connectDemoSeller, control, remoteConnector, startHarness, type Harness } from './support/harness';

interface MarketView {
  offers: { sellerId: string; landedPrice: string; condition: 'New' | 'Used'; feedbackPercent: number; fulfillment: 'AFN' | 'MFN' }[];
}

describe.each(testDatabaseProviders())('our own offers in a competitive reading (%s)', (provider) => {
  let h: Harness;
  const SHOP = `own-offers-${provider}.myshopify.com`;
  const read = async (asin: string): Promise<CompetitiveListing> => {
    const connector = await remoteConnector(h, SHOP);
    const { listings } = await connector.pricing.getCompetitiveOffers!({ itemIds: [asin], marketplaceId: US });
    expect(listings.map((l) => l.itemId)).toEqual([asin]);
    return listings[0]!;
  };

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

    const reading = await read(asin);
    expect(lowestCompetingOffer(reading.offers)?.landed.amount).toBe(cheapest);
    expect(reading.offers.filter((o) => o.isOurs).map((o) => o.sellerId).sort()).toEqual(['AOURSECONDACCT', DEMO_SELLER].sort());
    expect(reading.offers.filter((o) => !o.isOurs).map((o) => o.sellerId).sort()).toEqual(competitors.map((o) => o.sellerId).sort());
    // Our other account now holds the Buy Box (lowest landed price, eligible): it is ours, not a competitor's.
    expect(reading.buyBox).toEqual({ amount: below, currency: 'USD' });
    expect(buyBoxOffer(reading.offers, reading.buyBox)).toMatchObject({ sellerId: 'AOURSECONDACCT', isOurs: true, fulfillment: 'AFN', isBuyBoxWinner: true, isBuyBoxEligible: true });
    // What Amazon says about each competitor comes along: feedback, condition, fulfilment.
    const rival = competitors[0]!;
    expect(reading.offers.find((o) => o.sellerId === rival.sellerId)).toMatchObject({
      condition: 'new',
      feedback: { percentage: rival.feedbackPercent },
      isBuyBoxEligible: rival.feedbackPercent >= 90,
      // The sandbox's competitors carry the Prime badge exactly when Amazon fulfils them.
      isPrime: rival.fulfillment === 'AFN',
    });

    // Every competitor leaves: only our offers are left, and there is no lowest competing offer.
    for (const c of market.offers.filter((o) => o.sellerId !== DEMO_SELLER)) await control(h.sandbox, 'competitors/remove', { asin, marketplaceId: US, sellerId: c.sellerId });
    const alone = await read(asin);
    expect(lowestCompetingOffer(alone.offers)).toBeNull();
    expect(alone.offerCount).toBe(2);
    expect(alone.offers.length).toBe(2);
    expect(alone.offers.every((o) => o.isOurs)).toBe(true);
    expect(buyBoxOffer(alone.offers, alone.buyBox)?.isOurs).toBe(true);
  });
});
