import { describe, expect, it } from 'vitest';
import { CURRENCIES, CURRENCY_CODES, getCurrency, isCurrencyCode, minorUnitsOf } from '../../src';

describe('ISO 4217 table', () => {
  it('holds the active currencies with their own minor units', () => {
    expect(CURRENCY_CODES.length).toBeGreaterThanOrEqual(150);
    expect(minorUnitsOf('USD')).toBe(2);
    expect(minorUnitsOf('EUR')).toBe(2);
    expect(minorUnitsOf('JPY')).toBe(0);
    expect(minorUnitsOf('KRW')).toBe(0);
    expect(minorUnitsOf('KWD')).toBe(3);
    expect(minorUnitsOf('BHD')).toBe(3);
    expect(minorUnitsOf('TND')).toBe(3);
    expect(minorUnitsOf('CLF')).toBe(4);
    expect(minorUnitsOf('UYW')).toBe(4);
    expect(getCurrency('GBP')?.name).toBe('Pound Sterling');
  });

  it('has one well-formed row per code', () => {
    for (const [code, info] of CURRENCIES) {
      expect(code).toMatch(/^[A-Z]{3}$/);
      expect(info.code).toBe(code);
      expect([0, 2, 3, 4]).toContain(info.minorUnits);
      expect(info.name.length).toBeGreaterThan(0);
    }
    expect(new Set(CURRENCY_CODES).size).toBe(CURRENCY_CODES.length);
  });

  it('knows only codes ICU also knows (catches typos in the table)', () => {
    const icu = new Set(Intl.supportedValuesOf('currency'));
    const unknownToIcu = CURRENCY_CODES.filter((c) => !icu.has(c));
    // ICU lists no fund codes (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW) and may lag the newest
    // ISO codes (VED 2021, ZWG 2024, XCG 2025); everything else must be known to it.
    const funds = ['BOV', 'CHE', 'CHW', 'CLF', 'COU', 'MXV', 'USN', 'UYI', 'UYW'];
    const newest = ['VED', 'ZWG', 'XCG', 'SLE'];
    expect(unknownToIcu.filter((c) => !funds.includes(c) && !newest.includes(c))).toEqual([]);
  });

  it('leaves out withdrawn codes and non-money units', () => {
    for (const code of ['HRK', 'SLL', 'ZWL', 'VEF', 'LTL', 'XAU', 'XAG', 'XDR', 'XTS', 'XXX', 'XBA']) {
      expect(isCurrencyCode(code), code).toBe(false);
    }
    expect(isCurrencyCode('usd')).toBe(false);
    expect(() => minorUnitsOf('ABC')).toThrow(RangeError);
  });
});
