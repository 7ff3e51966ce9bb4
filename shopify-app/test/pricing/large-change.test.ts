// The bound an edited price may move without a confirmation (app/pricing/large-change.ts), on exact minor
// units: the rule's step limit, or 20 % without one; the bound itself is allowed, one cent past it is not.
import { describe, expect, it } from 'vitest';
import { compileRule } from '../../app/pricing/policy';
import { largeChange, largeChangeBound, LargeChangeError } from '../../app/pricing/large-change';

const usd = (amount: string) => ({ amount, currency: 'USD' });
const item = { suggestionId: 's1', title: 'Granite Camp Chair', sku: 'GCC-1' };
const rule = (maxStepPercent?: string) => compileRule({ id: 'r', name: 'r', scope: 'shop', kind: 'match_buy_box', params: {}, currency: 'USD', ...(maxStepPercent ? { maxStepPercent } : {}) });

describe('largeChange', () => {
  it('uses the rule’s step limit, else 20 %', () => {
    expect(largeChangeBound(rule('7.5'))).toMatchObject({ fraction: { text: '7.5' }, source: 'rule_step_limit' });
    expect(largeChangeBound(rule())).toMatchObject({ fraction: { text: '20' }, source: 'default' });
    expect(largeChangeBound(null)).toMatchObject({ fraction: { text: '20' }, source: 'default' });
  });

  it('allows a move of exactly the bound, either way, and refuses one cent more', () => {
    const bound = largeChangeBound(rule('10'));
    expect(largeChange(usd('40.00'), usd('44.00'), bound, item)).toBeNull();
    expect(largeChange(usd('40.00'), usd('36.00'), bound, item)).toBeNull();
    // 4.01 / 40.00 = 10.025 %: half-even to 10.02 %, still past the bound.
    expect(largeChange(usd('40.00'), usd('44.01'), bound, item)).toMatchObject({ changePercent: '10.02', limitPercent: '10', limitSource: 'rule_step_limit' });
    expect(largeChange(usd('40.00'), usd('35.99'), bound, item)).toMatchObject({ changePercent: '-10.02' });
  });

  it('names the typo: 3699 for 39.99 is +9149.81 %, past the default 20 %', () => {
    const far = largeChange(usd('39.99'), usd('3699.00'), largeChangeBound(null), item);
    expect(far).toEqual({ ...item, currency: 'USD', from: '39.99', to: '3699.00', changePercent: '9149.81', limitPercent: '20', limitSource: 'default' });
    const problem = new LargeChangeError([{ ...far!, path: 'items[0].amount' }]).toProblem('/api/pricing/suggestions');
    expect(problem).toMatchObject({ status: 400, type: 'urn:calibr:problem:validation', errors: [{ path: 'items[0].amount', code: 'large_change' }], largeChanges: [far] });
    expect(problem.detail).toContain('20 % (the default without a step limit)');
  });

  it('any move from a zero price needs a confirmation', () => {
    expect(largeChange(usd('0.00'), usd('0.01'), largeChangeBound(null), item)).toMatchObject({ changePercent: null });
  });
});
