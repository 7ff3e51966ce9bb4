// The platform's fees for the items whose rule floors at cost + fees + margin (`floorFormula:
// 'cost_fees_margin'`): each such item's reference listing is estimated near its current price through
// the registry's connector (`capabilities.feeEstimates` → `pricing.getFeeEstimates`, in batches of the
// connector's `maxFeeBatch`; the Amazon service caches per SKU and price band). Fees that can't be read
// become `feesError`, and the engine holds the item with that reason: never priced blind.
//
// Shopify charges no per-listing selling fee the app could read: a Shopify reference is asked nothing
// and keeps `fees` null without an error; the engine's fee-aware floor is then cost + margin, and its
// explanation says no platform fees apply.
import { feeBatchSize, type FeeEstimate, type FeeEstimateItem, type Money, type PlatformConnector } from '@calibr/shared-contracts';
import type { PricedItem } from './items.server';

/** Platforms without selling fees the app reads. */
const NO_FEE_PLATFORMS = new Set(['shopify']);

export type ConnectorFor = (platform: string, projectId: string) => Promise<PlatformConnector>;

const registryConnector: ConnectorFor = async (platform, projectId) => {
  const { getPlatformRegistry } = await import('../platforms/registry.server');
  return (await getPlatformRegistry()).connector(platform, projectId);
};

/**
 * Sets `fees` or `feesError` on each item's context (items are changed in place). `priceFor` picks the
 * price to estimate at (default the current price). Returns the estimates asked for.
 */
export async function attachFees(projectId: string, items: readonly PricedItem[], connectorFor: ConnectorFor = registryConnector, priceFor: (item: PricedItem) => Money | null = (item) => item.context.currentPrice): Promise<number> {
  const groups = new Map<string, PricedItem[]>();
  const prices = new Map<PricedItem, Money>();
  for (const item of items) {
    if (NO_FEE_PLATFORMS.has(item.reference.platform)) {
      setFees(item, null, null);
      continue;
    }
    const price = priceFor(item) ?? item.context.currentPrice;
    if (!price) continue; // the engine skips it anyway (no current price)
    prices.set(item, price);
    const key = `${item.reference.platform}\u0000${item.reference.marketplaceId}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  let asked = 0;
  for (const [key, group] of groups) {
    const [platform, marketplaceId] = key.split('\u0000') as [string, string];
    let connector: PlatformConnector;
    try {
      connector = await connectorFor(platform, projectId);
    } catch (error) {
      for (const item of group) setFees(item, null, `fees unavailable: ${messageOf(error)}`);
      continue;
    }
    const estimate = connector.pricing.getFeeEstimates?.bind(connector.pricing);
    if (!connector.capabilities.feeEstimates || !estimate) {
      for (const item of group) setFees(item, null, `fees unavailable: the ${platform} connector can't estimate fees`);
      continue;
    }
    const size = feeBatchSize(connector.capabilities);
    for (let i = 0; i < group.length; i += size) {
      const batch = group.slice(i, i + size);
      const request: FeeEstimateItem[] = batch.map((item) => ({ externalId: item.reference.externalId, price: prices.get(item)! }));
      asked += request.length;
      try {
        const { estimates } = await estimate({ ...(marketplaceId ? { marketplaceId } : {}), items: request });
        batch.forEach((item, n) => {
          // One estimate per item in request order; matched by SKU too, in case a connector reorders.
          const found = estimates[n]?.externalId === item.reference.externalId ? estimates[n] : estimates.find((e) => e.externalId === item.reference.externalId);
          if (!found) setFees(item, null, `fees unavailable: ${platform} returned no estimate for ${item.reference.externalId}`);
          else if (found.error || !found.total) setFees(item, null, `fees unavailable: ${found.error ? `${found.error.code}: ${found.error.message}` : 'no total'}`);
          else setFees(item, found, null);
        });
      } catch (error) {
        for (const item of batch) setFees(item, null, `fees unavailable: ${messageOf(error)}`);
      }
    }
  }
  return asked;
}

function setFees(item: PricedItem, fees: FeeEstimate | null, error: string | null): void {
  item.context = { ...item.context, fees, feesError: error };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
