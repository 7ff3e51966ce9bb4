// Competitor filters and the Buy Box strategies on worked examples: who is followed and who is ignored
// (and the words for it), win the Buy Box, raise when winning, and "alone".
import { money, type CompetitiveOffer } from '@calibr/shared-contracts';
import { describe, expect, it } from 'vitest';
import { compileRule, evaluateWithRule, type ListingContext, type PolicyOutcome, type PricingRuleInput } from '../../app/pricing/policy';

const usd = (amount: string) => money(amount, 'USD');
const rule = (extra: Partial<PricingRuleInput>): PricingRuleInput => ({
  id: 'r1', name: 'Win', scope: 'shop', kind: 'win_buy_box', params: {}, currency: 'USD', ...extra,
});
const offer = (sellerId: string, amount: string, extra: Partial<CompetitiveOffer> = {}): CompetitiveOffer => ({
  sellerId,
  isOurs: sellerId === 'AOURS',
  fulfillment: 'AFN',
  landed: usd(amount),
  isBuyBoxWinner: false,
  condition: 'new',
  feedback: { percentage: 98, count: 5000 },
  isBuyBoxEligible: true,
  ...extra,
});
const listing = (offers: CompetitiveOffer[], extra: Partial<ListingContext> = {}): ListingContext => {
  const winner = offers.find((o) => o.isBuyBoxWinner) ?? null;
  return {
    id: 'l1',
    currentPrice: usd(offers.find((o) => o.isOurs)?.landed.amount ?? '20.00'),
    competition: { buyBox: winner?.landed ?? null, buyBoxIsOurs: winner ? winner.isOurs : null, offers },
    ...extra,
  };
};
function suggested(outcome: PolicyOutcome): string {
  if (outcome.status !== 'suggest') throw new Error(`expected a suggestion, got ${outcome.status}: ${outcome.explanation.summary}`);
  return outcome.suggested.amount;
}

describe('competitor filters', () => {
  it('follows new offers only by default: a used offer is ignored, and the explanation says why', () => {
    const outcome = evaluateWithRule(
      compileRule(rule({ kind: 'beat_lowest_amount', params: { amount: '0.10' } })),
      listing([offer('AOURS', '20.00'), offer('AUSED', '15.00', { condition: 'used' }), offer('ANEW', '18.00', { isBuyBoxWinner: true })]),
    );
    expect(suggested(outcome)).toBe('17.90');
    const c = outcome.explanation.competitors!;
    expect(c.followed[0]).toMatchObject({ sellerId: 'ANEW', role: 'lowest_offer', landed: '18.00' });
    expect(c.ignored).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sellerId: 'AUSED', reason: 'its condition is used, and the rule follows new offers only' }),
        expect.objectContaining({ sellerId: 'AOURS', reason: 'your own offer' }),
      ]),
    );
    expect(outcome.explanation.summary).toContain('seller ANEW, fulfilled by Amazon, $18.00 with shipping');
  });

  it('condition any follows the used offer', () => {
    const outcome = evaluateWithRule(
      compileRule(rule({ kind: 'beat_lowest_amount', params: { amount: '0.10' }, filters: { condition: 'any' } })),
      listing([offer('AOURS', '20.00'), offer('AUSED', '15.00', { condition: 'used' }), offer('ANEW', '18.00')]),
    );
    expect(suggested(outcome)).toBe('14.90');
  });

  it('minimum feedback: an 84 % seller is not followed; a seller without feedback fails, Amazon itself passes', () => {
    const r = compileRule(rule({ kind: 'beat_lowest_amount', params: { amount: '0.10' }, filters: { minFeedbackPercent: 90, minFeedbackCount: 100 } }));
    const outcome = evaluateWithRule(
      r,
      listing([
        offer('AOURS', '20.00'),
        offer('ALOWFB', '15.00', { feedback: { percentage: 84, count: 900 } }),
        offer('ANOFB', '16.00', { feedback: undefined }),
        offer('AFEW', '16.50', { feedback: { percentage: 99, count: 12 } }),
        offer('ATVPDKIKX0DER', '17.00', { feedback: undefined }),
        offer('AGOOD', '18.00'),
      ]),
    );
    expect(suggested(outcome)).toBe('16.90');
    const reasons = Object.fromEntries(outcome.explanation.competitors!.ignored.map((i) => [i.sellerId, i.reason]));
    expect(reasons.ALOWFB).toBe('the seller’s feedback, 84 % positive, is below the rule’s minimum of 90 %');
    expect(reasons.ANOFB).toBe('Amazon reports no feedback for this seller, and the rule asks for at least 90 % positive');
    expect(reasons.AFEW).toBe('the seller has 12 ratings, fewer than the rule’s minimum of 100');
    expect(outcome.explanation.competitors!.followed.map((f) => f.sellerId)).toEqual(['ATVPDKIKX0DER', 'AGOOD']);
  });

  it('fulfilment, Prime, Buy Box eligibility and excluded sellers', () => {
    const offers = [
      offer('AOURS', '20.00'),
      offer('AMFN', '15.00', { fulfillment: 'MFN', isPrime: false }),
      offer('ANOTPRIME', '15.50', { isPrime: false }),
      offer('ANOTELIGIBLE', '16.00', { isBuyBoxEligible: false }),
      offer('AEXCLUDED', '16.50'),
      offer('AOK', '18.00'),
    ];
    const outcome = evaluateWithRule(
      compileRule(rule({ kind: 'beat_lowest_amount', params: { amount: '0.10' }, filters: { fulfillment: 'AFN', primeOnly: true, buyBoxEligibleOnly: true, excludedSellerIds: ['AEXCLUDED'] } })),
      listing(offers),
    );
    expect(suggested(outcome)).toBe('17.90');
    const reasons = Object.fromEntries(outcome.explanation.competitors!.ignored.map((i) => [i.sellerId, i.reason]));
    expect(reasons).toMatchObject({
      AMFN: 'the seller ships it, and the rule follows offers fulfilled by Amazon only',
      ANOTPRIME: 'it is not a Prime offer, and the rule follows Prime offers only',
      ANOTELIGIBLE: 'Amazon says this offer can’t win the Buy Box',
      AEXCLUDED: 'the rule excludes this seller',
    });
  });

  it('ignore below floor: an offer under our floor is not followed down; the next one above it is', () => {
    const r = compileRule(rule({ kind: 'beat_lowest_amount', params: { amount: '0.10' }, floorAmount: '16.00', filters: { ignoreBelowFloor: true } }));
    const outcome = evaluateWithRule(r, listing([offer('AOURS', '20.00'), offer('ACHEAP', '12.00'), offer('ANEXT', '18.00')]));
    expect(suggested(outcome)).toBe('17.90');
    expect(outcome.explanation.competitors!.ignored).toContainEqual(expect.objectContaining({ sellerId: 'ACHEAP', reason: 'its price with shipping, $12.00, is below your floor of $16.00, and the rule does not follow prices down past the floor' }));
    // Without the filter the floor clamps instead.
    const plain = evaluateWithRule(compileRule(rule({ kind: 'beat_lowest_amount', params: { amount: '0.10' }, floorAmount: '16.00' })), listing([offer('AOURS', '20.00'), offer('ACHEAP', '12.00'), offer('ANEXT', '18.00')]));
    expect(suggested(plain)).toBe('16.00');
  });

  it('match the Buy Box skips when the holder is filtered out, naming why', () => {
    const outcome = evaluateWithRule(
      compileRule(rule({ kind: 'match_buy_box', filters: { excludedSellerIds: ['AHOLDER'] } })),
      listing([offer('AOURS', '20.00'), offer('AHOLDER', '18.00', { isBuyBoxWinner: true })]),
    );
    expect(outcome).toMatchObject({ status: 'skipped', reason: 'no_buy_box' });
    expect(outcome.explanation.summary).toContain('The rule does not follow the Buy Box holder (the rule excludes this seller), so there is no price to match.');
  });
});

describe('win the Buy Box', () => {
  it('prices one minor unit under the best Buy Box eligible offer, not the lowest of everyone', () => {
    const outcome = evaluateWithRule(
      compileRule(rule({})),
      listing([offer('AOURS', '20.00'), offer('ALOWFB', '15.00', { feedback: { percentage: 84, count: 40 }, isBuyBoxEligible: false }), offer('AHOLDER', '18.00', { isBuyBoxWinner: true })]),
    );
    expect(suggested(outcome)).toBe('17.99');
    expect(outcome.explanation.target).toMatchObject({ competitor: { role: 'buy_box', sellerId: 'AHOLDER' } });
    expect(outcome.explanation.summary).toBe(
      'Rule “Win” (shop default) asks to win the Buy Box by going under the best eligible offer, $18.00, by $0.01 (seller AHOLDER, fulfilled by Amazon, $18.00 with shipping): $17.99. Suggested $17.99 (-10.05 %).',
    );
    expect(outcome.explanation.competitors!.ignored).toContainEqual(expect.objectContaining({ sellerId: 'ALOWFB', reason: 'Amazon says this offer can’t win the Buy Box' }));
  });

  it('takes an amount or a percentage under', () => {
    const offers = [offer('AOURS', '20.00'), offer('AHOLDER', '18.00', { isBuyBoxWinner: true })];
    expect(suggested(evaluateWithRule(compileRule(rule({ params: { amount: '0.25' } })), listing(offers)))).toBe('17.75');
    expect(suggested(evaluateWithRule(compileRule(rule({ params: { percent: '1' } })), listing(offers)))).toBe('17.82');
  });

  it('holds while winning unless the rule raises', () => {
    const offers = [offer('AOURS', '17.00', { isBuyBoxWinner: true }), offer('ANEXT', '18.00')];
    const held = evaluateWithRule(compileRule(rule({})), listing(offers));
    expect(held).toMatchObject({ status: 'skipped', reason: 'buy_box_is_ours' });
    expect(held.explanation.summary).toContain('You hold the Buy Box, and the rule does not raise the price while winning.');
  });
});

describe('raise when winning', () => {
  it('raises toward just under the next competitor who could take the Buy Box, within the step limit', () => {
    const offers = [offer('AOURS', '17.00', { isBuyBoxWinner: true }), offer('ANEXT', '18.00'), offer('AFAR', '25.00')];
    const full = evaluateWithRule(compileRule(rule({ raiseWhenWinning: true })), listing(offers));
    expect(suggested(full)).toBe('17.99');
    expect(full.explanation.target).toMatchObject({ competitor: { role: 'next_above', sellerId: 'ANEXT' } });
    expect(full.explanation.summary).toContain('asks to stay in the Buy Box at the highest price: you hold it, so raise to just under the next competitor who could take it, at $18.00 (seller ANEXT, fulfilled by Amazon, $18.00 with shipping): $17.99.');
    const stepped = evaluateWithRule(compileRule(rule({ raiseWhenWinning: true, maxStepPercent: '2' })), listing(offers));
    expect(suggested(stepped)).toBe('17.34');
    expect(stepped.explanation.clamp?.guardrail).toBe('step_up');
  });

  it('stays under a competitor the filters set aside when Amazon says it may win the Buy Box', () => {
    const offers = [offer('AOURS', '17.00', { isBuyBoxWinner: true }), offer('AEXCLUDED', '17.50'), offer('ANEXT', '18.00')];
    const outcome = evaluateWithRule(compileRule(rule({ raiseWhenWinning: true, filters: { excludedSellerIds: ['AEXCLUDED'] } })), listing(offers));
    expect(suggested(outcome)).toBe('17.49');
  });

  it('works for match the Buy Box too, and holds when nobody is above us', () => {
    const r = compileRule(rule({ kind: 'match_buy_box', raiseWhenWinning: true }));
    expect(suggested(evaluateWithRule(r, listing([offer('AOURS', '17.00', { isBuyBoxWinner: true }), offer('ANEXT', '18.00')])))).toBe('17.99');
    const tie = evaluateWithRule(r, listing([offer('AOURS', '17.00', { isBuyBoxWinner: true }), offer('ATIE', '17.00', { fulfillment: 'MFN' })]));
    expect(tie).toMatchObject({ status: 'skipped', reason: 'buy_box_is_ours' });
  });

  it('rounds a raise only between our price and the competitor, and holds when a guardrail pushes past them', () => {
    // The raise asks 17.99; ending 9.99 offers 9.99 (a cut) or 19.99 (past the competitor at 18.00): neither, kept unrounded.
    const r = compileRule(rule({ raiseWhenWinning: true, rounding: '9.99' }));
    const outcome = evaluateWithRule(r, listing([offer('AOURS', '17.00', { isBuyBoxWinner: true }), offer('ANEXT', '18.00')]));
    expect(suggested(outcome)).toBe('17.99');
    expect(outcome.explanation.rounding).toMatchObject({ skipped: true, reason: 'no price ending in 9.99 lies between your price, $17.00, and just under the competitor, $17.99, so it stays at $17.99' });
    // A floor above the competitor would give the Buy Box away: the price holds.
    const floored = evaluateWithRule(compileRule(rule({ raiseWhenWinning: true, floorAmount: '18.50' })), listing([offer('AOURS', '17.00', { isBuyBoxWinner: true }), offer('ANEXT', '18.00')]));
    expect(floored).toMatchObject({ status: 'skipped', reason: 'buy_box_is_ours' });
    expect(floored.explanation.summary).toContain('would take the price to $18.50, past the competitor at $18.00. The price stays as it is.');
  });
});

describe('alone', () => {
  it('with no eligible competitor, steps toward the no-competition price within the step limit', () => {
    const offers = [offer('AOURS', '20.00', { isBuyBoxWinner: true }), offer('AUSED', '12.00', { condition: 'used' })];
    const outcome = evaluateWithRule(compileRule(rule({ noCompetitionAmount: '30.00', maxStepPercent: '5' })), listing(offers));
    expect(suggested(outcome)).toBe('21.00');
    expect(outcome.explanation.summary).toContain('asks to step toward the rule’s price for when nobody competes, as no competitor the rule follows is left: $30.00. The step limit moved it to $21.00.');
  });

  it('defaults to the ceiling, and holds with a clear reason with neither', () => {
    const offers = [offer('AOURS', '20.00', { isBuyBoxWinner: true })];
    expect(suggested(evaluateWithRule(compileRule(rule({ ceilingAmount: '24.00' })), listing(offers)))).toBe('24.00');
    const held = evaluateWithRule(compileRule(rule({})), listing(offers));
    expect(held).toMatchObject({ status: 'skipped', reason: 'no_competitor' });
    expect(held.explanation.summary).toContain('No competitor the rule follows is left, and the rule sets neither a price for when nobody competes nor a ceiling.');
  });

  it('older rule kinds keep holding alone unless the rule sets a no-competition price', () => {
    const offers = [offer('AOURS', '20.00')];
    const beat = rule({ kind: 'beat_lowest_amount', params: { amount: '0.10' }, ceilingAmount: '24.00' });
    expect(evaluateWithRule(compileRule(beat), listing(offers))).toMatchObject({ status: 'skipped', reason: 'no_competitor' });
    expect(suggested(evaluateWithRule(compileRule({ ...beat, noCompetitionAmount: '22.00' }), listing(offers)))).toBe('22.00');
  });
});
