// What each kind of rule asks for, before any guardrail. Three modes:
//   - ask: the rule's own ask against the competition it follows (match, beat, win the Buy Box, fixed);
//   - raise ("stay in the Buy Box at the highest price"): we hold the Buy Box and the cheapest competitor
//     who could take it from us is above us: go just under them (the step limit paces the climb);
//   - alone: no competitor the rule follows is left: step toward the rule's no-competition price (its
//     ceiling by default). win_buy_box always plays alone; the other kinds only when the rule sets a
//     no-competition price, so older rules keep holding (no_competitor) as before.
import { divideRounded } from '@calibr/shared-contracts';
import type { CompiledRule, SkipReason } from './types';

/** The market in minor units, our own offers and the filtered ones already set apart (competition.ts). */
export interface MarketFacts {
  /** The Buy Box's landed price, when its holder is one the rule follows (or the reading doesn't say). */
  readonly buyBox: bigint | null;
  readonly buyBoxIsOurs: boolean | null;
  /** Why the Buy Box holder is not followed (filtered), or null. */
  readonly buyBoxIgnored: string | null;
  /** The lowest competing offer the rule follows. */
  readonly lowestOffer: bigint | null;
  /** Offers were read and every one is ours. */
  readonly onlyOurs: boolean;
  /** The reading lists its offers (so "nobody left to follow" is known). */
  readonly listed: boolean;
  /**
   * `read`: there is a reading (maybe with no competitor in it); `pending`: never read, the monitor is
   * reading it now; `never`: never read and nothing reads it. Only a reading tells "nobody competes".
   */
  readonly reading: 'read' | 'pending' | 'never';
  /** The cheapest competitor who could take the Buy Box from us (competition.ts `contender`). */
  readonly contender: bigint | null;
  readonly current: bigint;
  /** Our effective ceiling (rule or product), for "alone" without a no-competition price. */
  readonly ceiling: bigint | null;
}

export type TargetMode = 'ask' | 'raise' | 'alone';

export type Target =
  | {
      readonly ok: true;
      readonly minor: bigint;
      readonly mode: TargetMode;
      /** We hold the Buy Box: the highest final price that keeps it (just under the contender), or null. */
      readonly cap: bigint | null;
    }
  | { readonly ok: false; readonly skip: SkipReason; readonly message: string };

// Each message is one or more full sentences a merchant reads after the rule's name (explanation.ts).
const NOT_READ_YET: Target = { ok: false, skip: 'not_read_yet', message: 'Competitor prices have not been read yet: reading them now. The price stays as it is until they are.' };
const NEVER_READ_BUY_BOX: Target = { ok: false, skip: 'no_buy_box', message: 'Competitor prices are not read for this product, so there is no Buy Box price to match. The price stays as it is.' };
const NEVER_READ_LOWEST: Target = { ok: false, skip: 'no_lowest_offer', message: 'Competitor prices are not read for this product, so there is no offer to beat. The price stays as it is.' };
const NO_BUY_BOX: Target = { ok: false, skip: 'no_buy_box', message: 'Nobody holds the Buy Box in the latest reading, so there is no price to match. The price stays as it is.' };
const NO_LOWEST: Target = { ok: false, skip: 'no_lowest_offer', message: 'The latest reading has no competing offer the rule follows, so there is nothing to beat. The price stays as it is.' };
const OWN_BUY_BOX: Target = { ok: false, skip: 'buy_box_is_ours', message: 'You hold the Buy Box yourself, so there is no competitor’s price to match. The price stays as it is.' };
const ONLY_OURS: Target = { ok: false, skip: 'no_competitor', message: 'The latest reading lists only your own offers: nobody else sells this product, so there is no offer to beat. The price stays as it is.' };
const WINNING: Target = { ok: false, skip: 'buy_box_is_ours', message: 'You hold the Buy Box, and the rule does not raise the price while winning. The price stays as it is.' };
const NOT_ABOVE: Target = {
  ok: false,
  skip: 'buy_box_is_ours',
  message: 'You hold the Buy Box, and no competitor who could take it is far enough above you to raise the price. The price stays as it is.',
};
const ALONE_NO_PRICE: Target = {
  ok: false,
  skip: 'no_competitor',
  message: 'No competitor the rule follows is left, and the rule sets neither a price for when nobody competes nor a ceiling. The price stays as it is.',
};

const ask = (minor: bigint): Target => ({ ok: true, minor, mode: 'ask', cap: null });

export function ruleTarget(rule: CompiledRule, market: MarketFacts): Target {
  if (rule.kind === 'fixed_price') return ask(rule.amount ?? 0n);
  if (market.reading === 'pending') return NOT_READ_YET;
  if (market.reading === 'never') return rule.kind === 'match_buy_box' ? NEVER_READ_BUY_BOX : NEVER_READ_LOWEST;

  const holding = market.buyBoxIsOurs === true;
  const nobodyToFollow = market.lowestOffer === null && (market.buyBox === null || holding);
  const canAlone = (market.listed || market.onlyOurs) && nobodyToFollow && (rule.kind === 'win_buy_box' || rule.noCompetition !== null);
  // Holding the Buy Box while raising (or stepping up alone): never past the cheapest competitor who could
  // take it from us. The cap is our own price when no such raise fits.
  const guarded = holding && market.contender !== null && (rule.raiseWhenWinning || canAlone);
  let cap: bigint | null = null;
  if (guarded) {
    const under = market.contender! > market.current ? undercut(rule, market.contender!) : market.current;
    cap = under > market.current ? under : market.current;
  }

  let target: Target;
  if (canAlone) {
    const price = rule.noCompetition ?? market.ceiling;
    target = price === null ? ALONE_NO_PRICE : { ok: true, minor: price, mode: 'alone', cap };
  } else if (guarded && rule.raiseWhenWinning && (rule.kind === 'win_buy_box' || rule.kind === 'match_buy_box')) {
    target = cap! > market.current ? { ok: true, minor: cap!, mode: 'raise', cap } : NOT_ABOVE;
  } else {
    target = kindTarget(rule, market);
  }
  if (guarded && target.ok && target.minor > cap!) {
    target = cap! > market.current ? { ok: true, minor: cap!, mode: target.mode === 'alone' ? 'alone' : 'raise', cap } : NOT_ABOVE;
  } else if (guarded && target.ok && target.cap === null) {
    target = { ...target, cap };
  }
  return target;
}

function kindTarget(rule: CompiledRule, market: MarketFacts): Target {
  switch (rule.kind) {
    case 'fixed_price':
      return ask(rule.amount ?? 0n);
    case 'match_buy_box':
      if (market.buyBoxIsOurs) return OWN_BUY_BOX;
      if (market.buyBox === null) {
        return market.buyBoxIgnored
          ? { ok: false, skip: 'no_buy_box', message: `The rule does not follow the Buy Box holder (${market.buyBoxIgnored}), so there is no price to match. The price stays as it is.` }
          : NO_BUY_BOX;
      }
      return ask(market.buyBox);
    case 'beat_lowest_amount':
    case 'beat_lowest_percent':
      if (market.lowestOffer === null) return market.onlyOurs ? ONLY_OURS : NO_LOWEST;
      return ask(undercut(rule, market.lowestOffer));
    case 'win_buy_box': {
      if (market.buyBoxIsOurs) return WINNING;
      // The lowest offer we follow; a reading without its offers names only the Buy Box and the lowest price,
      // and the Buy Box holder is the one known to be eligible.
      const base = market.listed ? market.lowestOffer : (market.buyBox ?? market.lowestOffer);
      if (base === null) return market.onlyOurs ? ONLY_OURS : NO_LOWEST;
      return ask(undercut(rule, base));
    }
  }
}

/** Just under `above` by the rule's own measure: its amount or percentage, else one minor unit. */
export function undercut(rule: CompiledRule, above: bigint): bigint {
  if ((rule.kind === 'beat_lowest_percent' || rule.kind === 'win_buy_box') && rule.percent) {
    const p = rule.percent;
    // Round down: "at least p % below" must stay true after rounding to a minor unit.
    return divideRounded(above * (p.denominator - p.numerator), p.denominator, 'floor');
  }
  const amount = (rule.kind === 'beat_lowest_amount' || rule.kind === 'win_buy_box') && rule.amount !== null ? rule.amount : 1n;
  return above > amount ? above - amount : 0n;
}

/** Competitive rules round down first so an undercut stays an undercut; a fixed price rounds to nearest. */
export function roundingPreference(rule: CompiledRule): 'down' | 'nearest' {
  return rule.kind === 'fixed_price' ? 'nearest' : 'down';
}
