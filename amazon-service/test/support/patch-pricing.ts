// Driving one shop's US price updates through the service's connector contract (as the app does), and reading what the sandbox's
// demo seller shows, for the patchListingsItem tests (the harness is started in beforeAll, hence the getter).
import type { PriceUpdate, PriceUpdateResult } from '@calibr/shared-contracts';
import { DEMO_SELLER, US, control, remoteConnector, sandboxLog, type Harness, type SandboxLogEntry } from './harness';

type DemoSeller = { listings: { sku: string; offers: { marketplaceId: string; price: string }[] }[] };

/** The demo seller's SKUs offered in the US. */
export async function usSkus(h: Harness): Promise<string[]> {
  const seller = await control<DemoSeller>(h.sandbox, `sellers/${DEMO_SELLER}`);
  return seller.listings.filter((l) => l.offers.some((o) => o.marketplaceId === US)).map((l) => l.sku);
}

export function patchPricing(harness: () => Harness, shop: string) {
  const update = (sku: string, key: string, amount: string): PriceUpdate => ({ idempotencyKey: key, externalId: sku, marketplaceId: US, price: { amount, currency: 'USD' } });

  /** One update as a batch of one (the app's push): the service picks patchListingsItem for it. */
  async function send(u: PriceUpdate): Promise<PriceUpdateResult> {
    const connector = await remoteConnector(harness(), shop);
    return (await connector.pricing.batchUpdatePrices!([u])).results[0]!;
  }

  async function ask(key: string): Promise<PriceUpdateResult> {
    const connector = await remoteConnector(harness(), shop);
    return connector.pricing.getUpdateResult!(key);
  }

  /** The PATCH requests for the SKU the sandbox saw. */
  async function patchRequests(sku: string): Promise<SandboxLogEntry[]> {
    const { entries } = await sandboxLog(harness().sandbox, { kind: 'request', path: `/listings/2021-08-01/items/${DEMO_SELLER}/${encodeURIComponent(sku)}` });
    return entries.filter((e) => e.method === 'PATCH');
  }

  /** The US price Amazon shows for the SKU now. */
  async function amazonPrice(sku: string): Promise<string> {
    const seller = await control<DemoSeller>(harness().sandbox, `sellers/${DEMO_SELLER}`);
    return seller.listings.find((l) => l.sku === sku)!.offers.find((o) => o.marketplaceId === US)!.price;
  }

  return { update, send, ask, patchRequests, amazonPrice };
}
