// The sales ledger as the control API reports it: per ASIN and in total, our profit (Σ (price − cost −
// fees) × units sold while we held the Buy Box), Buy Box time shares, price changes and floor hits.
// Accumulators hold minor units × thousandths of a unit per hour × minutes; one division at the end.
import { formatAmount, priceFromMinor } from '../money';
import type { AsinLedger, MarketAsin, MarketState } from './types';

const SCALE = 60_000n; // thousandths of a unit × minutes per hour

/** A signed decimal string (a loss is negative). */
const money = (acc: bigint, currency: string) => {
  const minor = acc / SCALE;
  return minor < 0n ? `-${formatAmount(priceFromMinor(-minor, currency))}` : formatAmount(priceFromMinor(minor, currency));
};
const unitsText = (acc: bigint) => {
  const thousandths = acc / 60n;
  return `${thousandths / 1000n}.${String(thousandths % 1000n).padStart(3, '0')}`;
};

interface Sums {
  revenue: bigint;
  fees: bigint;
  cost: bigint;
  units: bigint;
}

function sums(l: AsinLedger): Sums {
  return { revenue: BigInt(l.revenueAcc), fees: BigInt(l.feesAcc), cost: BigInt(l.costAcc), units: BigInt(l.unitsAcc) };
}

const share = (part: number, whole: number) => (whole > 0 ? Number((part / whole).toFixed(4)) : 0);

function asinView(a: MarketAsin) {
  const l = a.ledger;
  const s = sums(l);
  return {
    asin: a.asin,
    marketplaceId: a.marketplaceId,
    currency: a.currency,
    unitsPerHour: a.unitsPerHourMilli / 1000,
    minutes: l.minutes,
    buyBoxMinutes: { ours: l.oursMinutes, others: l.minutes - l.oursMinutes - l.noneMinutes, none: l.noneMinutes },
    buyBoxShare: share(l.oursMinutes, l.minutes),
    holders: l.holders,
    units: unitsText(s.units),
    revenue: money(s.revenue, a.currency),
    fees: money(s.fees, a.currency),
    cost: money(s.cost, a.currency),
    profit: money(s.revenue - s.fees - s.cost, a.currency),
    priceChanges: l.priceChanges,
    ourPrice: l.lastOurs === undefined ? null : formatAmount(priceFromMinor(BigInt(l.lastOurs), a.currency)),
    floorHit: l.floorHit,
    atFloorMinutes: l.atFloorMinutes,
  };
}

export function ledgerView(market: MarketState | undefined, options: { asins?: boolean } = {}) {
  const entries = Object.values(market?.asins ?? {});
  const byCurrency: Record<string, Sums> = {};
  let minutes = 0;
  let ours = 0;
  let floorHits = 0;
  let priceChanges = 0;
  for (const a of entries) {
    const s = sums(a.ledger);
    const t = (byCurrency[a.currency] ??= { revenue: 0n, fees: 0n, cost: 0n, units: 0n });
    t.revenue += s.revenue;
    t.fees += s.fees;
    t.cost += s.cost;
    t.units += s.units;
    minutes += a.ledger.minutes;
    ours += a.ledger.oursMinutes;
    if (a.ledger.floorHit) floorHits++;
    priceChanges += a.ledger.priceChanges;
  }
  const marketMinutes = market?.minute ?? 0;
  return {
    minute: marketMinutes,
    hours: marketMinutes / 60,
    total: {
      asins: entries.length,
      byCurrency: Object.fromEntries(
        Object.entries(byCurrency).map(([currency, s]) => [
          currency,
          { revenue: money(s.revenue, currency), fees: money(s.fees, currency), cost: money(s.cost, currency), profit: money(s.revenue - s.fees - s.cost, currency), units: unitsText(s.units) },
        ]),
      ),
      buyBoxShare: share(ours, minutes),
      floorHits,
      priceChanges,
      /** Our price changes per listing per market day. */
      changesPerListingDay: entries.length && marketMinutes ? Number((priceChanges / entries.length / (marketMinutes / 1440)).toFixed(3)) : 0,
    },
    ...(options.asins === false ? {} : { asins: entries.map(asinView) }),
  };
}
