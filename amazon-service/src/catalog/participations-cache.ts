// The Sellers API allows getMarketplaceParticipations about once a minute (burst 15), and a seller's
// marketplaces change only when they register in a new one. Every self-authorization and every
// connector `authenticate` asks for them, so a remote connector re-authenticating a few dozen times in a
// minute would be throttled for a quarter of an hour. One answer is kept per seller, LWA app and refresh
// token for a few minutes (the token is hashed: it is the seller's proof, so a different or revoked
// token never reads another's answer), and concurrent askers share one call.
import { createHash } from 'node:crypto';
import type { SpApiClient } from '../sp-api/sp-api-client';
import { systemClock, type Clock } from '../throttling/token-bucket';
import { participatingMarketplaces, type MarketplaceParticipation } from './marketplace-participations';

export interface ParticipationsCacheOptions {
  /** How long an answer is reused. */
  ttlMs?: number;
  /** Most sellers remembered; the oldest is forgotten first. */
  maxEntries?: number;
  clock?: Clock;
}

interface Entry {
  at: number;
  participations: MarketplaceParticipation[];
}

export class ParticipationsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<MarketplaceParticipation[]>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly clock: Clock;

  constructor(options: ParticipationsCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.maxEntries = options.maxEntries ?? 1_000;
    this.clock = options.clock ?? systemClock;
  }

  /** The seller's participations: remembered, or asked of the Sellers API (once for every concurrent caller). */
  async get(client: SpApiClient): Promise<MarketplaceParticipation[]> {
    const key = cacheKey(client);
    const entry = this.entries.get(key);
    if (entry && this.clock.now() - entry.at < this.ttlMs) return entry.participations;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const call = participatingMarketplaces(client)
      .then((participations) => {
        this.remember(key, participations);
        return participations;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, call);
    return call;
  }

  private remember(key: string, participations: MarketplaceParticipation[]): void {
    this.entries.delete(key);
    this.entries.set(key, { at: this.clock.now(), participations });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

function cacheKey(client: SpApiClient): string {
  const { region, sellingPartnerId, lwa, refreshToken } = client.auth;
  const token = createHash('sha256').update(refreshToken).digest('base64url');
  return `${region}\u0000${sellingPartnerId}\u0000${lwa.clientId}\u0000${token}`;
}
