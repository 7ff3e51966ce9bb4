// The policy's amounts in words: written exactly as Intl (en-US) writes them in their currency, for every
// currency and amount tried, without asking Intl each time (money-text.ts reads its pattern once).
import { getCurrency } from '@calibr/shared-contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minorText, moneyText } from '../../app/pricing/policy/money-text';

const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CAD', 'AUD', 'MXN', 'CHF', 'SEK', 'PLN', 'INR', 'BRL', 'KRW', 'KWD', 'AED', 'SGD', 'TRY', 'EGP'];
const intl = (amount: string, currency: string) => new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: getCurrency(currency)!.minorUnits, maximumFractionDigits: getCurrency(currency)!.minorUnits }).format(amount as unknown as number);

describe('amounts in words', () => {
  it('match Intl en-US for canonical amounts in every currency', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CURRENCIES), fc.bigInt({ min: 0n, max: 10n ** 13n }), (currency, minor) => {
        const scale = getCurrency(currency)!.minorUnits;
        const text = minorText(minor, scale, currency);
        expect(text).toBe(intl(minorToString(minor, scale), currency));
      }),
      { numRuns: 3000 },
    );
  });

  it('worked examples; codes without a symbol, no currency and odd strings still read', () => {
    expect(moneyText('18.50', 'USD')).toBe('$18.50');
    expect(moneyText('1234567.89', 'EUR')).toBe('€1,234,567.89');
    expect(moneyText('1500', 'JPY')).toBe('¥1,500');
    // A code Intl has no symbol for is written as the code.
    expect(moneyText('12.50', 'XXZ')).toBe('XXZ\u00a012.50');
    expect(moneyText('12.50', null)).toBe('12.50');
    // Not a canonical decimal: Intl's own reading.
    expect(moneyText('-3.5', 'USD')).toBe('-$3.50');
  });
});

function minorToString(minor: bigint, scale: number): string {
  const digits = minor.toString().padStart(scale + 1, '0');
  return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}
