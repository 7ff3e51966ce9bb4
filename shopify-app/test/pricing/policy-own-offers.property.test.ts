// Property tests for our own offers among the competition: Amazon lists them with everybody else's (and
// its lowest price counts them), so for any set of offers that includes ours, no suggestion goes below
// the best competitor's landed price minus the rule's own offset, and a price we just moved to is never
// undercut by the next reading. The oracle picks the competitors by seller id from the raw offers and
// computes the bound itself; the snapshot handed to the engine also carries Amazon's all-offers lowest
// price (ours included), as the old reading stored it, so trusting that number would fail here.
import { fromMinorUnits, parsePercent, toMinorUnits, type CompetitiveOffer } from '@calibr/shared-contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRule, evaluateWithRule, type ListingContext, type PolicyOutcome, type PricingRuleInput } from '../../app/pricing/policy';

const CURRENCIES = [
  { code: 'USD', scale: 2, endings: ['.99', '.95', '9.99'] },
  { code: 'JPY', scale: 0, endings: ['80', '9'] },
] as const;
type Currency = (typeof CURRENCIES)[number];

/** Two seller accounts the shop holds in this marketplace, and the competitors'. */
const OURS = ['AOURSELLER0001', 'AOURSELLER0002'] as const;
const THEIRS = ['ACOMPETITOR001', 'ACOMPETITOR002', 'ACOMPETITOR003', 'ACOMPETITOR004'] as const;

interface RawOffer {
  sellerId: string;
  fulfillment: 'AFN' | 'MFN';
  landed: bigint;
}

interface Scenario {
  currency: Currency;
  rule: PricingRuleInput;
  current: bigint;
  /** Cheapest first, as Amazon lists them. */
  offers: RawOffer[];
  /** Index into offers of the Buy Box holder, or null. */
  winner: number | null;
}

const percentText = (maxTenths: number, minTenths = 0) =>
  fc.integer({ min: minTenths, max: maxTenths }).map((t) => (t % 10 === 0 ? `${t / 10}` : `${Math.floor(t / 10)}.${t % 10}`));

const rawOffer = (sellers: readonly string[]) =>
  fc.record({ sellerId: fc.constantFrom(...sellers), fulfillment: fc.constantFrom('AFN' as const, 'MFN' as const), landed: fc.bigInt({ min: 1n, max: 100_000n }) });

function scenarioOf(options: { competitors: boolean; step: boolean }): fc.Arbitrary<Scenario> {
  return fc.constantFrom(...CURRENCIES).chain((currency) =>
    fc
      .record({
        kind: fc.constantFrom('beat_lowest_amount', 'beat_lowest_percent', 'match_buy_box'),
        beatAmount: fc.bigInt({ min: 1n, max: 2_000n }),
        beatPercent: percentText(300, 1),
        floor: fc.option(fc.bigInt({ min: 0n, max: 30_000n }), { nil: null }),
        ceiling: fc.option(fc.bigInt({ min: 30_000n, max: 150_000n }), { nil: null }),
        step: options.step ? fc.option(percentText(500, 1), { nil: null }) : fc.constant(null),
        rounding: fc.option(fc.constantFrom(...currency.endings), { nil: null }),
        current: fc.bigInt({ min: 1n, max: 100_000n }),
        // Our offer at our price (a second account of ours may list the item too), and others'.
        ownOfferFulfillment: fc.constantFrom('AFN' as const, 'MFN' as const),
        ownExtra: fc.array(rawOffer(OURS), { maxLength: 3 }),
        theirs: options.competitors ? fc.array(rawOffer(THEIRS), { maxLength: 16 }) : fc.constant([]),
        winnerPick: fc.option(fc.nat(), { nil: null }),
      })
      .map((g): Scenario => {
        const amount = (v: bigint) => fromMinorUnits(v, currency.code).amount;
        const offers = [{ sellerId: OURS[0], fulfillment: g.ownOfferFulfillment, landed: g.current }, ...g.ownExtra, ...g.theirs].sort((a, b) =>
          a.landed < b.landed ? -1 : a.landed > b.landed ? 1 : a.sellerId.localeCompare(b.sellerId),
        );
        return {
          currency,
          current: g.current,
          offers,
          winner: g.winnerPick === null ? null : g.winnerPick % offers.length,
          rule: {
            id: 'rule',
            name: 'Generated',
            scope: 'shop',
            kind: g.kind,
            params: g.kind === 'beat_lowest_amount' ? { amount: amount(g.beatAmount) } : g.kind === 'beat_lowest_percent' ? { percent: g.beatPercent } : {},
            currency: currency.code,
            floorAmount: g.floor === null ? null : amount(g.floor),
            ceilingAmount: g.ceiling === null ? null : amount(g.ceiling),
            maxStepPercent: g.step,
            rounding: g.rounding,
          },
        };
      }),
  );
}

/** The engine's input, as the monitor hands it over: offers marked by seller id, plus Amazon's all-offers lowest. */
function listingOf(s: Scenario): ListingContext {
  const m = (v: bigint) => fromMinorUnits(v, s.currency.code);
  const offers: CompetitiveOffer[] = s.offers.map((o, i) => ({
    sellerId: o.sellerId,
    isOurs: (OURS as readonly string[]).includes(o.sellerId),
    fulfillment: o.fulfillment,
    landed: m(o.landed),
    isBuyBoxWinner: i === s.winner,
  }));
  const winner = s.winner === null ? null : offers[s.winner]!;
  return {
    id: 'listing',
    currentPrice: m(s.current),
    competition: { buyBox: winner?.landed ?? null, buyBoxIsOurs: winner ? winner.isOurs : null, lowestOffer: m(s.offers[0]!.landed), offerCount: offers.length, offers },
  };
}

/** The largest price at or below `x` with the ending (`x` itself without one). */
function roundDown(x: bigint, ending: string | null | undefined, scale: number): bigint {
  if (!ending) return x;
  const [whole = '', fraction = ''] = ending.split('.');
  const modulus = 10n ** BigInt(ending.includes('.') ? whole.length + scale : ending.length);
  const residue = BigInt(ending.includes('.') ? `${whole}${fraction.padEnd(scale, '0')}` || '0' : ending);
  const below = x - ((((x - residue) % modulus) + modulus) % modulus);
  return below;
}

/**
 * The oracle: the competitors by seller id, the price the rule may not go below (the best competitor's
 * landed price minus the offset, or the competing Buy Box), unless an upper guardrail (ceiling, step)
 * sits lower; rounded down to the ending, as the rule's own ending may take it below.
 */
function oracle(s: Scenario) {
  const theirs = s.offers.filter((o) => !(OURS as readonly string[]).includes(o.sellerId));
  const best = theirs.length > 0 ? theirs.reduce((a, b) => (b.landed < a.landed ? b : a)) : null;
  const holder = s.winner === null ? null : s.offers[s.winner]!;
  let bound: bigint | null = null;
  let competitor: RawOffer | null = null;
  if (s.rule.kind === 'match_buy_box') {
    if (holder && !(OURS as readonly string[]).includes(holder.sellerId)) [bound, competitor] = [holder.landed, holder];
  } else if (best) {
    competitor = best;
    if (s.rule.kind === 'beat_lowest_amount') {
      const offset = toMinorUnits({ amount: (s.rule.params as { amount: string }).amount, currency: s.currency.code });
      bound = best.landed - offset;
    } else {
      const p = parsePercent((s.rule.params as { percent: string }).percent);
      // "p % below", exactly: the largest price x with x * den <= best * (den - num).
      bound = (best.landed * (p.denominator - p.numerator)) / p.denominator;
    }
  }
  const ceiling = s.rule.ceilingAmount ? toMinorUnits({ amount: s.rule.ceilingAmount, currency: s.currency.code }) : null;
  const step = s.rule.maxStepPercent ? parsePercent(s.rule.maxStepPercent) : null;
  const caps = [ceiling, step ? s.current + (s.current * step.numerator) / step.denominator : null].filter((c): c is bigint => c !== null);
  const lowest = bound === null ? null : roundDown(caps.reduce((a, b) => (b < a ? b : a), bound), s.rule.rounding, s.currency.scale);
  return { theirs, best, holder, bound, lowest, competitor };
}

function suggestedMinor(outcome: PolicyOutcome): bigint | null {
  return outcome.status === 'suggest' ? toMinorUnits(outcome.suggested) : null;
}

describe('our own offers are never the competition (property tests)', () => {
  it('for any set of offers that includes ours, no suggestion is below the best competitor’s landed price minus the rule’s offset', () => {
    fc.assert(
      fc.property(scenarioOf({ competitors: true, step: true }), (s) => {
        const outcome = evaluateWithRule(compileRule(s.rule), listingOf(s));
        const price = suggestedMinor(outcome);
        const o = oracle(s);
        if (o.bound === null) {
          // Nobody to beat or match: the rule holds.
          expect(outcome.status).toBe('skipped');
          return;
        }
        if (price === null) return;
        expect(price >= o.lowest!, `suggested ${price}, bound ${o.bound}, floor of suggestions ${o.lowest}`).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('names the competitor whose offer the rule read: seller, fulfilment, landed price', () => {
    fc.assert(
      fc.property(scenarioOf({ competitors: true, step: true }), (s) => {
        const outcome = evaluateWithRule(compileRule(s.rule), listingOf(s));
        if (outcome.status !== 'suggest' && outcome.status !== 'no_change') return;
        const { competitor } = oracle(s);
        const shown = outcome.explanation.target?.competitor;
        expect(shown).toMatchObject({ sellerId: competitor!.sellerId, fulfillment: competitor!.fulfillment, landed: fromMinorUnits(competitor!.landed, s.currency.code).amount });
        expect(OURS).not.toContain(shown!.sellerId);
        expect(outcome.explanation.summary).toContain(`seller ${competitor!.sellerId}, fulfilled by ${competitor!.fulfillment === 'AFN' ? 'Amazon' : 'the seller'}, ${new Intl.NumberFormat('en-US', { style: 'currency', currency: s.currency.code }).format(shown!.landed as unknown as number)} with shipping`);
      }),
      { numRuns: 1500 },
    );
  });

  it('once our offer is at the suggested price, the next reading suggests nothing (no race to the bottom)', () => {
    fc.assert(
      fc.property(scenarioOf({ competitors: true, step: false }), fc.boolean(), (s, weWinTheBuyBox) => {
        const first = evaluateWithRule(compileRule(s.rule), listingOf(s));
        const price = suggestedMinor(first);
        if (price === null) return;
        // The push moved our own offer; no competitor moved. The Buy Box stays where it was, or comes to us.
        const holder = s.winner === null ? null : s.offers[s.winner]!;
        const ours = s.offers.find((o) => o.sellerId === OURS[0] && o.landed === s.current)!;
        const moved = { ...ours, landed: price };
        const offers = s.offers.map((o) => (o === ours ? moved : o));
        offers.sort((a, b) => (a.landed < b.landed ? -1 : a.landed > b.landed ? 1 : a.sellerId.localeCompare(b.sellerId)));
        const newHolder = holder === null ? null : weWinTheBuyBox || holder === ours ? moved : holder;
        const next: Scenario = { ...s, current: price, offers, winner: newHolder === null ? null : offers.indexOf(newHolder) };
        const second = evaluateWithRule(compileRule(s.rule), listingOf(next));
        expect(second.status, second.explanation.summary).not.toBe('suggest');
      }),
      { numRuns: 2000 },
    );
  });

  it('with only our own offers left, the rule holds and the explanation says so', () => {
    fc.assert(
      fc.property(scenarioOf({ competitors: false, step: true }), (s) => {
        const outcome = evaluateWithRule(compileRule(s.rule), listingOf(s));
        expect(outcome.status).toBe('skipped');
        if (outcome.status !== 'skipped') return;
        if (s.rule.kind === 'match_buy_box') {
          expect(outcome.reason).toBe(s.winner === null ? 'no_buy_box' : 'buy_box_is_ours');
          if (s.winner !== null) expect(outcome.explanation.summary).toContain('You hold the Buy Box yourself, so there is no competitor’s price to match.');
        } else {
          expect(outcome.reason).toBe('no_competitor');
          expect(outcome.explanation.summary).toContain('The latest reading lists only your own offers: nobody else sells this product, so there is no offer to beat.');
        }
      }),
      { numRuns: 500 },
    );
  });
});
