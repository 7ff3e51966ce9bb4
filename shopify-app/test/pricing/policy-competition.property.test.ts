// Property tests for competing: for any offers (ours among them, with conditions, fulfilment, feedback,
// Prime and Buy Box eligibility), any filters and any fee estimate, no suggestion is below the fee-aware
// floor or above the ceiling, and none is read from our own offer or one the filters set aside. The
// oracle here re-implements the filters and the fee floor from the raw inputs; it never reads the
// engine's own limits or lists. And raise-when-winning never loses the Buy Box in the sandbox's own
// Buy Box model (sandbox/src/amazon/market.ts `buyBoxWinner`, imported as is) on the same reading.
import { fromMinorUnits, parsePercent, toMinorUnits, type CompetitiveOffer, type FeeEstimate } from '@calibr/shared-contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buyBoxWinner, type MarketOffer } from '../../../sandbox/src/amazon/market';
import type { AmazonWorld } from '../../../sandbox/src/amazon/world';
import { compileRule, evaluateWithRule, type CompetitorFilters, type ListingContext, type PolicyOutcome, type PricingRuleInput } from '../../app/pricing/policy';

const OURS = 'AOURSELLER0001';
const THEIRS = ['ACOMP1', 'ACOMP2', 'ACOMP3', 'ACOMP4', 'ACOMP5', 'ATVPDKIKX0DER'] as const;

interface RawOffer {
  sellerId: string;
  condition: 'New' | 'Used';
  fulfillment: 'AFN' | 'MFN';
  landed: bigint;
  feedbackPercent: number;
  feedbackCount: number;
  /** The reading gives no feedback for this offer. */
  feedbackMissing: boolean;
  prime: boolean;
}

interface Scenario {
  rule: PricingRuleInput;
  current: bigint;
  offers: RawOffer[];
  /** Index into offers of the Buy Box holder (the sandbox's model), or null. */
  winner: number | null;
  cost: bigint;
  fees: { at: bigint; referral: bigint; fixed: bigint } | null;
}

const percentText = (maxTenths: number, minTenths = 0) =>
  fc.integer({ min: minTenths, max: maxTenths }).map((t) => (t % 10 === 0 ? `${t / 10}` : `${Math.floor(t / 10)}.${t % 10}`));

const rawOffer = (sellers: readonly string[]) =>
  fc.record({
    sellerId: fc.constantFrom(...sellers),
    condition: fc.constantFrom('New' as const, 'New' as const, 'Used' as const),
    fulfillment: fc.constantFrom('AFN' as const, 'MFN' as const),
    landed: fc.bigInt({ min: 100n, max: 10_000n }),
    feedbackPercent: fc.integer({ min: 70, max: 100 }),
    feedbackCount: fc.integer({ min: 0, max: 5000 }),
    feedbackMissing: fc.boolean(),
    prime: fc.boolean(),
  });

const filtersArb: fc.Arbitrary<CompetitorFilters | null> = fc.option(
  fc.record(
    {
      condition: fc.constantFrom('new' as const, 'any' as const),
      fulfillment: fc.constantFrom('any' as const, 'AFN' as const, 'MFN' as const),
      primeOnly: fc.boolean(),
      minFeedbackPercent: fc.option(fc.integer({ min: 80, max: 99 }), { nil: null }),
      minFeedbackCount: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: null }),
      buyBoxEligibleOnly: fc.boolean(),
      excludedSellerIds: fc.subarray([...THEIRS]),
      ignoreBelowFloor: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
  { nil: null },
);

const sandboxWorld = { state: { buyBoxOverrides: {} } } as unknown as AmazonWorld;

function toMarket(o: RawOffer): MarketOffer {
  const landed = { currency: 'USD', minor: o.landed.toString() };
  return {
    sellerId: o.sellerId, sellerName: o.sellerId, condition: o.condition, subCondition: o.condition === 'New' ? 'new' : 'good', fulfillment: o.fulfillment,
    price: landed, shipping: { currency: 'USD', minor: '0' }, landed, feedbackPercent: o.feedbackPercent, feedbackCount: o.feedbackCount, shipsFromCountry: 'US', prime: o.prime,
  };
}

/** The sandbox's Buy Box holder among the raw offers (index), as its market decides. */
function sandboxWinner(offers: RawOffer[]): number | null {
  const market = offers.map(toMarket);
  const winner = buyBoxWinner(sandboxWorld, 'B0TEST', 'ATVPDKIKX0DER', market);
  return winner ? market.indexOf(winner) : null;
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    kind: fc.constantFrom('win_buy_box', 'beat_lowest_amount', 'beat_lowest_percent', 'match_buy_box'),
    winParams: fc.constantFrom('none', 'amount', 'percent'),
    beatAmount: fc.bigInt({ min: 1n, max: 500n }),
    beatPercent: percentText(300, 1),
    filters: filtersArb,
    raiseWhenWinning: fc.boolean(),
    noCompetition: fc.option(fc.bigInt({ min: 100n, max: 12_000n }), { nil: null }),
    floor: fc.option(fc.bigInt({ min: 0n, max: 3_000n }), { nil: null }),
    ceiling: fc.option(fc.bigInt({ min: 12_000n, max: 20_000n }), { nil: null }),
    step: fc.option(percentText(500, 1), { nil: null }),
    rounding: fc.option(fc.constantFrom('.99', '.95', '9.99'), { nil: null }),
    feeFloor: fc.boolean(),
    floorMargin: percentText(300),
    cost: fc.bigInt({ min: 50n, max: 3_000n }),
    feeAt: fc.bigInt({ min: 100n, max: 10_000n }),
    fixedFee: fc.bigInt({ min: 0n, max: 500n }),
    ourOffer: rawOffer([OURS]),
    theirs: fc.array(rawOffer(THEIRS), { maxLength: 10 }),
  })
  .map((g): Scenario => {
    const amount = (v: bigint) => fromMinorUnits(v, 'USD').amount;
    const ours = { ...g.ourOffer, condition: 'New' as const, feedbackPercent: 98, feedbackMissing: false };
    const offers = [ours, ...g.theirs].sort((a, b) => (a.landed < b.landed ? -1 : a.landed > b.landed ? 1 : a.sellerId.localeCompare(b.sellerId)));
    const referral = (g.feeAt * 15n + 50n) / 100n;
    const noCompetition = g.noCompetition !== null && g.ceiling !== null && g.noCompetition > g.ceiling ? g.ceiling : g.noCompetition;
    const floor = g.floor !== null && noCompetition !== null && g.floor > noCompetition ? noCompetition : g.floor;
    const params =
      g.kind === 'beat_lowest_amount' || (g.kind === 'win_buy_box' && g.winParams === 'amount') ? { amount: amount(g.beatAmount) }
      : g.kind === 'beat_lowest_percent' || (g.kind === 'win_buy_box' && g.winParams === 'percent') ? { percent: g.beatPercent }
      : {};
    return {
      current: ours.landed,
      offers,
      winner: sandboxWinner(offers),
      cost: g.cost,
      fees: g.feeFloor ? { at: g.feeAt, referral, fixed: g.fixedFee } : null,
      rule: {
        id: 'rule', name: 'Generated', scope: 'shop', kind: g.kind, params, currency: 'USD',
        filters: g.filters, raiseWhenWinning: g.raiseWhenWinning,
        noCompetitionAmount: noCompetition === null ? null : amount(noCompetition),
        floorAmount: floor === null ? null : amount(floor),
        ceilingAmount: g.ceiling === null ? null : amount(g.ceiling),
        maxStepPercent: g.step, rounding: g.rounding,
        floorFormula: g.feeFloor ? 'cost_fees_margin' : null,
        floorMarginPercent: g.feeFloor ? g.floorMargin : null,
      },
    };
  });

/** The engine's input, as the monitor hands it over: the sandbox's offers in the contract's shape. */
function listingOf(s: Scenario): ListingContext {
  const m = (v: bigint) => fromMinorUnits(v, 'USD');
  const offers: CompetitiveOffer[] = s.offers.map((o, i) => ({
    sellerId: o.sellerId,
    isOurs: o.sellerId === OURS,
    fulfillment: o.fulfillment,
    landed: m(o.landed),
    isBuyBoxWinner: i === s.winner,
    // What the sandbox's getItemOffers reports as IsFeaturedMerchant.
    isBuyBoxEligible: o.feedbackPercent >= 90,
    isPrime: o.prime,
    condition: o.condition.toLowerCase(),
    ...(o.feedbackMissing ? {} : { feedback: { percentage: o.feedbackPercent, count: o.feedbackCount } }),
  }));
  const winner = s.winner === null ? null : offers[s.winner]!;
  const fees: FeeEstimate | null = s.fees
    ? {
        externalId: 'SKU', price: m(s.fees.at), total: m(s.fees.referral + s.fees.fixed), estimatedAt: '2026-12-07T10:00:00Z',
        fees: [{ type: 'ReferralFee', amount: m(s.fees.referral) }, { type: 'FBAFees', amount: m(s.fees.fixed) }],
      }
    : null;
  return {
    id: 'listing', platform: 'amazon', currentPrice: m(s.current), cost: m(s.cost), fees,
    competition: { buyBox: winner?.landed ?? null, buyBoxIsOurs: winner ? winner.isOurs : null, offerCount: offers.length, offers },
  };
}

/** The filters re-implemented from the README's words: is this raw offer followed? */
function followed(s: Scenario, o: RawOffer, floor: bigint): boolean {
  if (o.sellerId === OURS) return false;
  const f = s.rule.filters ?? {};
  if (f.excludedSellerIds?.includes(o.sellerId)) return false;
  if ((f.condition ?? 'new') === 'new' && o.condition !== 'New') return false;
  if ((f.fulfillment ?? 'any') !== 'any' && o.fulfillment !== f.fulfillment) return false;
  if (f.primeOnly && !o.prime) return false;
  const amazon = o.sellerId === 'ATVPDKIKX0DER';
  if (f.minFeedbackPercent != null && (o.feedbackMissing ? !amazon : o.feedbackPercent < f.minFeedbackPercent)) return false;
  if (f.minFeedbackCount != null && (o.feedbackMissing ? !amazon : o.feedbackCount < f.minFeedbackCount)) return false;
  const winner = s.winner !== null && s.offers[s.winner] === o;
  if ((f.buyBoxEligibleOnly || s.rule.kind === 'win_buy_box') && o.feedbackPercent < 90 && !winner) return false;
  if (f.ignoreBelowFloor && o.landed < floor) return false;
  return true;
}

/** The fee-aware floor's condition on a price, exactly: p − fees(p) − cost ≥ m·p, fees(p) = fixed + R·max(p, P)/P. */
function keepsFeeFloor(s: Scenario, p: bigint): boolean {
  if (!s.fees) return true;
  const { numerator: n, denominator: d } = parsePercent(s.rule.floorMarginPercent!);
  const { at, referral, fixed } = s.fees;
  const scaled = p > at ? p : at;
  // × P·d on both sides.
  return (p - fixed - s.cost) * at * d - referral * scaled * d >= n * p * at;
}

/** The lowest price keeping the fee floor, found by bisection on the predicate alone (null: none does). */
function oracleFeeFloor(s: Scenario): bigint | null {
  if (!s.fees) return null;
  const search = (lo: bigint, hi: bigint): bigint | null => {
    if (!keepsFeeFloor(s, hi)) return null;
    while (lo < hi) {
      const mid = (lo + hi) / 2n;
      if (keepsFeeFloor(s, mid)) hi = mid;
      else lo = mid + 1n;
    }
    return lo;
  };
  // Increasing up to the estimate's price; above it, increasing unless the referral share and margin take it all.
  return search(1n, s.fees.at) ?? search(s.fees.at, 10n ** 12n);
}

function priceOf(outcome: PolicyOutcome): bigint | null {
  return outcome.status === 'suggest' ? toMinorUnits(outcome.suggested) : null;
}

const usdMinor = (amount: string) => toMinorUnits({ amount, currency: 'USD' });

describe('competing (property tests)', () => {
  it('never suggests below the fee-aware floor or above the ceiling', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const outcome = evaluateWithRule(compileRule(s.rule), listingOf(s));
        const price = priceOf(outcome);
        if (price === null) return;
        expect(keepsFeeFloor(s, price), `price ${price} below the fee floor`).toBe(true);
        if (s.rule.ceilingAmount) expect(price <= usdMinor(s.rule.ceilingAmount)).toBe(true);
        // The lowest price that keeps the fee floor is the one the engine names (minimal: one unit less fails).
        if (outcome.explanation.fees) expect(usdMinor(outcome.explanation.fees.floor)).toBe(oracleFeeFloor(s));
      }),
      { numRuns: 3000 },
    );
  });

  it('never reads its target from our own offer or one its filters set aside, and names every offer either way', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const outcome = evaluateWithRule(compileRule(s.rule), listingOf(s));
        const e = outcome.explanation;
        if (!e.competitors) return;
        // The oracle's floor for "ignore below floor": the rule's floor and the fee floor.
        const floor = [s.rule.floorAmount ? usdMinor(s.rule.floorAmount) : 1n, oracleFeeFloor(s) ?? 1n].reduce((a, b) => (b > a ? b : a), 1n);
        const eligible = s.offers.filter((o) => followed(s, o, floor));
        expect(e.competitors.followed.length + e.competitors.ignored.length).toBe(s.offers.length);
        expect(e.competitors.followed.map((f) => `${f.sellerId} ${f.landed}`).sort()).toEqual(eligible.map((o) => `${o.sellerId} ${fromMinorUnits(o.landed, 'USD').amount}`).sort());
        const c = e.target?.competitor;
        if (c && c.role !== 'next_above') {
          expect(c.sellerId).not.toBe(OURS);
          const lowest = eligible.reduce<bigint | null>((a, o) => (a === null || o.landed < a ? o.landed : a), null);
          if (s.rule.kind !== 'match_buy_box') expect(usdMinor(c.landed)).toBe(lowest);
          expect(eligible.some((o) => o.sellerId === c.sellerId && fromMinorUnits(o.landed, 'USD').amount === c.landed)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('raise when winning never loses the Buy Box in the sandbox’s model on the same reading', () => {
    const winning = scenario.map((s) => ({ ...s, rule: { ...s.rule, raiseWhenWinning: true } })).filter((s) => s.winner !== null && s.offers[s.winner]!.sellerId === OURS);
    let raises = 0;
    fc.assert(
      fc.property(winning, (s) => {
        const outcome = evaluateWithRule(compileRule(s.rule), listingOf(s));
        const price = priceOf(outcome);
        // A raise is a raise: only a ceiling below today's price may turn it into a cut (never the ending).
        if (price !== null && outcome.explanation.target?.competitor?.role === 'next_above' && outcome.explanation.clamp?.guardrail !== 'ceiling') {
          expect(price > s.current, outcome.explanation.summary).toBe(true);
        }
        if (price === null || price <= s.current) return;
        raises++;
        const ours = s.offers[s.winner!]!;
        const moved = s.offers.map((o) => (o === ours ? { ...o, landed: price } : o));
        const after = sandboxWinner(moved);
        expect(after !== null && moved[after]!.sellerId === OURS, `raised ${s.current} → ${price}: ${outcome.explanation.summary}`).toBe(true);
      }),
      { numRuns: 3000 },
    );
    // The property is about raises: make sure the generator produces them.
    expect(raises).toBeGreaterThan(100);
  });
});
