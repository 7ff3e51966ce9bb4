// Prices travel as decimal strings everywhere in Calibrate; Amazon's feed wants JSON numbers.
// A JsonDecimal is written into the document digit for digit, so no price ever passes through a float.

const DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/;

export class JsonDecimal {
  readonly text: string;
  constructor(text: string) {
    if (!DECIMAL.test(text)) throw new TypeError(`not a plain non-negative decimal: ${JSON.stringify(text)}`);
    this.text = text;
  }
  get fractionDigits(): number {
    const dot = this.text.indexOf('.');
    return dot === -1 ? 0 : this.text.length - dot - 1;
  }
  /**
   * For JSON.stringify (amazon-sp-api serializes request bodies itself): the number whose shortest form is
   * exactly this decimal. Refuses a value that a double cannot carry digit for digit.
   */
  toJSON(): number {
    const n = Number(this.text);
    const normalized = this.text.includes('.') ? this.text.replace(/0+$/, '').replace(/\.$/, '') : this.text;
    if (String(n) !== normalized) throw new RangeError(`${this.text} cannot travel as a JSON number without losing digits`);
    return n;
  }
}

export function isPlainDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

/** Compares two plain decimals exactly (-1, 0, 1) without converting them to numbers. */
export function compareDecimals(a: string, b: string): number {
  const [ai, af = ''] = a.split('.') as [string, string?];
  const [bi, bf = ''] = b.split('.') as [string, string?];
  if (ai.length !== bi.length) return ai.length < bi.length ? -1 : 1;
  if (ai !== bi) return ai < bi ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const ap = af.padEnd(width, '0');
  const bp = bf.padEnd(width, '0');
  return ap === bp ? 0 : ap < bp ? -1 : 1;
}

/** JSON text of a value tree whose numbers may be JsonDecimal (written verbatim). */
export function writeJson(value: unknown): string {
  if (value instanceof JsonDecimal) return value.text;
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isSafeInteger(value)) throw new TypeError(`only integers may be plain numbers: ${value}`);
      return String(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(writeJson).join(',')}]`;
      const parts: string[] = [];
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined) continue;
        parts.push(`${JSON.stringify(key)}:${writeJson(v)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new TypeError(`cannot write ${typeof value} as JSON`);
  }
}
