// The idempotency ledger for price updates: the first result of each idempotency key, and a
// fingerprint of what it asked for. A retry with the same key and content gets that result back and
// the price is not sent again; the same key with other content is a conflict.
import { createHash } from 'node:crypto';
import type { PriceUpdate, PriceUpdateResult } from '@calibr/shared-contracts';

export interface LedgerEntry {
  fingerprint: string;
  result: PriceUpdateResult;
}

export interface PriceUpdateLedger {
  lookup(keys: readonly string[]): Promise<Map<string, LedgerEntry>>;
  record(entries: ReadonlyArray<{ key: string } & LedgerEntry>): Promise<void>;
}

/** What makes two updates "the same": the listing and every price field, not the free-form reason. */
export function fingerprintUpdate(update: PriceUpdate): string {
  const content = {
    externalId: update.externalId,
    price: update.price ? [update.price.amount, update.price.currency] : null,
    compareAtPrice:
      update.compareAtPrice === undefined ? 'unset' : update.compareAtPrice === null ? null : [update.compareAtPrice.amount, update.compareAtPrice.currency],
    expected: update.expectedCurrentPrice ? [update.expectedCurrentPrice.amount, update.expectedCurrentPrice.currency] : null,
    min: update.minPrice ? [update.minPrice.amount, update.minPrice.currency] : null,
    max: update.maxPrice ? [update.maxPrice.amount, update.maxPrice.currency] : null,
  };
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** In-process ledger: enough for one connector instance (tests, benches); the app persists its own. */
export class MemoryPriceUpdateLedger implements PriceUpdateLedger {
  private readonly entries = new Map<string, LedgerEntry>();

  async lookup(keys: readonly string[]): Promise<Map<string, LedgerEntry>> {
    const found = new Map<string, LedgerEntry>();
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry) found.set(key, entry);
    }
    return found;
  }

  async record(entries: ReadonlyArray<{ key: string } & LedgerEntry>): Promise<void> {
    for (const { key, fingerprint, result } of entries) this.entries.set(key, { fingerprint, result });
  }
}
