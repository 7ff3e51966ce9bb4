import { describe, expect, it } from 'vitest';
import {
  ValidationError,
  addMoney,
  adjustByPercent,
  clampMoney,
  compareMoney,
  differenceInMinorUnits,
  divideRounded,
  equalsMoney,
  formatMoney,
  formatMoneyForDisplay,
  fromMinorUnits,
  money,
  moneyToString,
  multiplyMoney,
  percentChange,
  percentageOf,
  roundToEnding,
  subtractMoney,
  toMinorUnits,
  zeroMoney,
  type RoundingMode,
} from '../../src';

const usd = (a: string) => money(a, 'USD');

describe('minor units', () => {
  it('converts both ways in the currency scale', () => {
    expect(toMinorUnits(usd('19.99'))).toBe(1999n);
    expect(toMinorUnits(money('1500', 'JPY'))).toBe(1500n);
    expect(toMinorUnits(money('1.250', 'KWD'))).toBe(1250n);
    expect(fromMinorUnits(5n, 'USD')).toEqual(usd('0.05'));
    expect(fromMinorUnits(5, 'KWD')).toEqual(money('0.005', 'KWD'));
    expect(zeroMoney('JPY')).toEqual(money('0', 'JPY'));
    expect(() => fromMinorUnits(-1n, 'USD')).toThrow(ValidationError);
    expect(() => fromMinorUnits(0.5, 'USD')).toThrow(ValidationError);
    expect(() => toMinorUnits({ amount: '1.999', currency: 'USD' })).toThrow(ValidationError);
  });
});

describe('arithmetic and comparison', () => {
  it('adds, subtracts and compares exactly', () => {
    expect(addMoney(usd('0.10'), usd('0.20'))).toEqual(usd('0.30'));
    expect(subtractMoney(usd('19.99'), usd('0.99'))).toEqual(usd('19.00'));
    expect(() => subtractMoney(usd('1.00'), usd('1.01'))).toThrow(/negative/);
    expect(differenceInMinorUnits(usd('1.00'), usd('1.01'))).toBe(-1n);
    expect(compareMoney(usd('2.00'), usd('10.00'))).toBe(-1);
    expect(compareMoney(usd('10.00'), usd('10.00'))).toBe(0);
    expect(equalsMoney(usd('1.00'), money('1.00', 'EUR'))).toBe(false);
    expect(multiplyMoney(usd('0.99'), 3)).toEqual(usd('2.97'));
    expect(clampMoney(usd('5.00'), { min: usd('6.00'), max: usd('9.00') })).toEqual(usd('6.00'));
    expect(clampMoney(usd('50.00'), { max: usd('9.00') })).toEqual(usd('9.00'));
  });

  it('refuses to mix currencies', () => {
    expect(() => addMoney(usd('1.00'), money('1.00', 'EUR'))).toThrow(/currency mismatch/);
    expect(() => compareMoney(usd('1.00'), money('1', 'JPY'))).toThrow(ValidationError);
  });
});

describe('rounding', () => {
  const cases: [bigint, bigint, Record<RoundingMode, bigint>][] = [
    [5n, 2n, { 'half-up': 3n, 'half-even': 2n, 'half-down': 2n, up: 3n, down: 2n, ceiling: 3n, floor: 2n }],
    [7n, 2n, { 'half-up': 4n, 'half-even': 4n, 'half-down': 3n, up: 4n, down: 3n, ceiling: 4n, floor: 3n }],
    [-5n, 2n, { 'half-up': -3n, 'half-even': -2n, 'half-down': -2n, up: -3n, down: -2n, ceiling: -2n, floor: -3n }],
    [10n, 3n, { 'half-up': 3n, 'half-even': 3n, 'half-down': 3n, up: 4n, down: 3n, ceiling: 4n, floor: 3n }],
    [6n, 3n, { 'half-up': 2n, 'half-even': 2n, 'half-down': 2n, up: 2n, down: 2n, ceiling: 2n, floor: 2n }],
  ];
  it.each(cases)('%s / %s in every mode', (n, d, expected) => {
    for (const [mode, value] of Object.entries(expected)) {
      expect(divideRounded(n, d, mode as RoundingMode), mode).toBe(value);
    }
  });
});

describe('percentages', () => {
  it('takes a percentage with an explicit rounding mode', () => {
    expect(percentageOf(usd('20.00'), '15', 'half-up')).toEqual(usd('3.00'));
    expect(percentageOf(usd('19.99'), '15', 'half-up')).toEqual(usd('3.00')); // 2.9985
    expect(percentageOf(usd('19.99'), '15', 'down')).toEqual(usd('2.99'));
    expect(percentageOf(usd('0.05'), '50', 'half-even')).toEqual(usd('0.02')); // 0.025 -> even
    expect(percentageOf(usd('0.05'), '50', 'half-up')).toEqual(usd('0.03'));
    expect(percentageOf(money('999', 'JPY'), '8.5', 'floor')).toEqual(money('84', 'JPY'));
  });

  it('adjusts by a signed percent and reports percent change', () => {
    expect(adjustByPercent(usd('19.99'), '-10', 'half-even')).toEqual(usd('17.99'));
    expect(adjustByPercent(usd('10.00'), '2.5', 'half-up')).toEqual(usd('10.25'));
    expect(() => adjustByPercent(usd('10.00'), '-150', 'half-up')).toThrow(/negative/);
    expect(percentChange(usd('20.00'), usd('18.00'))).toBe('-10.00');
    expect(percentChange(usd('3.00'), usd('4.00'), 3)).toBe('33.333');
    expect(() => percentChange(usd('0.00'), usd('1.00'))).toThrow(ValidationError);
  });

  it('takes percentages as strings only', () => {
    expect(() => percentageOf(usd('1.00'), 10 as unknown as string, 'half-up')).toThrow(ValidationError);
    expect(() => percentageOf(usd('1.00'), '1e2', 'half-up')).toThrow(ValidationError);
    expect(() => percentageOf(usd('1.00'), '-5', 'half-up')).toThrow(/negative/);
  });
});

describe('price endings', () => {
  it('rounds to .99 up, down and nearest', () => {
    expect(roundToEnding(usd('12.34'), '.99', 'up')).toEqual(usd('12.99'));
    expect(roundToEnding(usd('12.34'), '.99', 'down')).toEqual(usd('11.99'));
    expect(roundToEnding(usd('12.34'), '.99', 'nearest')).toEqual(usd('11.99'));
    expect(roundToEnding(usd('12.80'), '.99', 'nearest')).toEqual(usd('12.99'));
    expect(roundToEnding(usd('12.99'), '.99', 'down')).toEqual(usd('12.99'));
  });

  it('handles whole-digit endings and other scales', () => {
    expect(roundToEnding(usd('12.34'), '9.99', 'up')).toEqual(usd('19.99'));
    expect(roundToEnding(usd('12.34'), '9.99', 'down')).toEqual(usd('9.99'));
    expect(roundToEnding(money('1234', 'JPY'), '80', 'up')).toEqual(money('1280', 'JPY'));
    expect(roundToEnding(money('1234', 'JPY'), '80', 'down')).toEqual(money('1180', 'JPY'));
    expect(roundToEnding(money('1.234', 'KWD'), '.950', 'up')).toEqual(money('1.950', 'KWD'));
    expect(roundToEnding(usd('10.00'), '.5', 'up')).toEqual(usd('10.50'));
  });

  it('never goes below zero and validates the ending', () => {
    expect(roundToEnding(usd('0.50'), '.99', 'down')).toEqual(usd('0.99'));
    expect(() => roundToEnding(usd('1.00'), '.999', 'up')).toThrow(ValidationError);
    expect(() => roundToEnding(money('100', 'JPY'), '.9', 'up')).toThrow(ValidationError);
    expect(() => roundToEnding(usd('1.00'), 'x', 'up')).toThrow(ValidationError);
  });
});

describe('formatting', () => {
  it('formats canonically and for display without floats', () => {
    expect(formatMoney(usd('19.90'))).toBe('19.90');
    expect(moneyToString(money('1.500', 'KWD'))).toBe('1.500 KWD');
    expect(formatMoneyForDisplay(usd('1234567890123.45'))).toBe('$1,234,567,890,123.45');
    expect(formatMoneyForDisplay(money('1500', 'JPY'), 'en-US')).toBe('¥1,500');
    expect(formatMoneyForDisplay(money('19.99', 'EUR'), 'de-DE')).toBe('19,99\u00a0€');
  });
});
