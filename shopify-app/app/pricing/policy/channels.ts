// Each channel's own price for one decision. A rule prices Amazon, Shopify or both (`channel`); with
// both, Shopify takes the same price (today's behaviour), the Amazon price plus an offset, or keeps its
// own. A decision is made in one currency (each Amazon marketplace by its own decision): listings in
// another currency are left to theirs. `amount: null` means the channel keeps its price.
import { divideRounded, type Money } from '@calibr/shared-contracts';
import { formatMinor, readMinor, scaleOf } from './minor-units';
import { roundWithinRange } from './rounding';
import type { ChannelPrice, CompiledRule } from './types';

export interface ChannelListing {
  readonly listingId: string;
  /** `amazon`, `shopify`, … */
  readonly platform: string;
  readonly currency: string;
  /** The listing's live price (decimal string), when known. */
  readonly currentAmount?: string | null;
}

export function channelPrices(rule: CompiledRule, decided: Money, listings: readonly ChannelListing[]): ChannelPrice[] {
  const scale = scaleOf(decided.currency);
  const out: ChannelPrice[] = [];
  for (const l of listings) {
    const keep = (reason: string): ChannelPrice => ({ platform: l.platform, listingId: l.listingId, currency: l.currency, amount: null, reason });
    if (l.currency !== decided.currency) {
      out.push(keep(`priced in ${l.currency} by its own decision, not by this one in ${decided.currency}`));
      continue;
    }
    const shopify = l.platform === 'shopify';
    if (rule.channel === 'amazon' && shopify) {
      out.push(keep('the rule prices Amazon only; Shopify keeps its price'));
      continue;
    }
    if (rule.channel === 'shopify' && !shopify) {
      out.push(keep(`the rule prices Shopify only; ${platformName(l.platform)} keeps its price`));
      continue;
    }
    if (!shopify || rule.channel === 'shopify' || rule.shopifyPriceMode === 'same') {
      out.push({ platform: l.platform, listingId: l.listingId, currency: l.currency, amount: decided.amount, reason: shopify && rule.channel === 'both' ? 'the same price as Amazon' : 'the decided price' });
      continue;
    }
    if (rule.shopifyPriceMode === 'keep') {
      out.push(keep('Shopify keeps its storefront price (the rule prices Amazon only there)'));
      continue;
    }
    const offset = rule.shopifyOffset!;
    const base = readMinor(decided, scale);
    // Half up to a minor unit, then the rule's ending (to the nearest, never below the Amazon price).
    let minor = divideRounded(base * (offset.denominator + offset.numerator), offset.denominator, 'half-up');
    let note = '';
    if (rule.rounding) {
      const r = roundWithinRange(minor, rule.rounding, decided.currency, 'nearest', base, null);
      if (r.kind === 'rounded' && r.minor !== minor) {
        note = `, rounded to ${formatMinor(r.minor, scale)}`;
        minor = r.minor;
      }
    }
    out.push({
      platform: l.platform,
      listingId: l.listingId,
      currency: l.currency,
      amount: formatMinor(minor, scale),
      reason: `the Amazon price ${decided.amount} + ${offset.text} %${note}`,
    });
  }
  return out;
}

function platformName(platform: string): string {
  return platform === 'amazon' ? 'Amazon' : platform === 'shopify' ? 'Shopify' : platform;
}
