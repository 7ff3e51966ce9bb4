// The policy engine on worked examples: each rule kind, each guardrail clamping, rounding that gives
// way to a guardrail, conflicts, and the words a merchant reads.
import { money, ValidationError, type CompetitiveOffer } from '@calibr/shared-contracts';
import { describe, expect, it } from 'vitest';
import {
  compileRule,
  evaluateCatalog,
  evaluateWithRule,
  validateRule,
  type ListingContext,
  type PolicyOutcome,
  type PricingRuleInput,
} from '../../app/pricing/policy';

const usd = (amount: string) => money(amount, 'USD');
const rule = (extra: Partial<PricingRuleInput>): PricingRuleInput => ({
  id: 'r1',
  name: 'Beat by 50c',
  scope: 'shop',
  kind: 'beat_lowest_amount',
  params: { amount: '0.50' },
  currency: 'USD',
  ...extra,
});
const listing = (extra: Partial<ListingContext>): ListingContext => ({
  id: 'l1',
  currentPrice: usd('20.00'),
  competition: { lowestOffer: usd('19.00'), buyBox: usd('19.50') },
  ...extra,
});

function suggested(outcome: PolicyOutcome): string {
  if (outcome.status !== 'suggest') throw new Error(`expected a suggestion, got ${outcome.status}: ${outcome.explanation.summary}`);
  return outcome.suggested.amount;
}

describe('rule kinds', () => {
  it('beats the lowest offer by an amount, and says what moved and which rule', () => {
    const outcome = evaluateWithRule(
      compileRule(rule({})),
      listing({ trigger: { kind: 'lowest_offer_moved', platform: 'amazon', from: '21.00', to: '19.00' } }),
    );
    expect(suggested(outcome)).toBe('18.50');
    expect(outcome.explanation.summary).toBe(
      'The lowest offer moved on Amazon ($21.00 → $19.00). Rule “Beat by 50c” (shop default) asks to beat the lowest offer, $19.00, by $0.50: $18.50. Suggested $18.50 (-7.50 %).',
    );
    expect(outcome.explanation.clamp).toBeNull();
  });

  it('beats by a percentage, rounding down so the undercut holds', () => {
    const outcome = evaluateWithRule(compileRule(rule({ kind: 'beat_lowest_percent', params: { percent: '3' } })), listing({ competition: { lowestOffer: usd('19.99') } }));
    // 19.99 * 0.97 = 19.3903 -> 19.39
    expect(suggested(outcome)).toBe('19.39');
  });

  it('matches the Buy Box, and skips (with the reason) when nobody holds it', () => {
    const r = compileRule(rule({ kind: 'match_buy_box', params: {} }));
    expect(suggested(evaluateWithRule(r, listing({})))).toBe('19.50');
    const none = evaluateWithRule(r, listing({ competition: { buyBox: null, lowestOffer: usd('18.00') } }));
    expect(none).toMatchObject({ status: 'skipped', reason: 'no_buy_box' });
    expect(none.explanation.summary).toContain('suggests no new price. Nobody holds the Buy Box in the latest reading, so there is no price to match.');
  });

  it('holds a fixed price whatever the market does', () => {
    const outcome = evaluateWithRule(compileRule(rule({ kind: 'fixed_price', params: { price: '24.00' } })), listing({ competition: null }));
    expect(suggested(outcome)).toBe('24.00');
  });

  it('reports no change when the price already is what the rule asks', () => {
    const outcome = evaluateWithRule(compileRule(rule({ kind: 'fixed_price', params: { price: '20.00' } })), listing({}));
    expect(outcome.status).toBe('no_change');
  });
});

describe('our own offers', () => {
  // Amazon lists our offer among the others and its lowest price counts it: here ours (18.00) is the
  // lowest, Amazon's lowest price says 18.00, the lowest competitor is at 19.00.
  const offer = (sellerId: string, amount: string, extra: Partial<CompetitiveOffer> = {}): CompetitiveOffer => ({
    sellerId, isOurs: sellerId === 'AOURS', fulfillment: 'MFN', landed: usd(amount), isBuyBoxWinner: false, ...extra,
  });
  const market = (offers: CompetitiveOffer[]): ListingContext['competition'] => {
    const winner = offers.find((o) => o.isBuyBoxWinner);
    return { lowestOffer: offers[0]!.landed, buyBox: winner?.landed ?? null, buyBoxIsOurs: winner ? winner.isOurs : null, offers };
  };

  it('beats the lowest competing offer, not ours, and names the competitor', () => {
    const competition = market([offer('AOURS', '18.00', { fulfillment: 'AFN', isBuyBoxWinner: true }), offer('ARIVAL', '19.00')]);
    const outcome = evaluateWithRule(compileRule(rule({})), listing({ currentPrice: usd('18.00'), competition }));
    expect(suggested(outcome)).toBe('18.50');
    expect(outcome.explanation.summary).toBe(
      'Rule “Beat by 50c” (shop default) asks to beat the lowest offer, $19.00, by $0.50 (seller ARIVAL, fulfilled by the seller, $19.00 with shipping): $18.50. Suggested $18.50 (+2.78 %).',
    );
    expect(outcome.explanation.target?.competitor).toEqual({ role: 'lowest_offer', sellerId: 'ARIVAL', fulfillment: 'MFN', landed: '19.00' });
    expect(outcome.explanation.inputs).toMatchObject({ lowestOffer: '19.00', buyBoxIsOurs: true });
  });

  it('holds when only our own offers are left, and says so', () => {
    const competition = market([offer('AOURS', '18.00', { isBuyBoxWinner: true }), offer('AOURS', '18.40')]);
    for (const kind of ['beat_lowest_amount', 'beat_lowest_percent'] as const) {
      const outcome = evaluateWithRule(compileRule(rule({ kind, params: kind === 'beat_lowest_amount' ? { amount: '0.50' } : { percent: '2' } })), listing({ currentPrice: usd('18.00'), competition }));
      expect(outcome).toMatchObject({ status: 'skipped', reason: 'no_competitor' });
      expect(outcome.explanation.summary).toContain('The latest reading lists only your own offers: nobody else sells this product, so there is no offer to beat. The price stays as it is.');
    }
  });

  it('never matches a Buy Box we hold, and matches a competitor’s naming it', () => {
    const r = compileRule(rule({ kind: 'match_buy_box', params: {} }));
    const ours = evaluateWithRule(r, listing({ competition: market([offer('AOURS', '18.00', { isBuyBoxWinner: true }), offer('ARIVAL', '17.00')]) }));
    expect(ours).toMatchObject({ status: 'skipped', reason: 'buy_box_is_ours' });
    expect(ours.explanation.summary).toContain('You hold the Buy Box yourself, so there is no competitor’s price to match.');
    const theirs = evaluateWithRule(r, listing({ competition: market([offer('ARIVAL', '19.50', { fulfillment: 'AFN', isBuyBoxWinner: true }), offer('AOURS', '20.00')]) }));
    expect(suggested(theirs)).toBe('19.50');
    expect(theirs.explanation.summary).toContain('match the Buy Box at $19.50 (seller ARIVAL, fulfilled by Amazon, $19.50 with shipping)');
  });

  it('with two Buy Box winners (Prime and not), reads the one at the Buy Box price', () => {
    const r = compileRule(rule({ kind: 'match_buy_box', params: {} }));
    const offers = [offer('AOURS', '18.00', { fulfillment: 'AFN', isBuyBoxWinner: true }), offer('ARIVAL', '18.50', { isBuyBoxWinner: true })];
    const atOurs = evaluateWithRule(r, listing({ competition: { buyBox: usd('18.00'), offers } }));
    expect(atOurs).toMatchObject({ status: 'skipped', reason: 'buy_box_is_ours' });
    const atTheirs = evaluateWithRule(r, listing({ competition: { buyBox: usd('18.50'), offers } }));
    expect(suggested(atTheirs)).toBe('18.50');
    expect(atTheirs.explanation.target?.competitor).toMatchObject({ role: 'buy_box', sellerId: 'ARIVAL' });
  });
});

describe('guardrails', () => {
  it('the floor clamps, and the explanation names it', () => {
    const outcome = evaluateWithRule(compileRule(rule({ floorAmount: '19.00' })), listing({}));
    expect(suggested(outcome)).toBe('19.00');
    expect(outcome.explanation.clamp).toMatchObject({ guardrail: 'floor', from: '18.50', to: '19.00' });
    expect(outcome.explanation.summary).toContain('The floor moved it to $19.00.');
  });

  it('the minimum margin over cost clamps, rounded up to a whole cent', () => {
    // cost 16.01 + 20 % = 19.212 -> 19.22 (19.21 would be below the margin)
    const outcome = evaluateWithRule(compileRule(rule({ minMarginPercent: '20' })), listing({ cost: usd('16.01') }));
    expect(suggested(outcome)).toBe('19.22');
    expect(outcome.explanation.clamp?.guardrail).toBe('margin');
    expect(outcome.explanation.limits).toContainEqual({ guardrail: 'margin', side: 'lower', amount: '19.22', source: 'cost $16.01 plus 20 %' });
  });

  it('MAP clamps like a floor; the product\'s own MAP replaces the rule\'s', () => {
    const r = compileRule(rule({ mapAmount: '19.25' }));
    expect(suggested(evaluateWithRule(r, listing({})))).toBe('19.25');
    const own = evaluateWithRule(r, listing({ bounds: { map: usd('18.75') } }));
    expect(suggested(own)).toBe('18.75');
    expect(own.explanation.limits.find((l) => l.guardrail === 'map')?.source).toBe('product');
  });

  it('the step limit caps a move both ways', () => {
    const down = evaluateWithRule(compileRule(rule({ maxStepPercent: '5' })), listing({ competition: { lowestOffer: usd('10.00') } }));
    expect(suggested(down)).toBe('19.00');
    expect(down.explanation.clamp).toMatchObject({ guardrail: 'step_down' });
    const up = evaluateWithRule(compileRule(rule({ kind: 'fixed_price', params: { price: '30.00' }, maxStepPercent: '5' })), listing({}));
    expect(suggested(up)).toBe('21.00');
  });

  it('names every guardrail the rule\'s price broke, and the one that decided', () => {
    const outcome = evaluateWithRule(
      compileRule(rule({ floorAmount: '15.00', mapAmount: '16.00', minMarginPercent: '10' })),
      listing({ cost: usd('16.00'), competition: { lowestOffer: usd('12.00') } }),
    );
    expect(suggested(outcome)).toBe('17.60');
    expect(outcome.explanation.clamp).toMatchObject({ guardrail: 'margin', alsoViolated: ['floor', 'map'] });
  });

  it('blocks, naming both sides, when the margin over a new cost is above the ceiling', () => {
    const outcome = evaluateWithRule(compileRule(rule({ ceilingAmount: '25.00', minMarginPercent: '30' })), listing({ cost: usd('20.00') }));
    expect(outcome).toMatchObject({ status: 'blocked', reason: 'guardrail_conflict' });
    expect(outcome.explanation.conflict).toMatchObject({ lower: { guardrail: 'margin', amount: '26.00' }, upper: { guardrail: 'ceiling', amount: '25.00' } });
    expect(outcome.explanation.summary).toContain('Blocked. The minimum margin price of $26.00 (cost $20.00 plus 30 %) is above the rule’s ceiling of $25.00, so no price respects both.');
  });

  it('blocks when the floor is more than one step away, instead of breaking either', () => {
    const outcome = evaluateWithRule(compileRule(rule({ floorAmount: '25.00', maxStepPercent: '10' })), listing({}));
    expect(outcome).toMatchObject({ status: 'blocked', reason: 'guardrail_conflict' });
    expect(outcome.explanation.conflict?.upper.guardrail).toBe('step_up');
  });

  it('blocks when a margin is required but the product has no cost', () => {
    const outcome = evaluateWithRule(compileRule(rule({ minMarginPercent: '15' })), listing({}));
    expect(outcome).toMatchObject({ status: 'blocked', reason: 'missing_cost' });
    expect(outcome.explanation.summary).toContain('Blocked. The rule keeps a minimum margin of 15 % over cost, but this product has no cost. Import or enter its cost.');
  });
});

describe('rounding', () => {
  it('rounds a competitive price down to the ending so it still undercuts', () => {
    expect(suggested(evaluateWithRule(compileRule(rule({ rounding: '.99' })), listing({})))).toBe('17.99');
  });

  it('gives way to the floor: rounds up instead, and explains why', () => {
    const outcome = evaluateWithRule(compileRule(rule({ rounding: '.99', floorAmount: '18.25' })), listing({}));
    expect(suggested(outcome)).toBe('18.99');
    expect(outcome.explanation.rounding).toMatchObject({ direction: 'up', note: 'rounding down to $17.99 would leave the allowed range, at $18.25 or above' });
  });

  it('is skipped, never breaking a guardrail, when no price with the ending fits', () => {
    const outcome = evaluateWithRule(compileRule(rule({ rounding: '.99', floorAmount: '18.25', ceilingAmount: '18.90' })), listing({}));
    expect(suggested(outcome)).toBe('18.50');
    expect(outcome.explanation.rounding).toMatchObject({ skipped: true });
    expect(outcome.explanation.summary).toContain('Not rounded to .99: no price ending in .99 lies between $18.25 and $18.90, so it stays at $18.50.');
  });

  it('works in a currency without minor units (JPY ending 80)', () => {
    const outcome = evaluateWithRule(
      compileRule(rule({ currency: 'JPY', params: { amount: '50' }, rounding: '80' })),
      { id: 'jp', currentPrice: money('1500', 'JPY'), competition: { lowestOffer: money('1450', 'JPY') } },
    );
    expect(suggested(outcome)).toBe('1380');
  });

  it('a fixed price rounds to the nearest ending', () => {
    const outcome = evaluateWithRule(compileRule(rule({ kind: 'fixed_price', params: { price: '24.10' }, rounding: '.99' })), listing({}));
    expect(suggested(outcome)).toBe('23.99');
  });
});

describe('auto-approve', () => {
  it('lets small moves through and holds big ones for the merchant', () => {
    const r = compileRule(rule({ autoApproveMaxPercent: '5' }));
    const small = evaluateWithRule(r, listing({ competition: { lowestOffer: usd('19.50') } })); // 19.00: -5 %
    const big = evaluateWithRule(r, listing({ competition: { lowestOffer: usd('19.49') } })); // 18.99: -5.05 %
    expect(small).toMatchObject({ status: 'suggest', autoApprove: true });
    expect(big).toMatchObject({ status: 'suggest', autoApprove: false });
    expect(evaluateWithRule(compileRule(rule({})), listing({}))).toMatchObject({ autoApprove: false });
  });
});

describe('competition not read yet', () => {
  const kinds: Array<Partial<PricingRuleInput>> = [
    {},
    { kind: 'beat_lowest_percent', params: { percent: '2' } },
    { kind: 'match_buy_box', params: {} },
    { kind: 'win_buy_box', params: {}, noCompetitionAmount: '30.00' },
  ];

  it('skips every competitive rule with its own reason while the first reading is on its way, never "nobody competes"', () => {
    for (const kind of kinds) {
      const outcome = evaluateWithRule(compileRule(rule(kind)), listing({ competition: null, readingPending: true }));
      expect(outcome, kind.kind).toMatchObject({ status: 'skipped', reason: 'not_read_yet' });
      expect(outcome.explanation.summary).toBe('Rule “Beat by 50c” (shop default) suggests no new price. Competitor prices have not been read yet: reading them now. The price stays as it is until they are.');
      expect(outcome.explanation.summary).not.toMatch(/no (competing )?offer to beat|nobody else sells/);
      expect(outcome.explanation.inputs.readAt).toBeNull();
    }
  });

  it('tells "never read, nothing reads it" and "read: only our own offers" apart from "reading now"', () => {
    const beat = compileRule(rule({}));
    const never = evaluateWithRule(beat, listing({ competition: null }));
    expect(never).toMatchObject({ status: 'skipped', reason: 'no_lowest_offer' });
    expect(never.explanation.summary).toContain('Competitor prices are not read for this product, so there is no offer to beat.');
    const ours = { sellerId: 'AOURS', isOurs: true, fulfillment: 'MFN' as const, landed: usd('20.00'), isBuyBoxWinner: false };
    const onlyOurs = evaluateWithRule(beat, listing({ competition: { offers: [ours], observedAt: '2026-12-07T10:00:00.000Z' }, readingPending: false }));
    expect(onlyOurs).toMatchObject({ status: 'skipped', reason: 'no_competitor' });
    expect(onlyOurs.explanation.summary).toContain('nobody else sells this product');
    // A reading that arrived wins over a stale "pending": the facts read are what counts.
    const read = evaluateWithRule(beat, listing({ competition: { lowestOffer: usd('19.00'), observedAt: '2026-12-07T10:00:00.000Z' }, readingPending: true }));
    expect(suggested(read)).toBe('18.50');
  });

  it('a fixed price needs no reading: it prices while the competition is being read', () => {
    const outcome = evaluateWithRule(compileRule(rule({ kind: 'fixed_price', params: { price: '21.00' } })), listing({ competition: null, readingPending: true }));
    expect(suggested(outcome)).toBe('21.00');
    expect(outcome.explanation.summary).toBe('Rule “Beat by 50c” (shop default) asks to hold the fixed price: $21.00. Suggested $21.00 (+5.00 %).');
  });

  it('every explanation carries when the competition it read was read', () => {
    const at = '2026-12-07T10:12:00.000Z';
    const suggest = evaluateWithRule(compileRule(rule({})), listing({ competition: { lowestOffer: usd('19.00'), observedAt: at } }));
    expect(suggest.explanation.inputs.readAt).toBe(at);
    const skipped = evaluateWithRule(compileRule(rule({ kind: 'match_buy_box', params: {} })), listing({ competition: { buyBox: null, lowestOffer: usd('19.00'), observedAt: at } }));
    expect(skipped).toMatchObject({ status: 'skipped', reason: 'no_buy_box' });
    expect(skipped.explanation.inputs.readAt).toBe(at);
    expect(JSON.parse(JSON.stringify(skipped)).explanation.inputs.readAt).toBe(at);
  });
});

describe('safety', () => {
  it('never compares prices in different currencies', () => {
    const outcome = evaluateWithRule(compileRule(rule({})), listing({ competition: { lowestOffer: money('17.00', 'EUR') } }));
    expect(outcome).toMatchObject({ status: 'skipped', reason: 'currency_mismatch' });
    expect(outcome.explanation.summary).toContain('the lowest offer is in EUR');
  });

  it('does not suggest for a listing without a price', () => {
    expect(evaluateWithRule(compileRule(rule({})), listing({ currentPrice: null }))).toMatchObject({ status: 'skipped', reason: 'no_current_price' });
  });

  it('serializes outcomes as plain JSON with their explanation', () => {
    const [outcome] = evaluateCatalog([compileRule(rule({}))], [listing({})]);
    const json = JSON.parse(JSON.stringify(outcome));
    expect(json).toMatchObject({ status: 'suggest', id: 'l1', ruleId: 'r1', suggested: { amount: '18.50', currency: 'USD' }, changePercent: '-7.50' });
    expect(json.explanation.summary).toContain('Suggested $18.50 (-7.50 %).');
    expect(json).not.toHaveProperty('listing');
  });
});

describe('rule validation', () => {
  it('reports every problem at once, by field', () => {
    const errors = validateRule({
      id: 'x', name: ' ', scope: 'tag', kind: 'beat_lowest_percent', params: { percent: '100' }, currency: 'USD',
      floorAmount: '10.00', ceilingAmount: '5.00', mapAmount: '6.00', maxStepPercent: '0', rounding: '.999', minMarginPercent: '-1',
    });
    expect(errors.map((e) => [e.path, e.code])).toEqual([
      ['name', 'required'],
      ['scopeValue', 'required'],
      ['params.percent', 'out_of_range'],
      ['minMarginPercent', 'out_of_range'],
      ['maxStepPercent', 'out_of_range'],
      ['floorAmount', 'floor_above_ceiling'],
      ['mapAmount', 'map_above_ceiling'],
      ['rounding', 'invalid_rounding'],
    ]);
  });

  it('refuses floats, a missing currency, and a fixed price outside its own bounds', () => {
    expect(validateRule(rule({ params: { amount: 0.5 } }))).toContainEqual(expect.objectContaining({ path: 'params.amount', code: 'invalid_amount' }));
    expect(validateRule(rule({ currency: null }))).toContainEqual(expect.objectContaining({ path: 'currency', code: 'required' }));
    expect(validateRule(rule({ kind: 'fixed_price', params: { price: '9.00' }, floorAmount: '10.00' }))).toContainEqual(
      expect.objectContaining({ path: 'params.price', code: 'outside_bounds' }),
    );
    expect(() => compileRule(rule({ kind: 'nope' }))).toThrow(ValidationError);
  });

  it('a rule without amounts needs no currency and applies to any', () => {
    const r = compileRule({ id: 'g', name: 'Match', scope: 'shop', kind: 'match_buy_box', params: {}, maxStepPercent: '10' });
    const outcome = evaluateWithRule(r, { id: 'eu', currentPrice: money('20.00', 'EUR'), competition: { buyBox: money('19.00', 'EUR') } });
    expect(suggested(outcome)).toBe('19.00');
  });
});
