// LWA access tokens live an hour. One cache per process keeps each integration's token until shortly
// before it expires, and refreshes it with a single LWA call however many requests are waiting for it
// (single flight): 50 concurrent calls on an expired token make one refresh, not 50.
import { systemClock, type Clock } from '../throttling/token-bucket';

export interface AccessToken {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Epoch milliseconds; with it, short-lived tokens get a proportionally short refresh margin. */
  issuedAt?: number;
}

export type TokenRefresher = () => Promise<AccessToken>;

export interface AccessTokenCacheOptions {
  /** Refresh this long before expiry, so a token never expires in flight. */
  refreshMarginMs?: number;
  clock?: Clock;
}

export class AccessTokenCache {
  private readonly tokens = new Map<string, AccessToken>();
  private readonly inFlight = new Map<string, Promise<AccessToken>>();
  private readonly marginMs: number;
  private readonly clock: Clock;

  constructor(options: AccessTokenCacheOptions = {}) {
    this.marginMs = options.refreshMarginMs ?? 60_000;
    this.clock = options.clock ?? systemClock;
  }

  private fresh(token: AccessToken | undefined): token is AccessToken {
    if (token === undefined) return false;
    const lifetime = token.issuedAt === undefined ? Infinity : token.expiresAt - token.issuedAt;
    const margin = Math.min(this.marginMs, lifetime / 10);
    return token.expiresAt - margin > this.clock.now();
  }

  /** A valid token for `key`: cached, or from `refresh` (shared by every concurrent caller). */
  async get(key: string, refresh: TokenRefresher): Promise<AccessToken> {
    const cached = this.tokens.get(key);
    if (this.fresh(cached)) return cached;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = refresh().then(
        (token) => {
          this.tokens.set(key, token);
          this.inFlight.delete(key);
          return token;
        },
        (error: unknown) => {
          this.inFlight.delete(key);
          throw error;
        },
      );
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** Seeds the cache with a token read from storage (still checked for freshness on use). */
  prime(key: string, token: AccessToken): void {
    if (this.fresh(token) && !this.fresh(this.tokens.get(key))) this.tokens.set(key, token);
  }

  /**
   * Drops the cached token after Amazon refused it (403 "access token expired"). Only the token that
   * was refused is dropped, so a token another caller just refreshed survives.
   */
  invalidate(key: string, refusedToken?: string): void {
    const cached = this.tokens.get(key);
    if (cached && (refusedToken === undefined || cached.accessToken === refusedToken)) this.tokens.delete(key);
  }
}
