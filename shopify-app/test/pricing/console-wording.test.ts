// What the console says after an action, and what it says about a bad amount, read as a merchant reads
// them: counts right for 0, 1 and many, one sentence naming the field once, examples in the currency.
import { describe, expect, it } from 'vitest';
import { tryParseMoney } from '@calibr/shared-contracts';
import { decisionOutcome, generateOutcome } from '../../app/components/pricing/outcome-text';
import { amountProblem, sentence } from '../../app/pricing/money-text';
import { compileRule } from '../../app/pricing/policy/compile-rule';

function amountError(amount: string, currency: string) {
  const parsed = tryParseMoney(amount, currency);
  if (parsed.ok) throw new Error(`${amount} ${currency} parsed`);
  return parsed.errors.find((e) => e.path === 'amount')!;
}

describe('outcome sentences', () => {
  it('approvals: a toast for what was approved, a banner title for what was not, right for 0, 1 and many', () => {
    expect(decisionOutcome('approve', 1, 0)).toEqual({ toast: '1 price approved. Pushing it to every linked platform.', warning: null });
    expect(decisionOutcome('approve', 3, 0)).toEqual({ toast: '3 prices approved. Pushing them to every linked platform.', warning: null });
    // "0 suggestions approved: pushing to every linked platform; 1 not" was the old sentence.
    expect(decisionOutcome('approve', 0, 1)).toEqual({ toast: null, warning: 'The suggestion couldn’t be approved' });
    expect(decisionOutcome('approve', 0, 2)).toEqual({ toast: null, warning: 'None of the 2 suggestions could be approved' });
    expect(decisionOutcome('approve', 2, 1)).toEqual({ toast: '2 prices approved. Pushing them to every linked platform.', warning: '1 suggestion couldn’t be approved' });
    expect(decisionOutcome('reject', 1, 0)).toEqual({ toast: '1 suggestion rejected', warning: null });
    expect(decisionOutcome('reject', 4, 2)).toEqual({ toast: '4 suggestions rejected', warning: '2 suggestions couldn’t be rejected' });
  });

  it('generating: new suggestions out of the products evaluated, the automatic and held ones only when there are some', () => {
    expect(generateOutcome({ created: 0, kept: 0, autoApproved: 0, blocked: 0, evaluated: 0 })).toBe('No products to evaluate yet');
    expect(generateOutcome({ created: 0, kept: 40, autoApproved: 0, blocked: 0, evaluated: 40 })).toBe('No new suggestions from 40 products');
    expect(generateOutcome({ created: 1, kept: 0, autoApproved: 0, blocked: 0, evaluated: 1 })).toBe('1 new suggestion from 1 product');
    expect(generateOutcome({ created: 3, kept: 30, autoApproved: 1, blocked: 2, evaluated: 36 })).toBe('3 new suggestions from 36 products, 1 approved automatically, 2 held by their guardrails');
  });
});

describe('amount problems', () => {
  it('name the field once, in a sentence, with an example in the currency', () => {
    expect(amountProblem('Cost', amountError('twelve', 'USD'), 'USD')).toBe('Cost must be a number, like 12.50');
    expect(amountProblem('Cost', amountError('1,200.00', 'JPY'), 'JPY')).toBe('Cost must be a number, like 1250');
    expect(amountProblem('Floor', amountError('1.234', 'USD'), 'USD')).toBe('Floor has too many decimals: USD allows 2');
    expect(amountProblem('Floor', amountError('5.5', 'JPY'), 'JPY')).toBe('Floor has too many decimals: JPY uses whole amounts');
    expect(amountProblem('MAP', amountError('-3.00', 'USD'), 'USD')).toBe('MAP can’t be negative');
    // Under its own field, no name is needed.
    expect(amountProblem(null, amountError('twelve', 'KWD'), 'KWD')).toBe('Must be a number, like 12.500');
  });

  it('a rule’s field problems are sentences; a message that opens with a field name keeps it as written', () => {
    expect(sentence('name is required')).toBe('Name is required');
    expect(sentence('floorFormula must be one of cost_fees_margin')).toBe('floorFormula must be one of cost_fees_margin');
    let errors: Array<{ path: string; message: string }> = [];
    try {
      compileRule({ name: ' ', scope: 'shop', kind: 'match_buy_box', params: {}, currency: 'USD', floorAmount: 'twelve', rounding: 'x' } as never);
    } catch (error) {
      errors = (error as { errors: Array<{ path: string; message: string }> }).errors;
    }
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'name', message: 'Name is required' }),
        expect.objectContaining({ path: 'floorAmount', message: 'Must be a number, like 12.50' }),
        expect.objectContaining({ path: 'rounding', message: expect.stringMatching(/^Ending must be digits such as "\.99"/) }),
      ]),
    );
  });
});
