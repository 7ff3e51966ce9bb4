// Fee-aware floors, the price-war guard, per-channel prices and the validation of every new rule field,
// on worked examples (figures checked by hand in the comments).
import { money, type FeeEstimate } from '@calibr/shared-contracts';
import { describe, expect, it } from 'vitest';
import {
  channelPrices,
  checkManualPrice,
  compileRule,
  evaluateWithRule,
  feeEstimatePrice,
  validateRule,
  type ListingContext,
  type PolicyOutcome,
  type PricingRuleInput,
} from '../../app/pricing/policy';

const usd = (amount: string) => money(amount, 'USD');
const rule = (extra: Partial<PricingRuleInput>): PricingRuleInput => ({
  id: 'r1', name: 'Beat', scope: 'shop', kind: 'beat_lowest_amount', params: { amount: '0.50' }, currency: 'USD', ...extra,
});
const fees = (price: string, referral: string, fba: string | null, extra: Partial<FeeEstimate> = {}): FeeEstimate => {
  const lines = [{ type: 'ReferralFee', amount: usd(referral) }, ...(fba ? [{ type: 'FBAFees', amount: usd(fba) }] : [])];
  const total = lines.reduce((a, l) => a + BigInt(l.amount.amount.replace('.', '')), 0n);
  return { externalId: 'SKU-1', price: usd(price), total: usd(`${total / 100n}.${(total % 100n).toString().padStart(2, '0')}`), fees: lines, estimatedAt: '2026-12-07T10:00:00Z', ...extra };
};
const listing = (extra: Partial<ListingContext>): ListingContext => ({
  id: 'l1', platform: 'amazon', currentPrice: usd('20.00'), cost: usd('10.00'), competition: { lowestOffer: usd('12.00') }, ...extra,
});
function suggested(outcome: PolicyOutcome): string {
  if (outcome.status !== 'suggest') throw new Error(`expected a suggestion, got ${outcome.status}: ${outcome.explanation.summary}`);
  return outcome.suggested.amount;
}
const feeRule = (margin = '10', extra: Partial<PricingRuleInput> = {}) => compileRule(rule({ floorFormula: 'cost_fees_margin', floorMarginPercent: margin, ...extra }));

describe('fee-aware floor', () => {
  it('floors at cost + fees + margin, above the estimate price the referral fee growing in proportion', () => {
    // Fees at 15.00: referral 2.25 (15 %), FBA 3.22. p (1 − 0.15 − 0.10) ≥ 10.00 + 3.22 → p ≥ 17.6267 → 17.63.
    // Check: at 17.63 the referral is 2.64, so 17.63 − 2.64 − 3.22 − 10.00 = 1.77 ≥ 10 % of 17.63.
    const outcome = evaluateWithRule(feeRule(), listing({ fees: fees('15.00', '2.25', '3.22') }));
    expect(suggested(outcome)).toBe('17.63');
    const e = outcome.explanation;
    expect(e.clamp).toMatchObject({ guardrail: 'fee_floor', from: '11.50', to: '17.63' });
    expect(e.limits).toContainEqual({ guardrail: 'fee_floor', side: 'lower', amount: '17.63', source: 'cost $10.00 plus the platform’s fees plus 10 % of the price' });
    expect(e.fees).toEqual({
      price: '15.00',
      total: '5.47',
      lines: [{ type: 'ReferralFee', amount: '2.25' }, { type: 'FBAFees', amount: '3.22' }],
      floor: '17.63',
      formula: 'the lowest price that still leaves 10 % of the price after the cost of $10.00 and the fees; the fees are a referral fee of $2.25 at $15.00, growing in proportion above it, plus $3.22 per unit (estimated at $15.00)',
    });
    expect(e.summary).toContain('The floor after fees moved it to $17.63.');
  });

  it('below the estimate price the fees are taken as estimated (a referral minimum may hold there)', () => {
    // Fees at 20.00: 3.00 + 3.22 = 6.22. p × 0.9 ≥ 16.22 → 18.0222… → 18.03 (below 20.00).
    expect(suggested(evaluateWithRule(feeRule(), listing({ fees: fees('20.00', '3.00', '3.22') })))).toBe('18.03');
  });

  it('Shopify without fees floors at cost + margin only', () => {
    // 10.00 / 0.9 = 11.111… → 11.12
    const outcome = evaluateWithRule(feeRule(), listing({ platform: 'shopify', fees: null }));
    expect(suggested(outcome)).toBe('11.50');
    expect(outcome.explanation.fees).toMatchObject({ floor: '11.12', total: '0.00', lines: [] });
    const tight = evaluateWithRule(feeRule('20'), listing({ platform: 'shopify', fees: null }));
    // 10.00 / 0.8 = 12.50
    expect(suggested(tight)).toBe('12.50');
    expect(tight.explanation.fees?.formula).toContain('no platform fees apply');
  });

  it('blocks without a cost, without fees, and with the fees’ error, never pricing blind', () => {
    expect(evaluateWithRule(feeRule(), listing({ cost: null, fees: fees('15.00', '2.25', '3.22') }))).toMatchObject({ status: 'blocked', reason: 'missing_cost' });
    const missing = evaluateWithRule(feeRule(), listing({ fees: null }));
    expect(missing).toMatchObject({ status: 'blocked', reason: 'fees_unavailable' });
    expect(missing.explanation.summary).toContain('Blocked. Amazon’s fees could not be read (no fee estimate was read for this listing), so the price is held until they can be.');
    const failed = evaluateWithRule(feeRule(), listing({ fees: null, feesError: 'QuotaExceeded: You exceeded your quota' }));
    expect(failed.explanation.summary).toContain('Blocked. Amazon’s fees could not be read (QuotaExceeded: You exceeded your quota), so the price is held until they can be.');
    const errored = evaluateWithRule(feeRule(), listing({ fees: { ...fees('15.00', '2.25', null), total: null, error: { code: 'InvalidParameterValue', message: 'unknown SKU' } } }));
    expect(errored).toMatchObject({ status: 'blocked', reason: 'fees_unavailable' });
    // Amazon's own words for the merchant; its error code stays in the estimate, out of the sentence.
    expect(errored.explanation.summary).toContain('Amazon’s fees could not be read (unknown SKU)');
    expect(errored.explanation.summary).not.toContain('InvalidParameterValue');
    const otherCurrency = evaluateWithRule(feeRule(), listing({ fees: { ...fees('15.00', '2.25', null), price: money('15.00', 'CAD'), total: money('2.25', 'CAD'), fees: [{ type: 'ReferralFee', amount: money('2.25', 'CAD') }] } }));
    expect(otherCurrency).toMatchObject({ status: 'blocked', reason: 'fees_unavailable' });
  });

  it('blocks when the referral share and the margin take the whole price', () => {
    // 15 % referral + 90 % margin > 100 %.
    const outcome = evaluateWithRule(feeRule('90'), listing({ fees: fees('15.00', '2.25', '3.22') }));
    expect(outcome).toMatchObject({ status: 'blocked', reason: 'fee_floor_unreachable' });
  });

  it('an edited price must keep the floor after fees too', () => {
    const l = listing({ fees: fees('15.00', '2.25', '3.22') });
    expect(checkManualPrice(feeRule(), l, usd('17.62'))).toEqual({ ok: false, problems: ['17.62 is below the floor after fees 17.63'] });
    expect(checkManualPrice(feeRule(), l, usd('17.63')).ok).toBe(true);
    expect(checkManualPrice(feeRule(), listing({ fees: null, feesError: 'throttled' }), usd('30.00')).problems).toEqual(['Amazon’s fees could not be read (throttled), so the price is held until they can be.']);
    // The loop's own "fees unavailable: …" reason is not said twice.
    const loop = evaluateWithRule(feeRule(), listing({ fees: null, feesError: 'fees unavailable: the Amazon service is not reachable' }));
    expect(loop.explanation.summary).toContain('Blocked. Amazon’s fees could not be read (the Amazon service is not reachable), so the price is held until they can be.');
  });

  it('the explanation with its fee figures and competitors is plain JSON', () => {
    const outcome = evaluateWithRule(feeRule(), listing({
      fees: fees('15.00', '2.25', '3.22'),
      competition: { offers: [{ sellerId: 'A1', isOurs: false, fulfillment: 'AFN', landed: usd('18.00'), isBuyBoxWinner: true, condition: 'new' }], buyBox: usd('18.00') },
    }));
    const e = outcome.explanation;
    expect(e.competitors?.followed).toHaveLength(1);
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  });

  it('helps the app pick the price to ask fees at: the lowest the floor can be', () => {
    expect(feeEstimatePrice(feeRule(), usd('10.00'))).toEqual(usd('11.12'));
    expect(feeEstimatePrice(compileRule(rule({})), usd('10.00'))).toBeNull();
    expect(feeEstimatePrice(feeRule(), null)).toBeNull();
  });
});

describe('price-war guard', () => {
  const now = '2026-12-07T12:00:00.000Z';
  const at = (minutesAgo: number) => new Date(Date.parse(now) - minutesAgo * 60_000).toISOString();
  const change = (minutesAgo: number) => ({ at: at(minutesAgo), from: '21.00', to: '20.00' });

  it('holds after the day’s changes are used up, and too soon after the last one', () => {
    const perDay = evaluateWithRule(compileRule(rule({ maxChangesPerDay: 3 })), listing({ now, recentChanges: [change(60), change(300), change(1000), change(2000)] }));
    expect(perDay).toMatchObject({ status: 'skipped', reason: 'change_limit' });
    expect(perDay.explanation.summary).toContain('The price already changed 3 times in the last 24 hours, and the rule allows 3 a day. It is held until Dec 7, 19:20 UTC. The rule asked for $11.50.');
    const interval = evaluateWithRule(compileRule(rule({ minIntervalMinutes: 60 })), listing({ now, recentChanges: [change(30)] }));
    expect(interval).toMatchObject({ status: 'skipped', reason: 'change_limit' });
    expect(interval.explanation.summary).toContain('The price last changed 30 min ago, and the rule waits 60 min between changes. It is held until');
    // Within both limits the change goes ahead.
    expect(suggested(evaluateWithRule(compileRule(rule({ maxChangesPerDay: 3, minIntervalMinutes: 60 })), listing({ now, recentChanges: [change(90), change(2000)] })))).toBe('11.50');
  });

  it('names the time it holds until on the shop’s clock (the listing’s timeZone), UTC without one', () => {
    const perDay = (timeZone: string | null, at = now) =>
      evaluateWithRule(compileRule(rule({ maxChangesPerDay: 1 })), listing({ now: at, timeZone, recentChanges: [{ at: new Date(Date.parse(at) - 60 * 60_000).toISOString(), from: '21.00', to: '20.00' }] })).explanation.summary;
    // The change an hour before Dec 7, 12:00 UTC is a day old at Dec 8, 11:00 UTC: 20:00 in Tokyo, 03:00 in Los Angeles.
    expect(perDay('Asia/Tokyo')).toContain('It is held until Dec 8, 20:00 Japan Time.');
    expect(perDay('America/Los_Angeles')).toContain('It is held until Dec 8, 03:00 PST.');
    expect(perDay(null)).toContain('It is held until Dec 8, 11:00 UTC.');
    // Across the start of daylight saving time in Los Angeles (Mar 8, 02:00 PST): a day after 11:00 PST is 12:00 PDT.
    expect(perDay('America/Los_Angeles', '2026-03-07T20:00:00.000Z')).toContain('It is held until Mar 8, 12:00 PDT.');
    const interval = evaluateWithRule(compileRule(rule({ minIntervalMinutes: 60 })), listing({ now, timeZone: 'Asia/Tokyo', recentChanges: [change(30)] }));
    expect(interval.explanation.summary).toContain('It is held until Dec 7, 21:30 Japan Time.');
  });

  it('holds and names a price war when we and one competitor keep trading moves', () => {
    const competitorMoves = [at(100), at(60), at(20)].map((t) => ({ at: t, sellerId: 'AWAR', from: '13.00', to: '12.00' }));
    const recentChanges = [change(80), change(40), change(10)];
    const r = compileRule(rule({ priceWarMoves: 4, priceWarWindowMinutes: 120 }));
    const outcome = evaluateWithRule(r, listing({ now, recentChanges, competitorMoves }));
    expect(outcome).toMatchObject({ status: 'skipped', reason: 'price_war' });
    expect(outcome.explanation.priceWar).toEqual({ sellerId: 'AWAR', moves: 6, windowMinutes: 120 });
    expect(outcome.explanation.summary).toContain('You and seller AWAR keep changing prices in turn: 6 moves in the last 120 min, more than the 4 the rule allows. The price is held for you to decide.');
    // Six turns is not more than six; outside the window they don't count; a competitor moving alone is no war.
    expect(evaluateWithRule(compileRule(rule({ priceWarMoves: 6, priceWarWindowMinutes: 120 })), listing({ now, recentChanges, competitorMoves })).status).toBe('suggest');
    expect(evaluateWithRule(compileRule(rule({ priceWarMoves: 4, priceWarWindowMinutes: 30 })), listing({ now, recentChanges, competitorMoves })).status).toBe('suggest');
    expect(evaluateWithRule(r, listing({ now, recentChanges: [], competitorMoves })).status).toBe('suggest');
  });

  it('never turns a decision to keep the price into a hold', () => {
    const outcome = evaluateWithRule(compileRule(rule({ maxChangesPerDay: 1 })), listing({ now, currentPrice: usd('11.50'), recentChanges: [change(5)] }));
    expect(outcome.status).toBe('no_change');
  });
});

describe('per-channel prices', () => {
  const listings = [
    { listingId: 'amz-us', platform: 'amazon', currency: 'USD', currentAmount: '20.00' },
    { listingId: 'shop', platform: 'shopify', currency: 'USD', currentAmount: '21.00' },
    { listingId: 'amz-ca', platform: 'amazon', currency: 'CAD', currentAmount: '27.00' },
  ];
  const decided = usd('19.00');

  it('an existing rule (both, same) gives every listing of its currency the one price, and leaves other currencies alone', () => {
    expect(channelPrices(compileRule(rule({})), decided, listings).map((c) => [c.listingId, c.amount])).toEqual([
      ['amz-us', '19.00'],
      ['shop', '19.00'],
      ['amz-ca', null],
    ]);
  });

  it('Shopify follows Amazon with an offset (rounded with the rule’s ending), or keeps its price', () => {
    const offset = channelPrices(compileRule(rule({ shopifyPriceMode: 'offset', shopifyOffsetPercent: '5' })), decided, listings);
    // 19.00 × 1.05 = 19.95
    expect(offset[1]).toMatchObject({ listingId: 'shop', amount: '19.95', reason: 'the Amazon price 19.00 + 5 %' });
    const rounded = channelPrices(compileRule(rule({ shopifyPriceMode: 'offset', shopifyOffsetPercent: '5', rounding: '.99' })), decided, listings);
    expect(rounded[1]).toMatchObject({ amount: '19.99' });
    const keep = channelPrices(compileRule(rule({ shopifyPriceMode: 'keep' })), decided, listings);
    expect(keep.map((c) => c.amount)).toEqual(['19.00', null, null]);
  });

  it('a rule for one channel leaves the other alone', () => {
    expect(channelPrices(compileRule(rule({ channel: 'amazon' })), decided, listings).map((c) => c.amount)).toEqual(['19.00', null, null]);
    expect(channelPrices(compileRule(rule({ channel: 'shopify' })), decided, listings).map((c) => c.amount)).toEqual([null, '19.00', null]);
  });
});

describe('validation of the new fields', () => {
  const paths = (input: Partial<PricingRuleInput>) => validateRule(rule(input)).map((e) => `${e.path}: ${e.message}`);

  it('names each bad field as the rule’s JSON names it, all at once', () => {
    const errors = paths({
      filters: { minFeedbackPercent: 101, minFeedbackCount: -1, condition: 'old', bogus: true, excludedSellerIds: ['A1', ''] } as never,
      shopifyPriceMode: 'offset',
      shopifyOffsetPercent: '-5',
      maxStepPercent: '0',
      floorFormula: 'cost_fees_margin',
      priceWarMoves: 0,
      channel: 'ebay',
      ceilingAmount: '30.00',
      noCompetitionAmount: '35.00',
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^filters\.minFeedbackPercent: minFeedbackPercent is above 100/),
        expect.stringMatching(/^filters\.minFeedbackCount: .*negative/),
        expect.stringMatching(/^filters\.condition: /),
        expect.stringMatching(/^filters\.bogus: Unknown filter/),
        expect.stringMatching(/^filters\.excludedSellerIds\[1\]: /),
        expect.stringMatching(/^shopifyOffsetPercent: Must not be negative/),
        expect.stringMatching(/^maxStepPercent: /),
        expect.stringMatching(/^floorMarginPercent: The margin is required/),
        expect.stringMatching(/^priceWarMoves: Must be at least 1/),
        expect.stringMatching(/^channel: Channel must be one of both, amazon, shopify/),
        expect.stringMatching(/^noCompetitionAmount: The no-competition price is above the ceiling/),
      ]),
    );
  });

  it('more field rules: margin below 100 %, the war guard’s pair, the mode’s offset, win_buy_box params', () => {
    expect(paths({ floorFormula: 'cost_fees_margin', floorMarginPercent: '100' })).toEqual(['floorMarginPercent: Must be below 100 %']);
    expect(paths({ floorFormula: 'cost_plus', floorMarginPercent: '5' })).toEqual(['floorFormula: floorFormula must be one of cost_fees_margin']);
    expect(paths({ floorMarginPercent: '5' })).toEqual(['floorMarginPercent: floorMarginPercent applies only with floorFormula cost_fees_margin']);
    expect(paths({ priceWarMoves: 3 })).toEqual(['priceWarWindowMinutes: The price-war guard needs its window in minutes']);
    expect(paths({ priceWarWindowMinutes: 60 })).toEqual(['priceWarMoves: The price-war guard needs its number of moves']);
    expect(paths({ maxChangesPerDay: 2.5, minIntervalMinutes: 0 })).toEqual(['maxChangesPerDay: Must be a whole number', 'minIntervalMinutes: Must be at least 1']);
    expect(paths({ shopifyPriceMode: 'offset' })).toEqual(['shopifyOffsetPercent: The offset is required with shopifyPriceMode offset']);
    expect(paths({ shopifyPriceMode: 'double' })).toEqual(['shopifyPriceMode: shopifyPriceMode must be one of same, offset, keep']);
    expect(paths({ filters: [] as never })).toEqual(['filters: Filters must be an object']);
    expect(paths({ kind: 'win_buy_box', params: { amount: '0.10', percent: '1' } })).toEqual(['params: Give either params.amount or params.percent, not both']);
    expect(paths({ kind: 'win_buy_box', params: { percent: '100' } })).toEqual(['params.percent: Must be below 100 %']);
    expect(paths({ floorAmount: '10.00', noCompetitionAmount: '9.00' })).toEqual(['noCompetitionAmount: The no-competition price is below the floor']);
    expect(paths({ raiseWhenWinning: 'yes' as never })).toEqual(['raiseWhenWinning: raiseWhenWinning must be true or false']);
  });

  it('accepts a full rule, and an existing rule is unchanged', () => {
    expect(paths({
      kind: 'win_buy_box', params: {}, raiseWhenWinning: true, noCompetitionAmount: '25.00', ceilingAmount: '30.00',
      filters: { condition: 'new', fulfillment: 'AFN', primeOnly: true, minFeedbackPercent: 90, minFeedbackCount: 100, buyBoxEligibleOnly: true, excludedSellerIds: ['A1'], ignoreBelowFloor: true },
      floorFormula: 'cost_fees_margin', floorMarginPercent: '10', maxChangesPerDay: 12, minIntervalMinutes: 15, priceWarMoves: 6, priceWarWindowMinutes: 120,
      channel: 'both', shopifyPriceMode: 'offset', shopifyOffsetPercent: '5',
    })).toEqual([]);
    const old = compileRule(rule({}));
    expect(old).toMatchObject({ channel: 'both', shopifyPriceMode: 'same', raiseWhenWinning: false, floorFormula: null, maxChangesPerDay: null });
    expect(old.filters.condition).toBe('new');
  });
});
