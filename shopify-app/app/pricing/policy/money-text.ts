// Amounts in the words a merchant reads: "$18.50", "€19.00", "¥1,500", as the console shows prices
// (Intl, en-US, the currency's own symbol). The explanation's fields keep decimal strings; only its
// sentences use these. A catalog's explanations format many amounts and prices repeat, so each
// currency keeps its formatter and the texts it already made (bounded).
import { formatMinor } from './minor-units';

interface Formatter {
  readonly format: Intl.NumberFormat | null;
  readonly made: Map<string, string>;
}

const FORMATTERS = new Map<string, Formatter>();
const MADE_MAX = 4096;

function formatterOf(currency: string): Formatter {
  let f = FORMATTERS.get(currency);
  if (f === undefined) {
    let format: Intl.NumberFormat | null;
    try {
      format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    } catch {
      format = null; // not a currency Intl knows: shown as "12.50 XYZ"
    }
    f = { format, made: new Map() };
    if (FORMATTERS.size < 512) FORMATTERS.set(currency, f);
  }
  return f;
}

/** A decimal string in its currency: "18.50", "USD" -> "$18.50". Intl formats the string exactly (no float). */
export function moneyText(amount: string, currency: string | null | undefined): string {
  if (!currency) return amount;
  const f = formatterOf(currency);
  let text = f.made.get(amount);
  if (text === undefined) {
    text = f.format ? f.format.format(amount as unknown as number) : `${amount} ${currency}`;
    if (f.made.size >= MADE_MAX) f.made.clear();
    f.made.set(amount, text);
  }
  return text;
}

/** Minor units in their currency: 1850n, 2, "USD" -> "$18.50". */
export function minorText(minor: bigint, scale: number, currency: string | null | undefined): string {
  return moneyText(formatMinor(minor, scale), currency);
}
