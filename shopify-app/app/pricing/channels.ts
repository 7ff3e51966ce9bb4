// Each channel's own price for one decision of a rule (PriceSuggestion.channelPrices), and the same
// again for a price the merchant edited before approving. A rule prices `both` channels (default),
// only `amazon` (Shopify keeps its price) or only `shopify` (Amazon keeps its price); with `both`,
// Shopify follows the decided price: the `same` price (default), `offset` by +N % (rounded half up to
// a minor unit), or `keep` its own. Pure: no I/O.
import { formatMinor, readMinor, scaleOf } from './policy/minor-units';

export interface ChannelSettings {
  channel?: string | null;
  shopifyPriceMode?: string | null;
  shopifyOffsetPercent?: string | null;
}

/** One listing's price in a decision. `amount` null: the listing keeps its price (no attempt is made). */
export interface StoredChannelPrice {
  listingId: string;
  platform: string;
  currency: string;
  amount: string | null;
  /** rule: the decided price; offset: the decided price + offsetPercent %; keep: left alone. */
  mode: 'rule' | 'offset' | 'keep';
  offsetPercent?: string;
}

export interface ChannelListing {
  id: string;
  platform: string;
  currency: string;
}

/** Today's behaviour: every linked listing gets the one decided price. */
export function isOnePrice(settings: ChannelSettings | null | undefined): boolean {
  const channel = settings?.channel ?? 'both';
  const mode = settings?.shopifyPriceMode ?? 'same';
  return channel === 'both' && mode === 'same';
}

/** What the rule prices decides the platform whose price is "current": the Shopify listing for a Shopify-only rule. */
export function decidedPlatform(settings: ChannelSettings | null | undefined): 'shopify' | null {
  return settings?.channel === 'shopify' ? 'shopify' : null;
}

/** Each listing's price for the decided amount; null when every listing simply gets it (one price). */
export function channelPricesFor(settings: ChannelSettings | null | undefined, decided: string, listings: readonly ChannelListing[]): StoredChannelPrice[] | null {
  if (isOnePrice(settings)) return null;
  const channel = settings?.channel ?? 'both';
  const mode = settings?.shopifyPriceMode ?? 'same';
  return listings.map((listing) => {
    const base = { listingId: listing.id, platform: listing.platform, currency: listing.currency };
    if (listing.platform === 'shopify') {
      if (channel === 'amazon') return { ...base, amount: null, mode: 'keep' };
      if (channel === 'shopify' || mode === 'same') return { ...base, amount: decided, mode: 'rule' };
      if (mode === 'keep') return { ...base, amount: null, mode: 'keep' };
      const percent = settings?.shopifyOffsetPercent ?? '0';
      return { ...base, amount: withOffset(decided, listing.currency, percent), mode: 'offset', offsetPercent: percent };
    }
    if (channel === 'shopify') return { ...base, amount: null, mode: 'keep' };
    return { ...base, amount: decided, mode: 'rule' };
  });
}

/** The stored prices again for an edited decided amount: rule-priced channels take it, offsets are recomputed, kept ones stay kept. */
export function withDecidedAmount(prices: readonly StoredChannelPrice[], decided: string): StoredChannelPrice[] {
  return prices.map((p) =>
    p.mode === 'rule' ? { ...p, amount: decided } : p.mode === 'offset' ? { ...p, amount: withOffset(decided, p.currency, p.offsetPercent ?? '0') } : p,
  );
}

/** A stored `channelPrices` value read back (null: one price for every listing). */
export function readChannelPrices(value: unknown): StoredChannelPrice[] | null {
  if (!Array.isArray(value)) return null;
  const out: StoredChannelPrice[] = [];
  for (const v of value as Array<Record<string, unknown>>) {
    if (typeof v?.listingId !== 'string' || typeof v.platform !== 'string' || typeof v.currency !== 'string') continue;
    const mode = v.mode === 'offset' || v.mode === 'keep' ? v.mode : 'rule';
    out.push({
      listingId: v.listingId,
      platform: v.platform,
      currency: v.currency,
      amount: typeof v.amount === 'string' ? v.amount : null,
      mode,
      ...(typeof v.offsetPercent === 'string' ? { offsetPercent: v.offsetPercent } : {}),
    });
  }
  return out;
}

/** amount × (1 + percent / 100), rounded half up to a minor unit; exact (percent a decimal string, "5" or "2.5"). */
export function withOffset(amount: string, currency: string, percent: string): string {
  const scale = scaleOf(currency);
  const minor = readMinor({ amount, currency }, scale);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(percent.trim());
  if (!match) throw new Error(`not a percentage: ${percent}`);
  const decimals = match[2]?.length ?? 0;
  const den = 100n * 10n ** BigInt(decimals);
  const num = den + BigInt(match[1]! + (match[2] ?? ''));
  const scaled = minor * num;
  return formatMinor((scaled * 2n + den) / (den * 2n), scale);
}
