// A seller in several marketplaces (the sandbox's NA demo seller sells in the US, Canada and Mexico),
// over real HTTP: every marketplace authorized is synced into its own listings in its own currency; one
// no longer chosen has its listings retired (kept, never read or priced), across disconnect/reconnect,
// until it is chosen again.
import { testDatabaseProviders } from '@calibr/db';
import { RemoteConnector, type PlatformConnector, type SyncResult } from '@calibr/shared-contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CA, DEMO_SELLER, MX, SHARED_SECRET, US, connectDemoSeller, control, json, remoteConnector, sandboxLog, signedFetch, startHarness, type Harness } from './support/harness';

const CURRENCY: Record<string, string> = { [US]: 'USD', [CA]: 'CAD', [MX]: 'MXN' };
type DemoSeller = { listings: { sku: string; asin: string; offers: { marketplaceId: string; currency: string; price: string }[] }[] };

describe.each(testDatabaseProviders())('a seller in several marketplaces (%s)', (provider) => {
  let h: Harness;
  let connector: PlatformConnector;
  let projectId: string;
  let seller: DemoSeller;
  const shop = `marketplaces-${provider}.myshopify.com`;
  const api = (method: string, path: string, body?: unknown) => signedFetch(h.service.url, shop, method, `/api/integrations/amazon${path}`, body);

  /** Every step of one sync through the connector's HTTP interface. */
  async function sync(mode: 'full' | 'incremental', since?: string): Promise<SyncResult[]> {
    const steps: SyncResult[] = [];
    let cursor: string | null = null;
    do {
      const step: SyncResult = await connector.products.sync({ mode, ...(since ? { since } : {}), ...(cursor ? { cursor } : {}) });
      steps.push(step);
      cursor = step.nextCursor;
      expect(steps.length).toBeLessThan(100);
    } while (cursor);
    return steps;
  }

  const rows = () => h.database.db.amazonListing.findMany({ where: { projectId }, orderBy: { id: 'asc' } });
  const offered = (marketplaceId: string) => seller.listings.filter((l) => l.offers.some((o) => o.marketplaceId === marketplaceId));
  /** The marketplaces the service asked searchListingsItems about since log entry `since`. */
  async function searchedMarketplaces(since: number): Promise<Set<string>> {
    const { entries } = await sandboxLog(h.sandbox, { since, kind: 'request', path: `/listings/2021-08-01/items/${DEMO_SELLER}` });
    return new Set(entries.filter((e) => e.method === 'GET').map((e) => new URLSearchParams((e.path ?? '').split('?')[1] ?? '').get('marketplaceIds') ?? ''));
  }

  beforeAll(async () => {
    h = await startHarness({ provider });
    await connectDemoSeller(h, shop, [US, CA, MX]);
    connector = await RemoteConnector.connect({ baseUrl: h.service.url, tenantId: shop, secret: SHARED_SECRET });
    projectId = (await h.database.db.amazonTenant.findUniqueOrThrow({ where: { shopDomain: shop } })).id;
    seller = await control<DemoSeller>(h.sandbox, `sellers/${DEMO_SELLER}`);
  });
  afterAll(async () => h?.close());

  it('syncs every authorized marketplace into its own listings, each in its own currency', async () => {
    // The demo seller really sells in all three, with SKUs in all three.
    const status = await json<{ marketplaceIds: string[] }>(await api('GET', '/auth'));
    expect(status.marketplaceIds).toEqual([US, CA, MX]);
    expect(offered(MX).length).toBeGreaterThan(0);

    const steps = await sync('full');
    const stored = await rows();
    for (const marketplaceId of [US, CA, MX]) {
      const mine = stored.filter((r) => r.marketplaceId === marketplaceId);
      expect(mine.map((r) => r.externalId).sort()).toEqual(offered(marketplaceId).map((l) => l.sku).sort());
      for (const row of mine) {
        const offer = seller.listings.find((l) => l.sku === row.externalId)!.offers.find((o) => o.marketplaceId === marketplaceId)!;
        expect({ currency: row.currency, priceAmount: row.priceAmount, status: row.status }).toEqual({ currency: CURRENCY[marketplaceId], priceAmount: offer.price, status: 'active' });
      }
    }
    // A SKU sold in all three is three listings, kept apart.
    const everywhere = seller.listings.find((l) => l.offers.length === 3)!;
    const three = stored.filter((r) => r.externalId === everywhere.sku);
    expect(three.map((r) => `${r.marketplaceId}:${r.currency}`).sort()).toEqual([`${US}:USD`, `${CA}:CAD`, `${MX}:MXN`].sort());
    expect(new Set(three.map((r) => r.id)).size).toBe(3);
    // What the sync handed back says the marketplace of every listing.
    const handed = steps.flatMap((s) => s.products.flatMap((p) => p.listings.map((l) => `${l.marketplaceId}:${l.externalId}:${l.price?.currency}`)));
    expect(new Set(handed)).toEqual(new Set(stored.map((r) => `${r.marketplaceId}:${r.externalId}:${r.currency}`)));
  });

  it('retires the listings of a marketplace no longer chosen: kept, but neither read nor priced', async () => {
    const before = await rows();
    const chosen = await api('POST', '/auth/marketplaces', { region: 'na', marketplaceIds: [US, MX] });
    expect(chosen.status, await chosen.clone().text()).toBe(200);

    const after = await rows();
    expect(after.length).toBe(before.length); // retired, not deleted: history stays
    expect(new Set(after.filter((r) => r.marketplaceId === CA).map((r) => r.status))).toEqual(new Set(['retired']));
    expect(after.filter((r) => r.marketplaceId !== CA).every((r) => r.status === 'active')).toBe(true);

    // Not priced: an update for Canada is refused before anything is sent to Amazon.
    const sku = offered(CA)[0]!.sku;
    const { lastId } = await sandboxLog(h.sandbox);
    const connector = await remoteConnector(h, shop);
    const push = await connector.pricing.batchUpdatePrices!([{ idempotencyKey: `retired-${provider}`, externalId: sku, marketplaceId: CA, price: { amount: '50.00', currency: 'CAD' } }]);
    const result = push.results[0]!;
    expect(result).toMatchObject({ status: 'failed', reason: 'validation' });
    expect(JSON.stringify(result)).toContain('unknown_marketplace');
    // Not read: competition for Canada is refused, and a sync reads the US and Mexico only.
    await expect(connector.pricing.getCompetitiveOffers!({ marketplaceId: CA, itemIds: [offered(CA)[0]!.asin] })).rejects.toMatchObject({ status: 400 });
    await sync('full');
    expect(await searchedMarketplaces(lastId)).toEqual(new Set([US, MX]));
    expect((await rows()).filter((r) => r.marketplaceId === CA && r.status !== 'retired')).toEqual([]);
  });

  it('keeps them retired across disconnect and reconnect, and brings them back when the marketplace is chosen again', async () => {
    const retired = (await rows()).filter((r) => r.marketplaceId === CA).length;
    expect((await api('DELETE', '/auth')).status).toBe(204);
    await connectDemoSeller(h, shop, [US, MX]);
    expect((await rows()).filter((r) => r.marketplaceId === CA && r.status === 'retired').length).toBe(retired);

    // Removing Mexico at reconnect retires it too.
    await connectDemoSeller(h, shop, [US]);
    expect(new Set((await rows()).filter((r) => r.marketplaceId !== US).map((r) => r.status))).toEqual(new Set(['retired']));

    // Chosen again: an incremental sync reads a marketplace with no live listing whole (its listings
    // changed nothing since), and the US only since the checkpoint.
    await connectDemoSeller(h, shop, [US, CA, MX]);
    const { lastId } = await sandboxLog(h.sandbox);
    await sync('incremental', new Date().toISOString());
    expect(await searchedMarketplaces(lastId)).toEqual(new Set([US, CA, MX]));
    const back = await rows();
    expect(back.filter((r) => r.status !== 'active')).toEqual([]);
    expect(back.filter((r) => r.marketplaceId === CA).length).toBe(retired);
    expect(back.filter((r) => r.marketplaceId === MX).map((r) => r.externalId).sort()).toEqual(offered(MX).map((l) => l.sku).sort());
  });
});
