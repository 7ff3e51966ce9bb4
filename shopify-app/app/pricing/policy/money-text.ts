// Amounts in the words a merchant reads: "$18.50", "€19.00", "¥1,500", as the console shows prices
// (Intl, en-US, the currency's own symbol). The explanation's fields keep decimal strings; only its
// sentences use these.
//
// A catalog's explanations format several amounts per listing, and Intl's format costs about a
// microsecond each (a third of the policy bench). So Intl is asked once per currency how it writes an
// amount (the symbol and literals around the number, the group and decimal marks), and a canonical
// decimal string is then written the same way with string operations; anything else goes through Intl.
import { formatMinor } from './minor-units';

interface Pattern {
  readonly before: string;
  readonly after: string;
  readonly group: string;
  readonly decimal: string;
}

/** Per currency: how Intl writes it, or null when Intl doesn't know the currency (then "12.50 XYZ"). */
const PATTERNS = new Map<string, { format: Intl.NumberFormat; pattern: Pattern | null } | null>();

function patternOf(currency: string): { format: Intl.NumberFormat; pattern: Pattern | null } | null {
  let known = PATTERNS.get(currency);
  if (known === undefined) {
    try {
      const format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
      known = { format, pattern: readPattern(format) };
    } catch {
      known = null;
    }
    if (PATTERNS.size < 512) PATTERNS.set(currency, known);
  }
  return known;
}

/** The parts around the number and its marks, from a sample with a group and a fraction; null when the layout is not plain. */
function readPattern(format: Intl.NumberFormat): Pattern | null {
  const parts = format.formatToParts(1234567.5);
  const first = parts.findIndex((p) => p.type === 'integer');
  let last = -1;
  parts.forEach((p, i) => {
    if (p.type === 'integer' || p.type === 'group' || p.type === 'decimal' || p.type === 'fraction') last = i;
  });
  const number = parts.slice(first, last + 1);
  if (first < 0 || number.some((p) => !['integer', 'group', 'decimal', 'fraction'].includes(p.type))) return null;
  const group = number.find((p) => p.type === 'group')?.value ?? null;
  const groups = number.filter((p) => p.type === 'integer').map((p) => p.value.length);
  // Only groups of three (en-US writes every currency so): "1,234,567".
  if (group === null || groups.join(',') !== '1,3,3') return null;
  return {
    before: parts.slice(0, first).map((p) => p.value).join(''),
    after: parts.slice(last + 1).map((p) => p.value).join(''),
    group,
    decimal: number.find((p) => p.type === 'decimal')?.value ?? '.',
  };
}

/** A decimal string in its currency: "18.50", "USD" -> "$18.50". Exact: the digits given are the digits shown. */
export function moneyText(amount: string, currency: string | null | undefined): string {
  if (!currency) return amount;
  const known = patternOf(currency);
  if (!known) return `${amount} ${currency}`;
  const p = known.pattern;
  const dot = p ? plainDot(amount) : -2;
  // Intl formats a decimal string exactly too (no float), only slower.
  if (dot === -2 || !p) return known.format.format(amount as unknown as number);
  const whole = dot < 0 ? amount : amount.slice(0, dot);
  let grouped = whole;
  if (whole.length > 3) {
    const head = whole.length % 3 || 3;
    grouped = whole.slice(0, head);
    for (let i = head; i < whole.length; i += 3) grouped += p.group + whole.slice(i, i + 3);
  }
  return dot < 0 ? p.before + grouped + p.after : p.before + grouped + p.decimal + amount.slice(dot + 1) + p.after;
}

/** Digits with at most one inner point ("18.50", "1500"): the point's index, -1 without one; -2 for anything else. */
function plainDot(amount: string): number {
  let dot = -1;
  const n = amount.length;
  for (let i = 0; i < n; i++) {
    const c = amount.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (c !== 46 || dot !== -1 || i === 0 || i === n - 1) return -2;
    dot = i;
  }
  return n === 0 ? -2 : dot;
}

/** Minor units in their currency: 1850n, 2, "USD" -> "$18.50". */
export function minorText(minor: bigint, scale: number, currency: string | null | undefined): string {
  return moneyText(formatMinor(minor, scale), currency);
}
