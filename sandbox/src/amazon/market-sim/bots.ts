// What each competitor bot does when it looks at the market. Bots react only at their own cadence (and the
// reactive one after its delay), never go below their floor nor above their ceiling, and draw any
// randomness from their own seeded stream: the same seed and the same moves of ours give the same market.
import type { CompetitorOffer } from '../state';
import { Rng } from './prng';
import type { Bot } from './types';

/** One other offer on the ASIN, as a bot sees it (new condition only). */
export interface SeenOffer {
  readonly sellerId: string;
  readonly landed: bigint;
  /** A sandbox seller's offer: "us". */
  readonly ours: boolean;
}

export interface BotView {
  readonly self: CompetitorOffer;
  /** The other new offers. */
  readonly others: readonly SeenOffer[];
  /** Who holds the Buy Box now, and at what landed price. */
  readonly holder: { readonly sellerId: string; readonly landed: bigint } | undefined;
}

/** The next market minute this bot does something, or null. */
export function nextEvent(bot: Bot): number | null {
  if (bot.pendingAt !== undefined && (bot.nextAt === null || bot.pendingAt < bot.nextAt)) return bot.pendingAt;
  return bot.nextAt;
}

const below = (landed: bigint, basisPoints: number) => (landed * BigInt(10_000 - basisPoints)) / 10_000n;

function lowest(offers: readonly SeenOffer[], filter: (o: SeenOffer) => boolean = () => true): bigint | undefined {
  let min: bigint | undefined;
  for (const o of offers) if (filter(o) && (min === undefined || o.landed < min)) min = o.landed;
  return min;
}

/**
 * Runs the bot's turn at market minute `t` (due: nextEvent(bot) === t). Returns the new listing price in
 * minor units, clamped to its floor and ceiling, or undefined when it keeps its price.
 */
export function botTurn(bot: Bot, t: number, view: BotView): bigint | undefined {
  const looking = bot.nextAt !== null && bot.nextAt <= t;
  const answering = bot.pendingAt !== undefined && bot.pendingAt <= t;
  if (looking) bot.nextAt = bot.nextAt! + bot.cadenceMinutes;
  const shipping = BigInt(view.self.shipping.minor);
  const current = BigInt(view.self.price.minor);
  let landedTarget: bigint | undefined;
  let priceTarget: bigint | undefined;
  switch (bot.kind) {
    case 'fixed':
      return undefined;
    case 'beat_lowest':
    case 'low_feedback_undercutter': {
      if (!looking) return undefined;
      const min = lowest(view.others);
      // Alone on the listing: back up to its ceiling.
      if (min === undefined) priceTarget = BigInt(bot.ceiling);
      else landedTarget = below(min, bot.basisPoints);
      break;
    }
    case 'match_buy_box': {
      if (!looking || !view.holder || view.holder.sellerId === view.self.sellerId) return undefined;
      landedTarget = view.holder.landed;
      break;
    }
    case 'random_walk': {
      if (!looking) return undefined;
      const rng = new Rng(bot.rng);
      const step = rng.int(-bot.basisPoints, bot.basisPoints);
      bot.rng = rng.state;
      priceTarget = (current * BigInt(10_000 + step)) / 10_000n;
      break;
    }
    case 'reactive': {
      const ours = lowest(view.others, (o) => o.ours);
      if (answering) {
        bot.pendingAt = undefined;
        if (ours !== undefined) landedTarget = below(ours, bot.basisPoints);
      }
      if (looking && ours !== undefined && String(ours) !== bot.seenOurs) {
        // Our move is noticed now and answered after the delay (against our price as it is then).
        const first = bot.seenOurs === undefined;
        bot.seenOurs = String(ours);
        if (!first && bot.pendingAt === undefined) bot.pendingAt = t + bot.delayMinutes;
      }
      if (landedTarget === undefined) return undefined;
      break;
    }
  }
  let next = priceTarget ?? landedTarget! - shipping;
  const floor = BigInt(bot.floor);
  const ceiling = BigInt(bot.ceiling);
  if (next < floor) next = floor;
  if (next > ceiling) next = ceiling;
  return next === current ? undefined : next;
}
