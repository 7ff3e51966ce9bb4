// The marketplaces a seller can sell in (Sellers API getMarketplaceParticipations).
import type { SpApiClient } from '../sp-api/sp-api-client';
import { findMarketplace, type Region } from '../sp-api/regions';

export interface MarketplaceParticipation {
  id: string;
  name: string;
  countryCode: string;
  currency: string;
  /** Our region for it; undefined for a marketplace we don't know. */
  region: Region | undefined;
  participating: boolean;
  hasSuspendedListings: boolean;
  storeName?: string;
}

interface SellersAnswer {
  payload?: {
    marketplace: { id: string; name: string; countryCode: string; defaultCurrencyCode: string };
    participation: { isParticipating: boolean; hasSuspendedListings: boolean };
    storeName?: string;
  }[];
}

export async function participatingMarketplaces(client: SpApiClient): Promise<MarketplaceParticipation[]> {
  const answer = await client.call<SellersAnswer>({ operation: 'sellers.getMarketplaceParticipations' });
  return (answer.payload ?? []).map((p) => ({
    id: p.marketplace.id,
    name: p.marketplace.name,
    countryCode: p.marketplace.countryCode,
    currency: p.marketplace.defaultCurrencyCode,
    region: findMarketplace(p.marketplace.id)?.region,
    participating: p.participation.isParticipating,
    hasSuspendedListings: p.participation.hasSuspendedListings,
    ...(p.storeName ? { storeName: p.storeName } : {}),
  }));
}
