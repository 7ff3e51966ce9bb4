import { describe, expect, it } from 'vitest';
import { ValidationError, isMoney, money, parseMoney, tryParseMoney } from '../../src';

function rejection(amount: unknown, currency: unknown, path?: string): ValidationError {
  try {
    parseMoney(amount, currency, path === undefined ? {} : { path });
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error(`accepted ${String(amount)} ${String(currency)}`);
}

describe('parseMoney', () => {
  it('canonicalizes to the currency minor units', () => {
    expect(parseMoney('19.9', 'USD')).toEqual({ amount: '19.90', currency: 'USD' });
    expect(parseMoney('19', 'USD')).toEqual({ amount: '19.00', currency: 'USD' });
    expect(parseMoney('0019.99', 'USD')).toEqual({ amount: '19.99', currency: 'USD' });
    expect(parseMoney('0', 'USD')).toEqual({ amount: '0.00', currency: 'USD' });
    expect(parseMoney('1500', 'JPY')).toEqual({ amount: '1500', currency: 'JPY' });
    expect(parseMoney('1.5', 'KWD')).toEqual({ amount: '1.500', currency: 'KWD' });
    expect(parseMoney('2.1234', 'CLF')).toEqual({ amount: '2.1234', currency: 'CLF' });
    expect(Object.isFrozen(money('1', 'EUR'))).toBe(true);
  });

  it.each([
    ['NaN', 'not_finite'],
    ['Infinity', 'not_finite'],
    ['-Infinity', 'not_finite'],
    ['1e3', 'exponent'],
    ['1E-2', 'exponent'],
    ['1.5e2', 'exponent'],
    ['-1.00', 'negative'],
    ['-0', 'negative'],
    ['19.999', 'too_many_decimals'],
    ['', 'required'],
    ['   ', 'required'],
    [' 1.00', 'invalid_format'],
    ['1.00 ', 'invalid_format'],
    ['+1', 'invalid_format'],
    ['.5', 'invalid_format'],
    ['1.', 'invalid_format'],
    ['1,000.00', 'invalid_format'],
    ['0x10', 'invalid_format'],
    ['１２', 'invalid_format'],
    ['1234567890123456', 'too_large'],
  ])('rejects %j for USD (%s)', (amount, code) => {
    const error = rejection(amount, 'USD');
    expect(error.errors).toEqual([expect.objectContaining({ path: 'amount', code })]);
    expect(error.status).toBe(400);
  });

  it('rejects numbers, even whole ones: floats are never money', () => {
    expect(rejection(19.99, 'USD').errors[0]).toMatchObject({ path: 'amount', code: 'invalid_type' });
    expect(rejection(20, 'USD').errors[0]?.message).toMatch(/not a number/);
    expect(rejection(20n, 'USD').errors[0]?.code).toBe('invalid_type');
    expect(rejection(null, 'USD').errors[0]?.code).toBe('invalid_type');
  });

  it('rejects decimals the currency does not have', () => {
    expect(rejection('1.5', 'JPY').errors[0]?.message).toMatch(/JPY has no minor unit/);
    expect(rejection('1.0', 'JPY').errors[0]?.code).toBe('too_many_decimals');
    expect(rejection('1.2345', 'KWD').errors[0]?.message).toMatch(/KWD allows 3 decimal places/);
  });

  it('rejects unknown, lower-case and missing currencies', () => {
    expect(rejection('1.00', 'ABC').errors).toEqual([
      { path: 'currency', message: 'unknown ISO 4217 currency "ABC"', code: 'unknown_currency' },
    ]);
    expect(rejection('1.00', 'usd').errors[0]?.message).toMatch(/use USD/);
    expect(rejection('1.00', undefined).errors[0]?.code).toBe('invalid_type');
    expect(rejection('1.00', '').errors[0]?.code).toBe('required');
    expect(rejection('1.00', 'XAU').errors[0]?.code).toBe('unknown_currency');
  });

  it('reports every bad field, under the given path', () => {
    const error = rejection('1e3', 'ABC', 'updates[2].price');
    expect(error.errors.map((e) => e.path)).toEqual(['updates[2].price.currency', 'updates[2].price.amount']);
    expect(error.message).toContain('updates[2].price.amount');
  });

  it('tryParseMoney returns errors instead of throwing; isMoney wants canonical form', () => {
    expect(tryParseMoney('1.999', 'USD').ok).toBe(false);
    expect(isMoney({ amount: '1.90', currency: 'USD' })).toBe(true);
    expect(isMoney({ amount: '1.9', currency: 'USD' })).toBe(false);
    expect(isMoney({ amount: 1.9, currency: 'USD' })).toBe(false);
    expect(isMoney(null)).toBe(false);
  });
});
