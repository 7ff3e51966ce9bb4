// What each kind of rule asks for, before any guardrail.
import { divideRounded } from '@calibr/shared-contracts';
import type { CompiledRule, SkipReason } from './types';

/** The market in minor units, our own offers already set apart (competition.ts). */
export interface MarketFacts {
  readonly buyBox: bigint | null;
  readonly buyBoxIsOurs: boolean | null;
  /** The lowest competing offer. */
  readonly lowestOffer: bigint | null;
  /** Offers were read and every one is ours. */
  readonly onlyOurs: boolean;
}

export type Target = { readonly ok: true; readonly minor: bigint } | { readonly ok: false; readonly skip: SkipReason; readonly message: string };

const NO_BUY_BOX: Target = { ok: false, skip: 'no_buy_box', message: 'nobody holds the Buy Box, so there is no price to match' };
const NO_LOWEST: Target = { ok: false, skip: 'no_lowest_offer', message: 'no competing offer to beat' };
const OWN_BUY_BOX: Target = { ok: false, skip: 'buy_box_is_ours', message: 'we hold the Buy Box ourselves, so there is no competitor’s price to match; the price holds' };
const ONLY_OURS: Target = { ok: false, skip: 'no_competitor', message: 'the only offers are our own, so there is no competing offer to beat; the price holds' };

export function ruleTarget(rule: CompiledRule, market: MarketFacts): Target {
  switch (rule.kind) {
    case 'match_buy_box':
      if (market.buyBoxIsOurs) return OWN_BUY_BOX;
      return market.buyBox === null ? NO_BUY_BOX : { ok: true, minor: market.buyBox };
    case 'beat_lowest_amount': {
      if (market.lowestOffer === null) return market.onlyOurs ? ONLY_OURS : NO_LOWEST;
      const amount = rule.amount ?? 0n;
      return { ok: true, minor: market.lowestOffer > amount ? market.lowestOffer - amount : 0n };
    }
    case 'beat_lowest_percent': {
      if (market.lowestOffer === null || !rule.percent) return market.onlyOurs ? ONLY_OURS : NO_LOWEST;
      const p = rule.percent;
      // Round down: "at least p % below" must stay true after rounding to a minor unit.
      return { ok: true, minor: divideRounded(market.lowestOffer * (p.denominator - p.numerator), p.denominator, 'floor') };
    }
    case 'fixed_price':
      return { ok: true, minor: rule.amount ?? 0n };
  }
}

/** Competitive rules round down first so an undercut stays an undercut; a fixed price rounds to nearest. */
export function roundingPreference(rule: CompiledRule): 'down' | 'nearest' {
  return rule.kind === 'fixed_price' ? 'nearest' : 'down';
}
