// The market in motion: bots placed on ASINs, the market clock advanced minute by minute (event-driven:
// between two bot turns nothing moves, so the time in between is credited in one go), and the sales
// ledger credited as it goes. Our prices change only between advances (through the SP-API or the control
// API), so an advance sees them fixed.
import { feesFor } from '../fees-model';
import { marketplace } from '../marketplaces';
import { buyBoxWinner, competitorToMarket, sellerOffers, type MarketOffer } from '../market';
import { minorOf, priceFromMinor } from '../money';
import { offerKey, type CompetitorOffer } from '../state';
import type { AmazonWorld } from '../world';
import { botTurn, nextEvent, type SeenOffer } from './bots';
import { hash32, Rng } from './prng';
import { costKey, emptyLedger, type Bot, type BotKind, type MarketState } from './types';

export interface BotSpec {
  kind: BotKind;
  sellerId?: string;
  sellerName?: string;
  /** Starting listing price, minor units. */
  price: bigint;
  shipping: bigint;
  floor: bigint;
  ceiling: bigint;
  cadenceMinutes: number;
  basisPoints: number;
  delayMinutes: number;
  fulfillment: 'AFN' | 'MFN';
  feedbackPercent: number;
  feedbackCount: number;
}

export interface AsinSpec {
  asin: string;
  marketplaceId: string;
  unitsPerHourMilli: number;
  bots: BotSpec[];
}

export function marketOf(world: AmazonWorld, seed?: number): MarketState {
  return (world.state.market ??= { seed: seed ?? 1, minute: 0, asins: {}, bots: {}, costs: {}, generated: 0 });
}

/** A seller id for a bot, derived from the seed so a run names its competitors the same way. */
function botSellerId(seed: number, asin: string, index: number): string {
  const h = hash32(`${seed}|${asin}|${index}`).toString(36).toUpperCase().padStart(7, '0');
  return `A${'BOT'}${h}${index}`.slice(0, 14);
}

const KIND_NAMES: Record<BotKind, string> = {
  fixed: 'Steady Goods',
  beat_lowest: 'Undercut Express',
  match_buy_box: 'BoxMatch Supply',
  random_walk: 'Wanderprice Co',
  low_feedback_undercutter: 'Cheapest Always',
  reactive: 'Watchful Retail',
};

/** Places the bots of each ASIN (replacing bots already there) and opens its ledger. */
export function placeBots(world: AmazonWorld, seed: number, specs: AsinSpec[]): number {
  const market = marketOf(world, seed);
  let placed = 0;
  for (const spec of specs) {
    const key = offerKey(spec.asin, spec.marketplaceId);
    const mp = marketplace(spec.marketplaceId)!;
    const currency = mp.defaultCurrencyCode;
    const previous = new Set((market.bots[key] ?? []).map((b) => b.sellerId));
    const competitors = (world.state.competitors[key] ?? []).filter((c) => !previous.has(c.sellerId));
    const bots: Bot[] = [];
    spec.bots.forEach((b, index) => {
      const sellerId = b.sellerId ?? botSellerId(seed, spec.asin, index);
      const rng = new Rng(hash32(`${seed}|${spec.asin}|${spec.marketplaceId}|${index}|${b.kind}`));
      const phase = b.kind === 'fixed' ? null : market.minute + rng.int(0, b.cadenceMinutes - 1);
      bots.push({
        sellerId,
        kind: b.kind,
        asin: spec.asin,
        marketplaceId: spec.marketplaceId,
        floor: String(b.floor),
        ceiling: String(b.ceiling),
        cadenceMinutes: b.cadenceMinutes,
        nextAt: phase,
        rng: rng.state,
        basisPoints: b.basisPoints,
        delayMinutes: b.delayMinutes,
      });
      const offer: CompetitorOffer = {
        sellerId,
        sellerName: b.sellerName ?? KIND_NAMES[b.kind],
        asin: spec.asin,
        marketplaceId: spec.marketplaceId,
        condition: 'New',
        subCondition: 'new',
        fulfillment: b.fulfillment,
        price: priceFromMinor(b.price, currency),
        shipping: priceFromMinor(b.shipping, currency),
        feedbackPercent: b.feedbackPercent,
        feedbackCount: b.feedbackCount,
        shipsFromCountry: mp.countryCode,
        prime: b.fulfillment === 'AFN',
      };
      const same = competitors.findIndex((c) => c.sellerId === sellerId);
      if (same >= 0) competitors.splice(same, 1);
      competitors.push(offer);
      placed++;
    });
    world.state.competitors[key] = competitors;
    market.bots[key] = bots;
    const existing = market.asins[key];
    market.asins[key] = {
      asin: spec.asin,
      marketplaceId: spec.marketplaceId,
      currency,
      unitsPerHourMilli: spec.unitsPerHourMilli,
      ledger: existing?.ledger ?? emptyLedger(),
    };
  }
  world.changed();
  return placed;
}

/** Our offer on the ASIN (the lowest landed among the sandbox sellers' new offers), if any. */
function ourOffer(offers: MarketOffer[]): MarketOffer | undefined {
  let best: MarketOffer | undefined;
  for (const o of offers) if (o.condition === 'New' && (!best || minorOf(o.landed) < minorOf(best.landed))) best = o;
  return best;
}

/** Advances the market by `minutes`: every bot turn in order, the Buy Box after each move, the ledger. */
export function advanceMarket(world: AmazonWorld, minutes: number): { minute: number; turns: number; moves: number } {
  const market = world.state.market;
  if (!market) return { minute: 0, turns: 0, moves: 0 };
  const start = market.minute;
  const end = start + minutes;
  let turns = 0;
  let moves = 0;
  for (const [key, entry] of Object.entries(market.asins)) {
    const { asin, marketplaceId, currency } = entry;
    const ledger = entry.ledger;
    const ours = sellerOffers(world, asin, marketplaceId);
    const comps = world.state.competitors[key] ?? [];
    const bots = market.bots[key] ?? [];
    const rate = BigInt(entry.unitsPerHourMilli);

    // Our side is fixed during the advance: its price, margin per unit and floor are read once.
    const mine = ourOffer(ours);
    if (mine) {
      const landed = mine.landed.minor;
      if (ledger.lastOurs !== undefined && ledger.lastOurs !== landed) ledger.priceChanges++;
      ledger.lastOurs = landed;
      const min = world.state.sellers[mine.sellerId]?.listings[mine.sku!]?.offers[marketplaceId]?.minPrice;
      const atFloor = min !== undefined && minorOf(mine.price) <= minorOf(min);
      if (atFloor) {
        ledger.floorHit = true;
        ledger.atFloorMinutes += minutes;
      }
    }
    const unit = new Map<string, { price: bigint; fees: bigint; cost: bigint }>();
    for (const o of ours) {
      const p = minorOf(o.price);
      unit.set(o.sellerId + '|' + o.sku, { price: p, fees: feesFor(o.price, o.fulfillment, o.shipping).total, cost: BigInt(market.costs[costKey(o.sellerId, o.sku!, marketplaceId)] ?? '0') });
    }
    let revenue = BigInt(ledger.revenueAcc);
    let fees = BigInt(ledger.feesAcc);
    let cost = BigInt(ledger.costAcc);
    let units = BigInt(ledger.unitsAcc);

    const winner = () => buyBoxWinner(world, asin, marketplaceId, [...ours, ...comps.map(competitorToMarket)]);
    const credit = (holder: MarketOffer | undefined, dt: number) => {
      if (dt <= 0) return;
      ledger.minutes += dt;
      if (!holder) {
        ledger.noneMinutes += dt;
        return;
      }
      ledger.holders[holder.sellerId] = (ledger.holders[holder.sellerId] ?? 0) + dt;
      if (holder.sku === undefined) return;
      ledger.oursMinutes += dt;
      const u = unit.get(holder.sellerId + '|' + holder.sku)!;
      const sold = rate * BigInt(dt);
      revenue += u.price * sold;
      fees += u.fees * sold;
      cost += u.cost * sold;
      units += sold;
    };

    let t = start;
    let holder = winner();
    for (;;) {
      let next = Infinity;
      for (const b of bots) {
        const e = nextEvent(b);
        if (e !== null && e < next) next = e;
      }
      if (next >= end) break;
      if (next > t) {
        credit(holder, next - t);
        t = next;
      }
      for (const b of bots) {
        const e = nextEvent(b);
        if (e === null || e > t) continue;
        const self = comps.find((c) => c.sellerId === b.sellerId);
        if (!self) {
          // Its offer was removed through the control API: the bot stops.
          b.nextAt = null;
          b.pendingAt = undefined;
          continue;
        }
        const others: SeenOffer[] = [];
        for (const o of ours) if (o.condition === 'New') others.push({ sellerId: o.sellerId, landed: minorOf(o.landed), ours: true });
        for (const c of comps) if (c !== self && c.condition === 'New') others.push({ sellerId: c.sellerId, landed: minorOf(c.price) + minorOf(c.shipping), ours: false });
        turns++;
        const price = botTurn(b, t, { self, others, holder: holder ? { sellerId: holder.sellerId, landed: minorOf(holder.landed) } : undefined });
        if (price !== undefined) {
          self.price = priceFromMinor(price, currency);
          holder = winner();
          moves++;
        }
      }
    }
    credit(holder, end - t);
    ledger.revenueAcc = String(revenue);
    ledger.feesAcc = String(fees);
    ledger.costAcc = String(cost);
    ledger.unitsAcc = String(units);
  }
  market.minute = end;
  world.changed();
  return { minute: end, turns, moves };
}
