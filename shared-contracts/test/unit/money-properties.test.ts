// Property-style tests: many generated inputs, not a handful of examples.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CURRENCY_CODES,
  MAX_INTEGER_DIGITS,
  ValidationError,
  addMoney,
  compareMoney,
  fromMinorUnits,
  minorUnitsOf,
  parseMoney,
  subtractMoney,
  toMinorUnits,
  tryParseMoney,
} from '../../src';

const RUNS = 1000;
const currency = fc.constantFrom(...CURRENCY_CODES);
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/** A valid decimal for a currency: up to MAX_INTEGER_DIGITS integer digits, up to its minor units. */
const validDecimal = currency.chain((c) =>
  fc
    .record({
      int: digits(1, MAX_INTEGER_DIGITS),
      frac: digits(0, minorUnitsOf(c)),
    })
    .map(({ int, frac }) => ({ currency: c, amount: frac === '' ? int : `${int}.${frac}`, int, frac })),
);

function rejected(amount: unknown, c: unknown): boolean {
  const result = tryParseMoney(amount, c);
  return !result.ok && result.errors.length > 0 && result.errors.every((e) => e.path === 'amount' || e.path === 'currency');
}

describe('money parsing properties', () => {
  it('valid decimals parse, keep their value, and round-trip through minor units', () => {
    fc.assert(
      fc.property(validDecimal, ({ currency: c, amount, int, frac }) => {
        const m = parseMoney(amount, c);
        const scale = minorUnitsOf(c);
        // Same value: integer digits (leading zeros dropped) and fraction right-padded.
        const expectedMinor = BigInt(`${int}${frac.padEnd(scale, '0')}`);
        expect(toMinorUnits(m)).toBe(expectedMinor);
        expect(m.amount.split('.')[1]?.length ?? 0).toBe(scale);
        // Canonical form is a fixed point.
        expect(parseMoney(m.amount, c)).toEqual(m);
        expect(fromMinorUnits(toMinorUnits(m), c)).toEqual(m);
      }),
      { numRuns: RUNS },
    );
  });

  it('minor units round-trip through Money', () => {
    fc.assert(
      fc.property(
        currency.chain((c) => fc.record({ c: fc.constant(c), minor: fc.bigInt({ min: 0n, max: 10n ** BigInt(MAX_INTEGER_DIGITS + minorUnitsOf(c)) - 1n }) })),
        ({ c, minor }) => {
          expect(toMinorUnits(fromMinorUnits(minor, c))).toBe(minor);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('every number is rejected, whatever its value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.constant(Number.NaN)), currency, (n, c) => rejected(n, c)),
      { numRuns: RUNS },
    );
  });

  it('exponent forms are rejected', () => {
    fc.assert(
      fc.property(validDecimal, fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits(1, 3), ({ currency: c, amount }, e, sign, exp) =>
        rejected(`${amount}${e}${sign}${exp}`, c),
      ),
      { numRuns: RUNS },
    );
  });

  it('negative amounts, including -0, are rejected', () => {
    fc.assert(fc.property(validDecimal, ({ currency: c, amount }) => rejected(`-${amount}`, c)), { numRuns: RUNS });
  });

  it('one decimal more than the currency allows is rejected', () => {
    fc.assert(
      fc.property(currency.chain((c) => fc.record({ c: fc.constant(c), int: digits(1, 6), frac: digits(minorUnitsOf(c) + 1, minorUnitsOf(c) + 4) })), ({ c, int, frac }) =>
        rejected(`${int}.${frac}`, c),
      ),
      { numRuns: RUNS },
    );
  });

  it('unknown currency codes are rejected', () => {
    const notACurrency = fc
      .string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz '), minLength: 0, maxLength: 5 })
      .filter((s) => !CURRENCY_CODES.includes(s));
    fc.assert(fc.property(validDecimal, notACurrency, ({ amount }, c) => rejected(amount, c)), { numRuns: RUNS });
  });

  it('strings that are not plain decimals are rejected (padding, signs, separators, junk)', () => {
    const junk = fc.oneof(
      validDecimal.map(({ amount, currency: c }) => ({ amount: ` ${amount}`, c })),
      validDecimal.map(({ amount, currency: c }) => ({ amount: `${amount}\n`, c })),
      validDecimal.map(({ amount, currency: c }) => ({ amount: `+${amount}`, c })),
      validDecimal.map(({ amount, currency: c }) => ({ amount: `${amount}.`, c })),
      validDecimal.map(({ amount, currency: c }) => ({ amount: amount.replace(/^(\d)/, '$1,'), c })),
      fc.record({ amount: fc.string({ minLength: 0, maxLength: 12 }).filter((s) => !/^\d+(\.\d+)?$/.test(s)), c: currency }),
    );
    fc.assert(fc.property(junk, ({ amount, c }) => rejected(amount, c)), { numRuns: RUNS });
  });

  it('addition and subtraction agree with bigint arithmetic and never produce negatives', () => {
    const pair = currency.chain((c) =>
      fc.record({ c: fc.constant(c), a: fc.bigInt({ min: 0n, max: 10n ** 12n }), b: fc.bigInt({ min: 0n, max: 10n ** 12n }) }),
    );
    fc.assert(
      fc.property(pair, ({ c, a, b }) => {
        const x = fromMinorUnits(a, c);
        const y = fromMinorUnits(b, c);
        expect(toMinorUnits(addMoney(x, y))).toBe(a + b);
        expect(compareMoney(x, y)).toBe(a < b ? -1 : a > b ? 1 : 0);
        if (a >= b) expect(toMinorUnits(subtractMoney(x, y))).toBe(a - b);
        else expect(() => subtractMoney(x, y)).toThrow(ValidationError);
      }),
      { numRuns: RUNS },
    );
  });
});
