// Control routes of the market (/_sandbox/amazon/market/…): place bots (listed or generated), set our
// costs, advance the market clock, read the bots and the sales ledger. Bodies arrive parsed; a bad one is
// a MarketInputError the Amazon control frame answers as 400/404.
import { marketplace } from '../marketplaces';
import { formatAmount, minorOf, parseAmount, priceFromMinor } from '../money';
import { offerKey } from '../state';
import type { AmazonWorld } from '../world';
import { generateMarket } from './generator';
import { ledgerView } from './ledger';
import { advanceMarket, marketOf, placeBots, type AsinSpec, type BotSpec } from './simulation';
import { BOT_KINDS, costKey, type BotKind } from './types';

export class MarketInputError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const bad = (message: string) => new MarketInputError(400, message);
/** The longest single advance (about 70 market days), so one call can't hold the sandbox for long. */
const MAX_ADVANCE_MINUTES = 100_000;

type Body = Record<string, unknown>;

function intIn(value: unknown, name: string, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw bad(`${name} must be an integer from ${min} to ${max}`);
  return value;
}

function numberIn(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) throw bad(`${name} must be a number from ${min} to ${max}`);
  return value;
}

function amount(value: unknown, name: string, currency: string, allowZero = false): bigint {
  const p = typeof value === 'string' ? parseAmount(value, currency) : undefined;
  if (!p || (!allowZero && p.minor === '0')) throw bad(`${name} must be a positive ${currency} amount as a decimal string, e.g. "19.99"`);
  return minorOf(p);
}

function marketplaceOf(body: Body) {
  const id = body.marketplaceId;
  const mp = typeof id === 'string' ? marketplace(id) : undefined;
  if (!mp) throw bad(`marketplaceId ${String(id)} is not a known marketplace`);
  return mp;
}

function botSpec(raw: unknown, where: string, currency: string): BotSpec {
  if (!raw || typeof raw !== 'object') throw bad(`${where} must be an object`);
  const b = raw as Body;
  const kind = b.kind as BotKind;
  if (!BOT_KINDS.includes(kind)) throw bad(`${where}.kind must be one of ${BOT_KINDS.join(', ')}`);
  const price = amount(b.price, `${where}.price`, currency);
  const floor = b.floor === undefined ? 1n : amount(b.floor, `${where}.floor`, currency);
  const ceiling = b.ceiling === undefined ? price * 2n : amount(b.ceiling, `${where}.ceiling`, currency);
  if (floor > price || price > ceiling) throw bad(`${where}: floor ≤ price ≤ ceiling must hold`);
  const fulfillment = b.fulfillment ?? 'MFN';
  if (fulfillment !== 'AFN' && fulfillment !== 'MFN') throw bad(`${where}.fulfillment must be AFN or MFN`);
  const lowFeedback = kind === 'low_feedback_undercutter';
  const defaultBasisPoints = { beat_lowest: 100, low_feedback_undercutter: 200, random_walk: 300, reactive: 50, match_buy_box: 0, fixed: 0 }[kind];
  return {
    kind,
    ...(typeof b.sellerId === 'string' && b.sellerId ? { sellerId: b.sellerId } : {}),
    ...(typeof b.sellerName === 'string' && b.sellerName ? { sellerName: b.sellerName } : {}),
    price,
    shipping: b.shipping === undefined ? 0n : amount(b.shipping, `${where}.shipping`, currency, true),
    floor,
    ceiling,
    cadenceMinutes: intIn(b.cadenceMinutes, `${where}.cadenceMinutes`, 1, 10_080, 30),
    basisPoints: Math.round(numberIn(b.percent, `${where}.percent`, 0, 50, defaultBasisPoints / 100) * 100),
    delayMinutes: intIn(b.delayMinutes, `${where}.delayMinutes`, 1, 10_080, 60),
    fulfillment,
    feedbackPercent: numberIn(b.feedbackPercent, `${where}.feedbackPercent`, 0, 100, lowFeedback ? 80 : 97),
    feedbackCount: intIn(b.feedbackCount, `${where}.feedbackCount`, 0, 10_000_000, lowFeedback ? 150 : 1_000),
  };
}

function placeRoute(world: AmazonWorld, body: Body) {
  const seed = intIn(body.seed, 'seed', 0, 2 ** 32 - 1, world.state.market?.seed ?? 1);
  const mp = marketplaceOf(body);
  const currency = mp.defaultCurrencyCode;
  let specs: AsinSpec[] = [];
  if (body.generate !== undefined) {
    const g = body.generate as Body;
    if (!g || typeof g !== 'object') throw bad('generate must be an object: {count, skuPrefix?, fbaShare?}');
    const seller = world.state.sellers[String(body.sellerId)];
    if (!seller) throw new MarketInputError(404, `unknown seller ${String(body.sellerId)}`);
    if (!seller.marketplaceIds.includes(mp.id)) throw bad(`seller ${seller.sellerId} does not sell in ${mp.id}`);
    const count = intIn(g.count, 'generate.count', 1, 20_000);
    const fbaShare = numberIn(g.fbaShare, 'generate.fbaShare', 0, 1, 0.5);
    if (g.skuPrefix !== undefined && (typeof g.skuPrefix !== 'string' || !/^[A-Za-z0-9-]{1,20}$/.test(g.skuPrefix))) throw bad('generate.skuPrefix must be 1-20 letters, digits or dashes');
    specs = generateMarket(world, seed, seller, mp.id, { count, fbaShare, ...(g.skuPrefix ? { skuPrefix: g.skuPrefix as string } : {}) });
  }
  if (body.asins !== undefined) {
    if (!Array.isArray(body.asins) || body.asins.length === 0) throw bad('asins must be a non-empty array');
    body.asins.forEach((raw: unknown, i) => {
      const a = (raw ?? {}) as Body;
      const asin = a.asin;
      if (typeof asin !== 'string' || !world.state.catalog[asin]?.marketplaceIds.includes(mp.id)) throw new MarketInputError(404, `asins[${i}].asin ${String(asin)} is not in marketplace ${mp.id}`);
      if (!Array.isArray(a.bots)) throw bad(`asins[${i}].bots must be an array`);
      const unitsPerHour = numberIn(a.unitsPerHour, `asins[${i}].unitsPerHour`, 0, 10_000, 1);
      specs.push({ asin, marketplaceId: mp.id, unitsPerHourMilli: Math.round(unitsPerHour * 1000), bots: a.bots.map((b: unknown, j) => botSpec(b, `asins[${i}].bots[${j}]`, currency)) });
    });
  }
  if (specs.length === 0) throw bad('give asins (bots per ASIN) or generate ({count})');
  const placed = placeBots(world, seed, specs);
  return { status: 201, body: { seed, minute: marketOf(world).minute, asins: specs.map((s) => s.asin), bots: placed } };
}

function costsRoute(world: AmazonWorld, body: Body) {
  const mp = marketplaceOf(body);
  const seller = world.state.sellers[String(body.sellerId)];
  if (!seller) throw new MarketInputError(404, `unknown seller ${String(body.sellerId)}`);
  if (!Array.isArray(body.costs) || body.costs.length === 0) throw bad('costs must be a non-empty array of {sku, cost}');
  const market = marketOf(world);
  const set = body.costs.map((raw: unknown, i) => {
    const c = (raw ?? {}) as Body;
    const sku = c.sku;
    if (typeof sku !== 'string' || !seller.listings[sku]?.offers[mp.id]) throw new MarketInputError(404, `costs[${i}].sku ${String(sku)} is not listed by ${seller.sellerId} in ${mp.id}`);
    return [costKey(seller.sellerId, sku, mp.id), String(amount(c.cost, `costs[${i}].cost`, mp.defaultCurrencyCode, true))] as const;
  });
  for (const [key, minor] of set) market.costs[key] = minor;
  world.changed();
  return { body: { set: set.length } };
}

function botsView(world: AmazonWorld, asin: string | null, marketplaceId: string | null) {
  const market = world.state.market;
  const keys = asin && marketplaceId ? [offerKey(asin, marketplaceId)] : Object.keys(market?.bots ?? {});
  return {
    minute: market?.minute ?? 0,
    bots: keys.flatMap((key) =>
      (market?.bots[key] ?? []).map((b) => {
        const offer = world.state.competitors[key]?.find((c) => c.sellerId === b.sellerId);
        const currency = offer?.price.currency ?? marketplace(b.marketplaceId)!.defaultCurrencyCode;
        return {
          sellerId: b.sellerId,
          kind: b.kind,
          asin: b.asin,
          marketplaceId: b.marketplaceId,
          price: offer ? formatAmount(offer.price) : null,
          currency,
          floor: formatAmount(priceFromMinor(BigInt(b.floor), currency)),
          ceiling: formatAmount(priceFromMinor(BigInt(b.ceiling), currency)),
          cadenceMinutes: b.cadenceMinutes,
          nextAt: b.nextAt,
          ...(b.kind === 'reactive' ? { delayMinutes: b.delayMinutes, pendingAt: b.pendingAt ?? null } : {}),
          fulfillment: offer?.fulfillment,
          feedbackPercent: offer?.feedbackPercent,
        };
      }),
    ),
  };
}

/** Answers a market/… control route, or undefined when the path isn't one. */
export function marketRoute(world: AmazonWorld, path: string, method: string, body: Body, query: URLSearchParams): { status?: number; body: unknown } | undefined {
  if (path === 'market/bots' && method === 'POST') return placeRoute(world, body);
  if (path === 'market/bots' && method === 'GET') return { body: botsView(world, query.get('asin'), query.get('marketplaceId')) };
  if (path === 'market/costs' && method === 'POST') return costsRoute(world, body);
  if (path === 'market/costs' && method === 'GET') {
    // The merchant's costs as the market holds them (what a repricer is told), per seller and marketplace.
    const prefix = `${query.get('sellerId') ?? ''}|`;
    const suffix = `|${query.get('marketplaceId') ?? ''}`;
    const costs = Object.entries(world.state.market?.costs ?? {})
      .filter(([key]) => key.startsWith(prefix) && key.endsWith(suffix))
      .map(([key, minor]) => {
        const currency = marketplace(key.slice(key.lastIndexOf('|') + 1))?.defaultCurrencyCode ?? 'USD';
        return { sku: key.slice(prefix.length, key.length - suffix.length), cost: formatAmount(priceFromMinor(BigInt(minor), currency)), currency };
      });
    return { body: { costs } };
  }
  if (path === 'market/advance' && method === 'POST') {
    if (!world.state.market) throw new MarketInputError(409, 'no market yet: place bots first (POST market/bots)');
    return { body: advanceMarket(world, intIn(body.minutes, 'minutes', 1, MAX_ADVANCE_MINUTES)) };
  }
  if (path === 'market/ledger' && method === 'GET') return { body: ledgerView(world.state.market, { asins: query.get('asins') !== 'false' }) };
  return undefined;
}
