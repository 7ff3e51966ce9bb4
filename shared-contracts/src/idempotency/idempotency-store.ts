// Where connectors remember price updates by idempotency key. The app backs this with the database
// (durable across restarts); InMemoryIdempotencyStore serves tests and single-process tools.
import type { PriceUpdateResult } from '../types';

export type ClaimOutcome =
  | { readonly state: 'claimed' }
  /** `result` is absent while the first attempt is still running. */
  | { readonly state: 'existing'; readonly fingerprint: string; readonly result?: PriceUpdateResult };

export interface IdempotencyStore {
  /** Atomically claim `key` in `scope` for `fingerprint`, or report what is already there. */
  claim(scope: string, key: string, fingerprint: string): Promise<ClaimOutcome>;
  /** Record (or advance, e.g. pending -> applied) the result for a claimed key. */
  complete(scope: string, key: string, result: PriceUpdateResult): Promise<void>;
  /** Forget a claim whose attempt threw or failed retryably, so a retry runs again. */
  release(scope: string, key: string): Promise<void>;
  get(scope: string, key: string): Promise<{ fingerprint: string; result?: PriceUpdateResult } | undefined>;
}

export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, { fingerprint: string; result?: PriceUpdateResult }>();

  async claim(scope: string, key: string, fingerprint: string): Promise<ClaimOutcome> {
    const id = `${scope}\u0000${key}`;
    const existing = this.records.get(id);
    if (existing) {
      return existing.result
        ? { state: 'existing', fingerprint: existing.fingerprint, result: existing.result }
        : { state: 'existing', fingerprint: existing.fingerprint };
    }
    this.records.set(id, { fingerprint });
    return { state: 'claimed' };
  }

  async complete(scope: string, key: string, result: PriceUpdateResult): Promise<void> {
    const id = `${scope}\u0000${key}`;
    const existing = this.records.get(id);
    if (!existing) throw new Error(`idempotency key ${key} was never claimed`);
    this.records.set(id, { fingerprint: existing.fingerprint, result });
  }

  async release(scope: string, key: string): Promise<void> {
    this.records.delete(`${scope}\u0000${key}`);
  }

  async get(scope: string, key: string) {
    return this.records.get(`${scope}\u0000${key}`);
  }

  get size(): number {
    return this.records.size;
  }
}
