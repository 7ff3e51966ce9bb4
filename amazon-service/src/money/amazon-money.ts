// Amazon sends amounts as JSON numbers (Product Pricing) or decimal strings (Listings Items). Both become
// canonical Money through the shared parser; a value with an exponent or too many digits is refused
// rather than rounded.
import { tryParseMoney, type Money } from '@calibr/shared-contracts';

export function moneyFromAmazon(amount: unknown, currency: unknown): Money | null {
  if (amount === undefined || amount === null || typeof currency !== 'string') return null;
  const text = typeof amount === 'number' ? (Number.isFinite(amount) ? String(amount) : '') : String(amount);
  const parsed = tryParseMoney(text, currency);
  return parsed.ok ? parsed.money : null;
}
