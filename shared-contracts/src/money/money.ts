// Money: a non-negative decimal amount string plus an ISO 4217 code. Plain data, so it crosses JSON
// and process boundaries unchanged. All arithmetic goes through integer minor units (BigInt).
import { ValidationError, type FieldError } from '../errors';
import { getCurrency, type CurrencyCode } from './currencies';

export interface Money {
  /**
   * Canonical decimal string with exactly the currency's minor-unit digits:
   * `"19.99"` USD, `"1500"` JPY, `"1.250"` KWD. Never a number.
   */
  readonly amount: string;
  readonly currency: CurrencyCode;
}

/** Digits before the point we accept: generous for any real price, small enough to stay sane. */
export const MAX_INTEGER_DIGITS = 15;

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

export interface ParseMoneyOptions {
  /** Field path prefix for errors, e.g. `updates[3].price`. */
  path?: string;
}

/**
 * Parse an amount and currency into canonical Money, or throw a ValidationError naming the field.
 * Accepts only a plain decimal string: no numbers (floats), no sign, no exponent, no spaces, no
 * separators, no more decimals than the currency has.
 */
export function parseMoney(amount: unknown, currency: unknown, options: ParseMoneyOptions = {}): Money {
  const result = tryParseMoney(amount, currency, options);
  if (!result.ok) throw new ValidationError(result.errors);
  return result.money;
}

export type ParseMoneyResult =
  | { readonly ok: true; readonly money: Money }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

/** Like parseMoney, but returns the field errors instead of throwing. */
export function tryParseMoney(
  amount: unknown,
  currency: unknown,
  options: ParseMoneyOptions = {},
): ParseMoneyResult {
  const prefix = options.path ? `${options.path}.` : '';
  const amountPath = `${prefix}amount`;
  const currencyPath = `${prefix}currency`;
  const errors: FieldError[] = [];

  const currencyError = checkCurrency(currency);
  if (currencyError) errors.push({ path: currencyPath, ...currencyError });
  const info = typeof currency === 'string' ? getCurrency(currency) : undefined;

  const amountCheck = checkAmount(amount, info?.minorUnits, typeof currency === 'string' ? currency : '');
  if ('error' in amountCheck) errors.push({ path: amountPath, ...amountCheck.error });

  if (errors.length > 0 || !info || !('canonical' in amountCheck)) {
    return { ok: false, errors };
  }
  return { ok: true, money: Object.freeze({ amount: amountCheck.canonical, currency: info.code }) };
}

/** Shorthand for literals in code and tests: `money('19.99', 'USD')`. Throws like parseMoney. */
export function money(amount: string, currency: CurrencyCode): Money {
  return parseMoney(amount, currency);
}

/** True when `value` is already canonical Money (right shape, known currency, canonical amount). */
export function isMoney(value: unknown): value is Money {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const parsed = tryParseMoney(v.amount, v.currency);
  return parsed.ok && parsed.money.amount === v.amount;
}

type Problem = { message: string; code: string };

function checkCurrency(currency: unknown): Problem | undefined {
  if (typeof currency !== 'string') {
    return { message: 'currency must be an ISO 4217 code string', code: 'invalid_type' };
  }
  if (currency.trim() === '') return { message: 'currency is required', code: 'required' };
  if (getCurrency(currency)) return undefined;
  const upper = currency.trim().toUpperCase();
  if (upper !== currency && getCurrency(upper)) {
    return { message: `currency must be upper-case ISO 4217: use ${upper}`, code: 'invalid_currency_case' };
  }
  return { message: `unknown ISO 4217 currency ${JSON.stringify(currency)}`, code: 'unknown_currency' };
}

function checkAmount(
  amount: unknown,
  minorUnits: number | undefined,
  currency: string,
): { canonical: string } | { error: Problem } | { skipped: true } {
  if (typeof amount === 'number' || typeof amount === 'bigint') {
    return {
      error: {
        message: 'amount must be a decimal string such as "19.99", not a number',
        code: 'invalid_type',
      },
    };
  }
  if (typeof amount !== 'string') {
    return { error: { message: 'amount must be a decimal string such as "19.99"', code: 'invalid_type' } };
  }
  if (amount.trim() === '') return { error: { message: 'amount is required', code: 'required' } };
  if (amount !== amount.trim()) {
    return { error: { message: 'amount must not have surrounding spaces', code: 'invalid_format' } };
  }
  if (/^[+-]?(nan|infinity|inf)$/i.test(amount)) {
    return { error: { message: `amount must be a finite decimal, got ${amount}`, code: 'not_finite' } };
  }
  if (amount.startsWith('-')) {
    return { error: { message: 'amount must not be negative', code: 'negative' } };
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$/.test(amount)) {
    return { error: { message: 'amount must be a plain decimal, not exponent notation', code: 'exponent' } };
  }
  const match = DECIMAL.exec(amount);
  if (!match) {
    return {
      error: {
        message: `amount ${JSON.stringify(amount)} is not a plain decimal like "19.99"`,
        code: 'invalid_format',
      },
    };
  }
  const intPart = match[1] ?? '0';
  const fracPart = match[2] ?? '';
  const intDigits = intPart.replace(/^0+(?=\d)/, '');
  if (intDigits.length > MAX_INTEGER_DIGITS) {
    return { error: { message: `amount has more than ${MAX_INTEGER_DIGITS} integer digits`, code: 'too_large' } };
  }
  if (minorUnits === undefined) return { skipped: true };
  if (fracPart.length > minorUnits) {
    const allowed =
      minorUnits === 0 ? `${currency} has no minor unit: use a whole amount` : `${currency} allows ${minorUnits} decimal place${minorUnits === 1 ? '' : 's'}`;
    return { error: { message: `amount ${amount} has too many decimals: ${allowed}`, code: 'too_many_decimals' } };
  }
  const canonical = minorUnits === 0 ? intDigits : `${intDigits}.${fracPart.padEnd(minorUnits, '0')}`;
  return { canonical };
}
