// What each check gets: a fresh authenticated connector and helpers bound to the fixtures.
import { randomUUID } from 'node:crypto';
import { fromMinorUnits, minorUnitsOf, toMinorUnits, type Money, type PlatformConnector, type PriceUpdate } from '..';
import { CheckSkipped } from './assertions';
import type { ConformanceFixtures, ConformanceOptions, ListingFixture } from './types';

export interface CheckContext {
  readonly connector: PlatformConnector;
  readonly options: ConformanceOptions;
  readonly fixtures: ConformanceFixtures;
  /** A fresh idempotency key, unique per run and check. */
  key(label: string): string;
  /** Let asynchronous updates finish (no-op for synchronous connectors). */
  settle(): Promise<void>;
  /** Stop here and report the check as skipped. */
  skip(reason: string): never;
  /** Three distinct valid prices for `listing`, none equal to its live price. */
  pricesFor(listing: ListingFixture): Promise<[Money, Money, Money]>;
  /** The listing's live price. */
  livePrice(listing: ListingFixture): Promise<Money>;
  /** A valid update for a listing. */
  update(listing: ListingFixture, price: Money, key: string, extra?: Partial<PriceUpdate>): PriceUpdate;
}

export function createContext(connector: PlatformConnector, options: ConformanceOptions, checkId: string): CheckContext {
  const prefix = options.keyPrefix ?? `conformance-${randomUUID().slice(0, 8)}`;
  const runId = randomUUID().slice(0, 8);
  const lookup = (l: ListingFixture) => (l.marketplaceId ? { marketplaceId: l.marketplaceId } : undefined);

  const ctx: CheckContext = {
    connector,
    options,
    fixtures: options.fixtures,
    key: (label) => `${prefix}:${checkId}:${runId}:${label}`,
    settle: async () => {
      if (connector.capabilities.priceUpdateMode === 'synchronous') return;
      if (!options.settle) {
        throw new CheckSkipped('the connector answers asynchronously and no settle() hook was given');
      }
      await options.settle(connector);
    },
    skip: (reason) => {
      throw new CheckSkipped(reason);
    },
    livePrice: async (listing) => (await connector.pricing.getPrice(listing.externalId, lookup(listing))).price,
    pricesFor: async (listing) => {
      if (options.fixtures.prices) {
        const live = await ctx.livePrice(listing);
        const given = options.fixtures.prices.filter((p) => p.currency === live.currency && p.amount !== live.amount);
        if (given.length >= 3) return [given[0], given[1], given[2]] as [Money, Money, Money];
      }
      const live = await ctx.livePrice(listing);
      const unit = 10n ** BigInt(minorUnitsOf(live.currency));
      const base = toMinorUnits(live);
      return [1n, 2n, 3n].map((i) => fromMinorUnits(base + i * unit, live.currency)) as [Money, Money, Money];
    },
    update: (listing, price, key, extra = {}) => ({
      idempotencyKey: key,
      externalId: listing.externalId,
      ...(listing.marketplaceId ? { marketplaceId: listing.marketplaceId } : {}),
      price,
      ...extra,
    }),
  };
  return ctx;
}
