// A market of N ASINs made from a seed: a catalog item, our listing (price, cost, FBA or not) and two to
// four competitor bots of a seeded mix for each, with a sales rate. The same seed makes the same market.
import { feesFor, REFERRAL_RATE } from '../fees-model';
import { currencyDecimals, marketplace } from '../marketplaces';
import { priceFromMinor } from '../money';
import type { CatalogItem, Listing, Seller } from '../state';
import type { AmazonWorld } from '../world';
import { Rng, hash32 } from './prng';
import { marketOf, type AsinSpec, type BotSpec } from './simulation';
import { costKey, type BotKind } from './types';

export interface GenerateSpec {
  count: number;
  /** SKU prefix of our listings (default "MKT"). */
  skuPrefix?: string;
  /** Share of our listings fulfilled by Amazon (default 0.5). */
  fbaShare?: number;
}

const MIX: [BotKind, number][] = [
  ['fixed', 18],
  ['beat_lowest', 20],
  ['match_buy_box', 14],
  ['random_walk', 20],
  ['low_feedback_undercutter', 12],
  ['reactive', 16],
];
const MIX_TOTAL = MIX.reduce((n, [, w]) => n + w, 0);

function drawKind(rng: Rng): BotKind {
  let r = rng.int(1, MIX_TOTAL);
  for (const [kind, weight] of MIX) {
    r -= weight;
    if (r <= 0) return kind;
  }
  return 'fixed';
}

/** `minor × basis points / 10,000`, at least one minor unit. */
const scale = (minor: bigint, basisPoints: number) => {
  const v = (minor * BigInt(basisPoints)) / 10_000n;
  return v > 0n ? v : 1n;
};

function botFor(rng: Rng, kind: BotKind, ours: bigint, hundredth: bigint): BotSpec {
  const price = scale(ours, rng.int(9_500, 11_000));
  const fba = kind !== 'low_feedback_undercutter' && rng.next() < 0.4;
  const shipping = !fba && rng.next() < 0.25 ? BigInt(rng.pick([299, 399, 499])) * hundredth : 0n;
  const lowFeedback = kind === 'low_feedback_undercutter';
  return {
    kind,
    price,
    shipping,
    floor: scale(ours, rng.int(7_000, 9_200)),
    ceiling: scale(price, rng.int(11_500, 13_500)),
    cadenceMinutes: rng.pick([15, 30, 60, 120, 240]),
    basisPoints: kind === 'beat_lowest' ? 100 : kind === 'low_feedback_undercutter' ? 200 : kind === 'random_walk' ? 300 : kind === 'reactive' ? 50 : 0,
    delayMinutes: rng.pick([30, 60, 120]),
    fulfillment: fba ? 'AFN' : 'MFN',
    feedbackPercent: lowFeedback ? rng.int(70, 86) : rng.int(91, 99),
    feedbackCount: lowFeedback ? rng.int(5, 400) : rng.int(50, 20_000),
  };
}

/** Adds `count` ASINs to the catalog, our seller's listings and costs, and returns their bot specs. */
export function generateMarket(world: AmazonWorld, seed: number, seller: Seller, marketplaceId: string, spec: GenerateSpec): AsinSpec[] {
  const market = marketOf(world, seed);
  const mp = marketplace(marketplaceId)!;
  const currency = mp.defaultCurrencyCode;
  const decimals = currencyDecimals(currency);
  // Amounts below are written in hundredths of the major unit.
  const hundredth = decimals >= 2 ? 10n ** BigInt(decimals - 2) : 1n;
  const rng = new Rng(hash32(`generate|${seed}|${seller.sellerId}|${marketplaceId}|${market.generated}`));
  const prefix = spec.skuPrefix ?? 'MKT';
  const fbaShare = spec.fbaShare ?? 0.5;
  const now = new Date(world.now()).toISOString();
  const specs: AsinSpec[] = [];
  for (let i = 0; i < spec.count; i++) {
    const n = market.generated + i + 1;
    const asin = `B0MK${String(n).padStart(6, '0')}`;
    const sku = `${prefix}-${String(n).padStart(6, '0')}`;
    const cost = BigInt(rng.int(500, 6_000)) * hundredth;
    const fba = rng.next() < fbaShare;
    // Our starting price leaves 25-60 % of cost after Amazon's fees (fees-model.ts): a priced catalog.
    const fbaFee = feesFor(priceFromMinor(0n, currency), fba ? 'AFN' : 'MFN').fbaFee;
    const { numerator, denominator } = REFERRAL_RATE;
    const ours = ((scale(cost, rng.int(12_500, 16_000)) + fbaFee) * denominator) / (denominator - numerator);
    const item: CatalogItem = {
      asin,
      itemName: `Market item ${n}`,
      brand: 'Sandbox Market',
      manufacturer: 'Sandbox Market',
      productType: 'PRODUCT',
      classificationId: '2000000001',
      classificationName: 'Market',
      websiteDisplayGroup: 'sports_display_on_website',
      salesRank: 100 + rng.int(0, 50_000),
      imageUrl: `https://m.media-amazon.com/images/I/${asin}.jpg`,
      marketplaceIds: [marketplaceId],
      listPrices: {},
    };
    const existing = world.state.catalog[asin];
    world.state.catalog[asin] = existing ? { ...existing, marketplaceIds: [...new Set([...existing.marketplaceIds, marketplaceId])] } : item;
    const listing: Listing = {
      sku,
      asin,
      productType: 'PRODUCT',
      conditionType: 'new_new',
      itemName: item.itemName,
      createdDate: now,
      lastUpdatedDate: now,
      fulfillmentChannelCode: fba ? `AMAZON_${seller.region.toUpperCase()}` : 'DEFAULT',
      quantity: 1_000,
      offers: { [marketplaceId]: { marketplaceId, price: priceFromMinor(ours, currency), status: ['BUYABLE', 'DISCOVERABLE'] } },
      attributes: {},
      issues: [],
    };
    seller.listings[sku] = listing;
    market.costs[costKey(seller.sellerId, sku, marketplaceId)] = String(cost);
    const kinds = Array.from({ length: rng.int(2, 4) }, () => drawKind(rng));
    specs.push({ asin, marketplaceId, unitsPerHourMilli: rng.int(200, 2_000), bots: kinds.map((k) => botFor(rng, k, ours, hundredth)) });
  }
  market.generated += spec.count;
  return specs;
}
