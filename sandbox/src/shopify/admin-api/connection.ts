// Relay connections with Shopify's cursor pagination: opaque base64 cursors holding the last id and sort
// value, `first`/`after` forward and `last`/`before` backward, at most 250 nodes per page.
import { GraphQLError } from 'graphql';

export const MAX_PAGE_SIZE = 250;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

interface CursorData {
  last_id: number;
  last_value: string | number;
}

export function encodeCursor(id: number, value: string | number): string {
  return Buffer.from(JSON.stringify({ last_id: id, last_value: value } satisfies CursorData)).toString('base64');
}

function decodeCursor(cursor: string, argName: string): CursorData {
  try {
    const data = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as CursorData;
    if (typeof data.last_id !== 'number') throw new Error('bad cursor');
    return data;
  } catch {
    throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: 'BAD_REQUEST', argumentName: argName } });
  }
}

function compareKeys(a: [string | number, number], b: [string | number, number]): number {
  if (a[0] < b[0]) return -1;
  if (a[0] > b[0]) return 1;
  return a[1] - b[1];
}

/**
 * Page through `items` sorted by (sortValue, id). With `unbounded` (bulk queries) first/last are ignored
 * and every item is returned.
 */
export function paginate<T>(
  items: T[],
  args: ConnectionArgs,
  key: (item: T) => { id: number; value: string | number },
  unbounded = false,
): Connection<T> {
  const { first, last, after, before } = args;
  if (!unbounded) {
    if ((first === null || first === undefined) && (last === null || last === undefined)) {
      throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'BAD_REQUEST' } });
    }
    for (const [name, n] of [['first', first], ['last', last]] as const) {
      if (n !== null && n !== undefined && (n < 0 || n > MAX_PAGE_SIZE)) {
        throw new GraphQLError(`The connection's ${name} argument must be between 0 and ${MAX_PAGE_SIZE}, got ${n}.`, {
          extensions: { code: 'BAD_REQUEST', argumentName: name },
        });
      }
    }
  }
  const keyed = items.map((item) => ({ item, k: key(item) }));
  // Catalogs are kept in id order, so the default sort is usually already done.
  const sorted = keyed.every((x, i) => i === 0 || compareKeys([keyed[i - 1]!.k.value, keyed[i - 1]!.k.id], [x.k.value, x.k.id]) <= 0);
  if (!sorted) keyed.sort((a, b) => compareKeys([a.k.value, a.k.id], [b.k.value, b.k.id]));
  if (args.reverse) keyed.reverse();
  const dir = args.reverse ? -1 : 1;
  let window = keyed;
  if (after) {
    const c = decodeCursor(after, 'after');
    window = window.filter((x) => dir * compareKeys([x.k.value, x.k.id], [c.last_value, c.last_id]) > 0);
  }
  if (before) {
    const c = decodeCursor(before, 'before');
    window = window.filter((x) => dir * compareKeys([x.k.value, x.k.id], [c.last_value, c.last_id]) < 0);
  }
  let page = window;
  let hasNextPage = false;
  let hasPreviousPage = false;
  if (!unbounded && first !== null && first !== undefined) {
    hasNextPage = page.length > first;
    page = page.slice(0, first);
  }
  if (!unbounded && last !== null && last !== undefined) {
    hasPreviousPage = page.length > last;
    page = page.slice(Math.max(0, page.length - last));
  }
  // Shopify reports the other direction too when a cursor bounds it.
  if (after && !hasPreviousPage) hasPreviousPage = window.length < keyed.length;
  if (before && !hasNextPage) hasNextPage = window.length < keyed.length;
  const edges = page.map((x) => ({ cursor: encodeCursor(x.k.id, x.k.value), node: x.item }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
