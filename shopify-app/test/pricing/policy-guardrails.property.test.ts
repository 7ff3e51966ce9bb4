// Property tests for the policy engine: whatever the rule, the market and the product's own bounds, no
// suggestion leaves the floor, the ceiling, the margin over cost, the MAP or the step limit. The oracle
// here recomputes every guardrail from the raw inputs with exact fractions; it never reads the engine's
// own limits, so a wrong limit in the engine can't agree with itself.
import { fromMinorUnits, parsePercent, toMinorUnits, ValidationError, type Money } from '@calibr/shared-contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileRule,
  evaluateWithRule,
  RuleIndex,
  type ListingContext,
  type PolicyOutcome,
  type PricingRuleInput,
} from '../../app/pricing/policy';

const CURRENCIES = [
  { code: 'USD', scale: 2, endings: ['.99', '.95', '9.99', '.00'] },
  { code: 'JPY', scale: 0, endings: ['80', '9', '00'] },
  { code: 'KWD', scale: 3, endings: ['.990', '.5'] },
] as const;

const percentText = (maxTenths: number, minTenths = 0) =>
  fc.integer({ min: minTenths, max: maxTenths }).map((t) => (t % 10 === 0 ? `${t / 10}` : `${Math.floor(t / 10)}.${t % 10}`));

const minor = (max = 200_000n) => fc.bigInt({ min: 1n, max });

interface Scenario {
  currency: (typeof CURRENCIES)[number];
  rule: PricingRuleInput;
  listing: ListingContext;
}

const scenario: fc.Arbitrary<Scenario> = fc
  .constantFrom(...CURRENCIES)
  .chain((currency) => {
    const m = (value: bigint) => fromMinorUnits(value, currency.code);
    const amount = (value: bigint) => m(value).amount;
    const kind = fc.constantFrom('match_buy_box', 'beat_lowest_amount', 'beat_lowest_percent', 'fixed_price');
    return fc.record({
      currency: fc.constant(currency),
      kind,
      beatAmount: minor(5_000n),
      beatPercent: percentText(300, 1),
      fixedPrice: minor(),
      floor: fc.option(fc.bigInt({ min: 0n, max: 150_000n }), { nil: null }),
      ceiling: fc.option(minor(), { nil: null }),
      map: fc.option(fc.bigInt({ min: 0n, max: 150_000n }), { nil: null }),
      margin: fc.option(percentText(1000), { nil: null }),
      step: fc.option(percentText(1000, 1), { nil: null }),
      rounding: fc.option(fc.constantFrom(...currency.endings), { nil: null }),
      autoApprove: fc.option(percentText(200), { nil: null }),
      current: minor(),
      cost: fc.option(minor(150_000n), { nil: null }),
      buyBox: fc.option(minor(), { nil: null }),
      buyBoxIsOurs: fc.boolean(),
      lowest: fc.option(minor(), { nil: null }),
      productFloor: fc.option(fc.bigInt({ min: 0n, max: 150_000n }), { nil: null }),
      productCeiling: fc.option(minor(), { nil: null }),
      productMap: fc.option(fc.bigInt({ min: 0n, max: 150_000n }), { nil: null }),
    }).map((g): Scenario => {
      // Keep the rule valid on its own (conflicts inside one rule are a validation error, tested below);
      // conflicts between the rule, the product's bounds, the cost and the step stay in on purpose.
      let { floor, map } = g;
      const ceiling = g.ceiling;
      if (floor !== null && ceiling !== null && floor > ceiling) floor = ceiling;
      if (map !== null && ceiling !== null && map > ceiling) map = ceiling;
      let fixed = g.fixedPrice;
      if (g.kind === 'fixed_price') {
        const lo = [floor, map, 1n].reduce<bigint>((a, b) => (b !== null && b > a ? b : a), 1n);
        if (fixed < lo) fixed = lo;
        if (ceiling !== null && fixed > ceiling) fixed = ceiling;
      }
      const params =
        g.kind === 'beat_lowest_amount' ? { amount: amount(g.beatAmount) }
        : g.kind === 'beat_lowest_percent' ? { percent: g.beatPercent }
        : g.kind === 'fixed_price' ? { price: amount(fixed) }
        : {};
      return {
        currency: g.currency,
        rule: {
          id: 'rule',
          name: 'Generated',
          scope: 'shop',
          kind: g.kind,
          params,
          currency: currency.code,
          floorAmount: floor === null ? null : amount(floor),
          ceilingAmount: ceiling === null ? null : amount(ceiling),
          mapAmount: map === null ? null : amount(map),
          minMarginPercent: g.margin,
          maxStepPercent: g.step,
          rounding: g.rounding,
          autoApproveMaxPercent: g.autoApprove,
        },
        listing: {
          id: 'listing',
          currentPrice: m(g.current),
          cost: g.cost === null ? null : m(g.cost),
          bounds: {
            floor: g.productFloor === null ? null : m(g.productFloor),
            ceiling: g.productCeiling === null ? null : m(g.productCeiling),
            map: g.productMap === null ? null : m(g.productMap),
          },
          competition: {
            buyBox: g.buyBox === null ? null : m(g.buyBox),
            buyBoxIsOurs: g.buyBoxIsOurs,
            lowestOffer: g.lowest === null ? null : m(g.lowest),
          },
        },
      };
    });
  });

const minorOf = (value: Money | null | undefined) => (value ? toMinorUnits(value) : null);

/** The guardrails recomputed from the raw inputs: each is a predicate on a price in minor units. */
function oracle({ rule, listing }: Scenario) {
  const ruleAmount = (text: string | null | undefined) =>
    text ? toMinorUnits({ amount: text, currency: listing.currentPrice!.currency }) : null;
  const floor = minorOf(listing.bounds?.floor) ?? ruleAmount(rule.floorAmount);
  const ceiling = minorOf(listing.bounds?.ceiling) ?? ruleAmount(rule.ceilingAmount);
  const map = minorOf(listing.bounds?.map) ?? ruleAmount(rule.mapAmount);
  const current = minorOf(listing.currentPrice)!;
  const cost = minorOf(listing.cost);
  const margin = rule.minMarginPercent ? parsePercent(rule.minMarginPercent) : null;
  const step = rule.maxStepPercent ? parsePercent(rule.maxStepPercent) : null;
  const checks: Array<[string, (p: bigint) => boolean]> = [['positive', (p) => p > 0n]];
  if (floor !== null) checks.push(['floor', (p) => p >= floor]);
  if (ceiling !== null) checks.push(['ceiling', (p) => p <= ceiling]);
  if (map !== null) checks.push(['map', (p) => p >= map]);
  // price >= cost * (1 + m): exactly, as p * d >= cost * (d + n)
  if (margin && cost !== null) checks.push(['margin', (p) => p * margin.denominator >= cost * (margin.denominator + margin.numerator)]);
  // |p - current| <= current * s: exactly, as |p - current| * d <= current * n
  if (step) {
    checks.push(['step', (p) => (p > current ? p - current : current - p) * step.denominator <= current * step.numerator]);
  }
  const violations = (price: bigint) => checks.filter(([, ok]) => !ok(price)).map(([name]) => name);
  // The allowed prices form one interval; find its ends by the same exact predicates.
  const lowerCandidates = [1n, floor, map, margin && cost !== null ? ceilDiv(cost * (margin.denominator + margin.numerator), margin.denominator) : null,
    step ? current - (current * step.numerator) / step.denominator : null];
  const upperCandidates = [ceiling, step ? current + (current * step.numerator) / step.denominator : null];
  const lo = lowerCandidates.reduce<bigint>((a, b) => (b !== null && b > a ? b : a), 1n);
  const hi = upperCandidates.reduce<bigint | null>((a, b) => (b === null ? a : a === null || b < a ? b : a), null);
  return { violations, lo, hi, feasible: hi === null || lo <= hi, current, needsCost: margin !== null && cost === null };
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

function finalPrice(outcome: PolicyOutcome): bigint | null {
  if (outcome.status === 'suggest') return toMinorUnits(outcome.suggested);
  if (outcome.status === 'no_change') return toMinorUnits(outcome.current);
  return null;
}

describe('policy engine guardrails (property tests)', () => {
  it('never suggests a price outside the floor, ceiling, margin over cost, MAP or step limit', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const outcome = evaluateWithRule(compileRule(s.rule), s.listing);
        const price = finalPrice(outcome);
        if (price === null) return;
        expect(oracle(s).violations(price)).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  it('blocks only when the guardrails truly exclude every price, and suggests whenever one is possible', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const outcome = evaluateWithRule(compileRule(s.rule), s.listing);
        const o = oracle(s);
        if (outcome.status === 'blocked') {
          if (outcome.reason === 'missing_cost') expect(o.needsCost).toBe(true);
          else expect(o.feasible).toBe(false);
          // Blocked outcomes name what conflicts.
          expect(outcome.explanation.summary).toMatch(/Blocked\. /);
        } else if (outcome.status === 'skipped') {
          expect(['no_buy_box', 'no_lowest_offer', 'buy_box_is_ours']).toContain(outcome.reason);
        } else {
          expect(o.feasible).toBe(true);
          expect(o.needsCost).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('rounds to the ending whenever a price with that ending fits the guardrails, and says so when none does', () => {
    fc.assert(
      fc.property(
        scenario.filter((s) => Boolean(s.rule.rounding)),
        (s) => {
          const outcome = evaluateWithRule(compileRule(s.rule), s.listing);
          const price = finalPrice(outcome);
          if (price === null) return;
          const { explanation } = outcome;
          const ending = s.rule.rounding!;
          const grid = endingGrid(ending, s.currency.scale);
          if (explanation.rounding && 'skipped' in explanation.rounding) {
            // No price with the ending lies between the guardrails' ends.
            const o = oracle(s);
            const firstAtOrAbove = o.lo + ((((grid.residue - o.lo) % grid.modulus) + grid.modulus) % grid.modulus);
            expect(o.hi).not.toBeNull();
            expect(firstAtOrAbove > o.hi!).toBe(true);
          } else if (outcome.status === 'suggest') {
            expect(price % grid.modulus).toBe(grid.residue);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('approves automatically exactly the moves within the rule\'s threshold', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const outcome = evaluateWithRule(compileRule(s.rule), s.listing);
        if (outcome.status !== 'suggest') return;
        const from = toMinorUnits(outcome.current);
        const to = toMinorUnits(outcome.suggested);
        const move = to > from ? to - from : from - to;
        const limit = s.rule.autoApproveMaxPercent ? parsePercent(s.rule.autoApproveMaxPercent) : null;
        const expected = limit !== null && move * limit.denominator <= from * limit.numerator;
        expect(outcome.autoApprove).toBe(expected);
      }),
      { numRuns: 1500 },
    );
  });

  it('explains every suggestion: the rule, its target, and the guardrail that clamped it', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const outcome = evaluateWithRule(compileRule(s.rule), s.listing);
        if (outcome.status !== 'suggest') return;
        const e = outcome.explanation;
        expect(e.rule?.id).toBe('rule');
        expect(e.summary).toContain('Rule “Generated”');
        expect(e.result?.amount).toBe(outcome.suggested.amount);
        const target = toMinorUnits({ amount: e.target!.amount, currency: s.currency.code });
        const o = oracle(s);
        const targetAllowed = o.violations(target).length === 0;
        // A clamp is reported exactly when the rule's own price broke a guardrail.
        expect(e.clamp === null).toBe(targetAllowed);
        // The explanation is plain JSON: it survives a round trip unchanged.
        expect(JSON.parse(JSON.stringify(e))).toEqual(e);
      }),
      { numRuns: 1000 },
    );
  });

  it('a beat-the-lowest rule never ends above the lowest offer unless a guardrail or the ending demanded it', () => {
    fc.assert(
      fc.property(
        scenario.filter((s) => s.rule.kind === 'beat_lowest_amount' || s.rule.kind === 'beat_lowest_percent'),
        (s) => {
          const outcome = evaluateWithRule(compileRule(s.rule), s.listing);
          if (outcome.status !== 'suggest') return;
          const e = outcome.explanation;
          const roundedUp = e.rounding !== null && !('skipped' in e.rounding) && e.rounding.direction === 'up';
          if (e.clamp === null && !roundedUp) {
            expect(toMinorUnits(outcome.suggested)).toBeLessThan(toMinorUnits(s.listing.competition!.lowestOffer!));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('rule validation (property tests)', () => {
  it('refuses a rule exactly when its own guardrails contradict each other', () => {
    fc.assert(
      fc.property(
        fc.option(fc.bigInt({ min: 0n, max: 10_000n }), { nil: null }),
        fc.option(fc.bigInt({ min: 1n, max: 10_000n }), { nil: null }),
        fc.option(fc.bigInt({ min: 0n, max: 10_000n }), { nil: null }),
        (floor, ceiling, map) => {
          const text = (v: bigint | null) => (v === null ? null : fromMinorUnits(v, 'USD').amount);
          const input: PricingRuleInput = {
            id: 'r', name: 'R', scope: 'shop', kind: 'match_buy_box', params: {}, currency: 'USD',
            floorAmount: text(floor), ceilingAmount: text(ceiling), mapAmount: text(map),
          };
          const contradiction = ceiling !== null && ((floor !== null && floor > ceiling) || (map !== null && map > ceiling));
          if (contradiction) {
            const error = (() => { try { compileRule(input); } catch (e) { return e; } return null; })();
            expect(error).toBeInstanceOf(ValidationError);
            const codes = (error as ValidationError).errors.map((e) => e.code);
            expect(codes.some((c) => c === 'floor_above_ceiling' || c === 'map_above_ceiling')).toBe(true);
          } else {
            expect(() => compileRule(input)).not.toThrow();
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('picks the most specific rule: product, then collection or tag by priority, then the shop default', () => {
    const rule = (id: string, scope: string, extra: Partial<PricingRuleInput> = {}) =>
      compileRule({ id, name: id, scope, kind: 'match_buy_box', params: {}, ...extra });
    fc.assert(
      fc.property(
        fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 }),
        (hasProduct, hasCollection, hasTag, hasShop, collectionPriority, tagPriority) => {
          const rules = [
            ...(hasProduct ? [rule('product', 'product', { productLinkId: 'link-1' })] : []),
            ...(hasCollection ? [rule('collection', 'collection', { scopeValue: 'gid://shopify/Collection/1', priority: collectionPriority })] : []),
            ...(hasTag ? [rule('tag', 'tag', { scopeValue: 'Sale', priority: tagPriority })] : []),
            ...(hasShop ? [rule('shop', 'shop')] : []),
            // Rules for other products, collections and tags never apply.
            rule('other-product', 'product', { productLinkId: 'link-2', priority: 9 }),
            rule('other-tag', 'tag', { scopeValue: 'clearance', priority: 9 }),
          ];
          const chosen = new RuleIndex(rules.reverse()).select({
            productLinkId: 'link-1', collectionIds: ['gid://shopify/Collection/1'], tags: ['sale'],
          });
          const expected = hasProduct ? 'product'
            : hasCollection && hasTag ? (tagPriority > collectionPriority ? 'tag' : collectionPriority > tagPriority ? 'collection' : 'collection')
            : hasCollection ? 'collection' : hasTag ? 'tag' : hasShop ? 'shop' : null;
          expect(chosen?.id ?? null).toBe(expected);
        },
      ),
    );
  });
});

/** Prices ending in `ending` are residue + k * modulus: ".99" on USD is 99 + k * 100; ".5" on KWD pads to ".500". */
function endingGrid(ending: string, scale: number): { residue: bigint; modulus: bigint } {
  const [intDigits = '', fracDigits = ''] = ending.split('.');
  const digits = `${intDigits}${fracDigits.padEnd(scale, '0')}`;
  return { residue: BigInt(digits || '0'), modulus: 10n ** BigInt(digits.length) };
}
