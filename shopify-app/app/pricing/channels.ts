// Each channel's own price for one decision, as the loop stores it (PriceSuggestion.channelPrices) and
// pushes it (one attempt per listing with an amount). The prices themselves are the policy's
// (`channelPrices`: a rule prices `both` channels, only `amazon` or only `shopify`; with both, Shopify
// takes the `same` price, an `offset` above it, or `keep`s its own). A rule whose every listing simply
// gets the decided price (channel both, Shopify the same: every rule made before channels existed)
// stores nothing, and its change is one price for every listing, as before.
import type { Money } from '@calibr/shared-contracts';
import { channelPrices, type ChannelPrice, type CompiledRule } from './policy';

export interface ChannelListing {
  id: string;
  platform: string;
  currency: string;
}

/** Each listing's price for the decided amount; null when every listing simply gets it (one price). */
export function channelPricesFor(rule: CompiledRule | null, decided: Money, listings: readonly ChannelListing[]): ChannelPrice[] | null {
  if (!rule || (rule.channel === 'both' && rule.shopifyPriceMode === 'same')) return null;
  const prices = channelPrices(rule, decided, listings.map((l) => ({ listingId: l.id, platform: l.platform, currency: l.currency })));
  return prices.every((p) => p.amount === decided.amount) ? null : prices;
}

/** A stored `channelPrices` value read back (null: one price for every listing). */
export function readChannelPrices(value: unknown): ChannelPrice[] | null {
  if (!Array.isArray(value)) return null;
  const out: ChannelPrice[] = [];
  for (const v of value as Array<Record<string, unknown>>) {
    if (typeof v?.listingId !== 'string' || typeof v.platform !== 'string' || typeof v.currency !== 'string') continue;
    out.push({ listingId: v.listingId, platform: v.platform, currency: v.currency, amount: typeof v.amount === 'string' ? v.amount : null, reason: typeof v.reason === 'string' ? v.reason : '' });
  }
  return out;
}

/**
 * The stored prices again for a price the merchant edited: the rule's channels again from the edited
 * price (an offset follows it); without the rule any more, every channel that had a price takes the edit.
 */
export function withEditedAmount(stored: readonly ChannelPrice[], rule: CompiledRule | null, edited: Money, listings: readonly ChannelListing[]): ChannelPrice[] {
  if (rule) return channelPrices(rule, edited, listings.map((l) => ({ listingId: l.id, platform: l.platform, currency: l.currency })));
  return stored.map((p) => (p.amount === null ? p : { ...p, amount: edited.amount, reason: 'the edited price' }));
}
