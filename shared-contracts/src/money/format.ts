// Money to strings: the canonical decimal for machines, a localized string for people.
import { parseMoney, type Money } from './money';

/** Canonical decimal string ("19.99"). Platforms' APIs (Shopify `price`, SP-API `value_with_tax`) take this. */
export function formatMoney(value: Money): string {
  return parseMoney(value.amount, value.currency).amount;
}

/** "19.99 USD": for logs and error messages. */
export function moneyToString(value: Money): string {
  return `${formatMoney(value)} ${value.currency}`;
}

/**
 * Localized display ("$19.99", "￥1,500"). Intl.NumberFormat formats a decimal *string* exactly
 * (no conversion to a float), so no precision is lost.
 */
export function formatMoneyForDisplay(value: Money, locale = 'en-US'): string {
  const canonical = formatMoney(value);
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: value.currency });
  // Typed as number in lib.es2023; ECMA-402 (NumberFormat v3) accepts an exact decimal string.
  return format.format(canonical as unknown as number);
}
