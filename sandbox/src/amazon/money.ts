// Prices are held as integer minor units (bigint) with a currency; Amazon's JSON carries them as numbers
// (pricing APIs, feed attributes) or decimal strings (Listings `Money.amount`), converted only at the edge.
import { currencyDecimals } from './marketplaces';

export interface Price {
  currency: string;
  /** Integer minor units, e.g. 1999 for USD 19.99. Kept as a decimal string so state stays JSON. */
  minor: string;
}

const DECIMAL = /^(\d{1,12})(?:\.(\d+))?$/;

/**
 * Reads an amount from a JSON number or decimal string. Returns undefined when it isn't a positive-or-zero
 * decimal with at most the currency's digits (Amazon rejects 19.999 USD and 1500.5 JPY).
 */
export function parseAmount(value: unknown, currency: string): Price | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return undefined;
    text = String(value);
    if (/e/i.test(text)) return undefined;
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return undefined;
  }
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const decimals = currencyDecimals(currency);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > decimals) return undefined;
  const minor = BigInt(match[1]!) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
  return { currency, minor: minor.toString() };
}

export function price(amount: string, currency: string): Price {
  const parsed = parseAmount(amount, currency);
  if (!parsed) throw new Error(`invalid ${currency} amount ${amount}`);
  return parsed;
}

export function priceFromMinor(minor: bigint, currency: string): Price {
  return { currency, minor: minor.toString() };
}

export function minorOf(p: Price): bigint {
  return BigInt(p.minor);
}

/** Decimal string with the currency's digits, e.g. "19.99", "1500". */
export function formatAmount(p: Price): string {
  const decimals = currencyDecimals(p.currency);
  const minor = minorOf(p);
  if (decimals === 0) return minor.toString();
  const scale = 10n ** BigInt(decimals);
  const whole = minor / scale;
  const frac = (minor % scale).toString().padStart(decimals, '0');
  return `${whole}.${frac}`;
}

/** The JSON number Amazon's pricing APIs use; exact for any price this sandbox holds. */
export function amountNumber(p: Price): number {
  return Number(formatAmount(p));
}

export function addPrices(a: Price, b: Price): Price {
  return priceFromMinor(minorOf(a) + minorOf(b), a.currency);
}

export function comparePrices(a: Price, b: Price): number {
  const d = minorOf(a) - minorOf(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** `{CurrencyCode, Amount}` of the Product Pricing v0 API. */
export function moneyTypeV0(p: Price): { CurrencyCode: string; Amount: number } {
  return { CurrencyCode: p.currency, Amount: amountNumber(p) };
}

/** `{currencyCode, amount}` of Product Pricing 2022-05-01. */
export function moneyType2022(p: Price): { currencyCode: string; amount: number } {
  return { currencyCode: p.currency, amount: amountNumber(p) };
}

/** `{currencyCode, amount}` of Listings Items 2021-08-01, where amount is a decimal string. */
export function listingsMoney(p: Price): { currencyCode: string; amount: string } {
  return { currencyCode: p.currency, amount: formatAmount(p) };
}
