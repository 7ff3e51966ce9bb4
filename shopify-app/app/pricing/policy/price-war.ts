// The price-war guard: pure reads of a listing's recent history. Two limits pace our own changes
// (at most `maxChangesPerDay` in 24 h, at least `minIntervalMinutes` apart); the third notices a price
// war: we and one competitor (same seller id) taking turns to move, more than `priceWarMoves` times
// within `priceWarWindowMinutes`. Either holds the listing instead of following; a price war is also
// flagged for the merchant to decide.
import { shopTimeText } from '../../lib/shop-time';
import type { CompetitorMove, CompiledRule, ListingContext, RecentChange } from './types';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export type GuardFinding =
  | { readonly kind: 'change_limit'; readonly message: string }
  | { readonly kind: 'price_war'; readonly sellerId: string; readonly moves: number; readonly windowMinutes: number; readonly message: string };

/** True when the rule sets any part of the guard (the engine then reads the history). */
export function hasGuard(rule: CompiledRule): boolean {
  return rule.maxChangesPerDay !== null || rule.minIntervalMinutes !== null || rule.priceWarMoves !== null;
}

/** The time the decision is made at: the listing's `now`, else the reading's or the trigger's time, else the clock. */
export function decisionTime(listing: ListingContext): number {
  const at = listing.now ?? listing.competition?.observedAt ?? listing.trigger?.at ?? null;
  const ms = at ? Date.parse(at) : Number.NaN;
  return Number.isNaN(ms) ? Date.now() : ms;
}

/** Why a change now would break the guard, or null. A price war is reported before the pace limits. */
export function checkGuard(rule: CompiledRule, listing: ListingContext): GuardFinding | null {
  if (!hasGuard(rule)) return null;
  const now = decisionTime(listing);
  const ours = times(listing.recentChanges ?? [], now);

  if (rule.priceWarMoves !== null && rule.priceWarWindowMinutes !== null) {
    const war = priceWar(ours, listing.competitorMoves ?? [], now, rule.priceWarWindowMinutes);
    if (war && war.moves > rule.priceWarMoves) {
      return {
        kind: 'price_war',
        sellerId: war.sellerId,
        moves: war.moves,
        windowMinutes: rule.priceWarWindowMinutes,
        message: `You and seller ${war.sellerId} keep changing prices in turn: ${war.moves} moves in the last ${rule.priceWarWindowMinutes} min, more than the ${rule.priceWarMoves} the rule allows. The price is held for you to decide.`,
      };
    }
  }
  if (rule.maxChangesPerDay !== null) {
    const today = ours.filter((t) => t > now - DAY);
    if (today.length >= rule.maxChangesPerDay) {
      const next = Math.min(...today) + DAY;
      return {
        kind: 'change_limit',
        message: `The price already changed ${today.length} time${today.length === 1 ? '' : 's'} in the last 24 hours, and the rule allows ${rule.maxChangesPerDay} a day. It is held until ${shopTimeText(next, listing.timeZone)}.`,
      };
    }
  }
  if (rule.minIntervalMinutes !== null && ours.length > 0) {
    const last = Math.max(...ours);
    const since = now - last;
    if (since < rule.minIntervalMinutes * MINUTE) {
      return {
        kind: 'change_limit',
        message: `The price last changed ${Math.floor(since / MINUTE)} min ago, and the rule waits ${rule.minIntervalMinutes} min between changes. It is held until ${shopTimeText(last + rule.minIntervalMinutes * MINUTE, listing.timeZone)}.`,
      };
    }
  }
  return null;
}

/** Change times at or before `now` (a change dated later is not history yet). */
function times(changes: readonly RecentChange[], now: number): number[] {
  const out: number[] = [];
  for (const c of changes) {
    const t = Date.parse(c.at);
    if (!Number.isNaN(t) && t <= now) out.push(t);
  }
  return out;
}

/**
 * The competitor we have traded the most alternating moves with inside the window: our moves and theirs
 * merged by time, consecutive moves by the same side counted once (they move, we move, they move… = 3).
 * Only turns count: a competitor moving alone, or us alone, is no war. Ties go to the smaller seller id.
 */
export function priceWar(ourTimes: readonly number[], moves: readonly CompetitorMove[], now: number, windowMinutes: number): { sellerId: string; moves: number } | null {
  const since = now - windowMinutes * MINUTE;
  const ours = ourTimes.filter((t) => t >= since);
  if (ours.length === 0) return null;
  const bySeller = new Map<string, number[]>();
  for (const m of moves) {
    const t = Date.parse(m.at);
    if (Number.isNaN(t) || t < since || t > now) continue;
    let list = bySeller.get(m.sellerId);
    if (!list) bySeller.set(m.sellerId, (list = []));
    list.push(t);
  }
  let best: { sellerId: string; moves: number } | null = null;
  for (const [sellerId, theirs] of bySeller) {
    // Merge: on equal times theirs first (we react to them).
    const events = [...theirs.map((t) => ({ t, us: false })), ...ours.map((t) => ({ t, us: true }))].sort((a, b) => a.t - b.t || Number(a.us) - Number(b.us));
    let turns = 0;
    let last: boolean | null = null;
    for (const e of events) {
      if (e.us !== last) turns++;
      last = e.us;
    }
    if (turns < 2) continue;
    if (!best || turns > best.moves || (turns === best.moves && sellerId < best.sellerId)) best = { sellerId, moves: turns };
  }
  return best;
}
