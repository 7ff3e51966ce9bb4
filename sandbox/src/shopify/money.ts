// Decimal-string money helpers (never floats): parsing Shopify's Money scalar input, comparing amounts.
const DECIMAL = /^-?\d+(\.\d+)?$/;

export function isDecimalString(v: string): boolean {
  return DECIMAL.test(v);
}

/** Canonical form with two decimals, rounded half-up beyond that ("19.999" -> "20.00", "5" -> "5.00"). */
export function normalizeMoney(v: string): string {
  if (!DECIMAL.test(v)) throw new Error(`invalid money value "${v}"`);
  const negative = v.startsWith('-');
  const [whole, frac = ''] = (negative ? v.slice(1) : v).split('.');
  let cents = BigInt(whole!) * 100n + BigInt((frac + '00').slice(0, 2));
  if (frac.length > 2 && Number(frac[2]) >= 5) cents += 1n;
  const abs = `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
  return negative && cents !== 0n ? `-${abs}` : abs;
}

/** Amount in integer minor units (two decimals). */
export function toCents(v: string): bigint {
  const n = normalizeMoney(v);
  const negative = n.startsWith('-');
  const [whole, frac] = (negative ? n.slice(1) : n).split('.');
  const cents = BigInt(whole!) * 100n + BigInt(frac!);
  return negative ? -cents : cents;
}

export function compareMoney(a: string, b: string): number {
  const d = toCents(a) - toCents(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}
