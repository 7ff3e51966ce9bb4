// The market simulation's state: plain JSON (minor units as decimal strings), kept in AmazonState so a
// snapshot carries it like everything else.

export const BOT_KINDS = ['fixed', 'beat_lowest', 'match_buy_box', 'random_walk', 'low_feedback_undercutter', 'reactive'] as const;
export type BotKind = (typeof BOT_KINDS)[number];

/** A competitor repricer playing one competitor offer (state.competitors) on one ASIN. */
export interface Bot {
  /** The competitor offer's seller id. */
  sellerId: string;
  kind: BotKind;
  asin: string;
  marketplaceId: string;
  /** Minor units: the bot never prices below its floor nor above its ceiling. */
  floor: string;
  ceiling: string;
  /** It looks at the market every this many minutes (fixed: never). */
  cadenceMinutes: number;
  /** Market minute of its next look; null: never. */
  nextAt: number | null;
  /** mulberry32 state of its own stream. */
  rng: number;
  /** beat_lowest / undercutter / reactive: how far below, in basis points (100 = 1 %). random_walk: largest step. */
  basisPoints: number;
  /** reactive: minutes between noticing our move and answering it. */
  delayMinutes: number;
  /** reactive: our landed price when it last looked (minor units). */
  seenOurs?: string;
  /** reactive: the answer it has decided on, due at `at`. */
  pendingAt?: number;
}

/** What the ledger has counted for one ASIN. Accumulators are minor units × milli-units/hour × minutes. */
export interface AsinLedger {
  minutes: number;
  /** Minutes the Buy Box was held by one of the sandbox's sellers ("us"), by a competitor, by nobody. */
  oursMinutes: number;
  noneMinutes: number;
  /** Minutes each seller held the Buy Box. */
  holders: Record<string, number>;
  revenueAcc: string;
  feesAcc: string;
  costAcc: string;
  unitsAcc: string;
  /** Times our price was seen changed at the start of an advance. */
  priceChanges: number;
  /** Our landed price when last seen (minor units). */
  lastOurs?: string;
  /** Our price was seen at or below the listing's minimum (minimum_seller_allowed_price). */
  floorHit: boolean;
  atFloorMinutes: number;
}

export interface MarketAsin {
  asin: string;
  marketplaceId: string;
  currency: string;
  /** Units sold per hour to whoever holds the Buy Box, in thousandths. */
  unitsPerHourMilli: number;
  ledger: AsinLedger;
}

export interface MarketState {
  seed: number;
  /** Market minutes since the market started (advanced only by the control API). */
  minute: number;
  /** Keyed by `${asin}|${marketplaceId}`, in the order they were placed. */
  asins: Record<string, MarketAsin>;
  bots: Record<string, Bot[]>;
  /** Cost per unit of our SKUs, minor units, keyed by `${sellerId}|${sku}|${marketplaceId}`. */
  costs: Record<string, string>;
  /** How many ASINs the generator has made (their numbering continues). */
  generated: number;
}

export function emptyLedger(): AsinLedger {
  return { minutes: 0, oursMinutes: 0, noneMinutes: 0, holders: {}, revenueAcc: '0', feesAcc: '0', costAcc: '0', unitsAcc: '0', priceChanges: 0, floorHit: false, atFloorMinutes: 0 };
}

export function costKey(sellerId: string, sku: string, marketplaceId: string): string {
  return `${sellerId}|${sku}|${marketplaceId}`;
}
