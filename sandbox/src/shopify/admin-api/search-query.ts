// Shopify's search syntax for the `query` argument (a useful subset): `field:value`, comparators
// (`updated_at:>2024-01-01`, `>=`, `<`, `<=`), prefix wildcards (`sku:CAL-TRAI*`), quoted values, `-`/`NOT`
// negation, implicit AND, and `OR`. A bare word matches the default fields (title, sku).
export type FieldValue = string | number | null | undefined | Array<string | null | undefined>;
export type FieldGetter<T> = (item: T) => FieldValue;
export interface SearchFields<T> {
  fields: Record<string, FieldGetter<T>>;
  /** Fields of ISO dates: compared as instants. */
  dateFields?: string[];
  /** Fields of numbers. */
  numberFields?: string[];
  /** Fields a bare word is matched against. */
  defaults: string[];
}

interface Term {
  negate: boolean;
  field: string | null;
  op: ':' | '>' | '>=' | '<' | '<=';
  value: string;
}

function tokenize(query: string): string[] {
  const tokens: string[] = [];
  const re = /\s*((?:-?[\w.]+:(?:[<>]=?)?)?(?:"[^"]*"|'[^']*'|[^\s()]+)|\(|\))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(query))) if (m[1]) tokens.push(m[1]);
  return tokens;
}

function parseTerm(token: string): Term {
  let negate = false;
  let t = token;
  if (t.startsWith('-') && t.length > 1) {
    negate = true;
    t = t.slice(1);
  }
  const m = /^([\w.]+):(>=|<=|>|<)?(.*)$/.exec(t);
  const unquote = (v: string) => v.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  if (!m) return { negate, field: null, op: ':', value: unquote(t) };
  return { negate, field: m[1]!.toLowerCase(), op: (m[2] as Term['op']) ?? ':', value: unquote(m[3] ?? '') };
}

/** Compile a query into a predicate; an empty query matches everything. Unknown fields match nothing. */
export function compileSearch<T>(query: string | null | undefined, spec: SearchFields<T>): (item: T) => boolean {
  if (!query || !query.trim()) return () => true;
  const groups: Term[][] = [[]];
  let negateNext = false;
  for (const token of tokenize(query)) {
    if (token === '(' || token === ')' || token === 'AND') continue;
    if (token === 'OR') {
      groups.push([]);
      continue;
    }
    if (token === 'NOT') {
      negateNext = true;
      continue;
    }
    const term = parseTerm(token);
    if (negateNext) term.negate = !term.negate;
    negateNext = false;
    groups[groups.length - 1]!.push(term);
  }
  const matchTerm = (item: T, term: Term): boolean => {
    const fields = term.field ? [term.field] : spec.defaults;
    const hit = fields.some((name) => {
      const getter = spec.fields[name];
      if (!getter) return false;
      const raw = getter(item);
      const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string | number => v !== null && v !== undefined);
      return values.some((v) => compare(name, String(v), term));
    });
    return term.negate ? !hit : hit;
  };
  const compare = (name: string, actual: string, term: Term): boolean => {
    if (spec.dateFields?.includes(name)) {
      const a = Date.parse(actual);
      const b = Date.parse(term.value);
      if (Number.isNaN(b)) return false;
      switch (term.op) {
        case '>': return a > b;
        case '>=': return a >= b;
        case '<': return a < b;
        case '<=': return a <= b;
        default: return a === b || actual.startsWith(term.value);
      }
    }
    if (spec.numberFields?.includes(name) && term.op !== ':') {
      const a = Number(actual);
      const b = Number(term.value);
      return term.op === '>' ? a > b : term.op === '>=' ? a >= b : term.op === '<' ? a < b : a <= b;
    }
    const a = actual.toLowerCase();
    const b = term.value.toLowerCase();
    if (b === '*') return a.length > 0;
    if (b.endsWith('*')) return a.startsWith(b.slice(0, -1));
    if (term.field) return a === b;
    return a.includes(b);
  };
  return (item: T) => groups.some((terms) => terms.length > 0 && terms.every((t) => matchTerm(item, t)));
}
