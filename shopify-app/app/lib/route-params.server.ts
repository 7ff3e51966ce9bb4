// Ids in a route's path (`/api/product-links/:linkId`, …) are ours: cuids, letters, digits, `-` and `_`.
// Anything else (NUL, `../`, RTL marks, kilobytes of text) names nothing we have, so it is a 404 here,
// before a database sees it (PostgreSQL refuses NUL in text with an error, not an empty result).
import { NotFoundError, ValidationError } from '@calibr/shared-contracts';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function pathId(value: string | undefined, resource: string): string {
  if (value === undefined || !ID.test(value)) throw new NotFoundError(`No such ${resource.replace(/_/g, ' ')}`, { resource, resourceId: (value ?? '').slice(0, 64) });
  return value;
}

const MAX_QUERY_VALUE = 2048;

/**
 * Query strings every API route shares the same limits on: no NUL characters (PostgreSQL refuses them in
 * a search) and no value longer than any filter or search needs. A 400 problem names the parameter.
 */
export function checkQuery(url: URL): void {
  for (const [name, value] of url.searchParams) {
    if (name.includes('\u0000') || value.includes('\u0000')) throw ValidationError.field(`query.${name.replaceAll('\u0000', '')}`, 'may not contain NUL characters', 'invalid_characters');
    if (value.length > MAX_QUERY_VALUE) throw ValidationError.field(`query.${name}`, `at most ${MAX_QUERY_VALUE} characters`, 'too_long');
  }
}

const COUNT = /^[0-9]{1,9}$/;

/**
 * A page number, page size or limit from the query string: absent or empty is `undefined` (the caller's
 * default); anything but a whole number from 1 to `max` is a 400 problem naming the parameter. (`Number`
 * alone lets `1e300`, `2.5` or `-1` through to the database's skip/take, which answer 500.)
 */
export function queryCount(query: URLSearchParams, name: string, max: number): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  const n = COUNT.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= max)) throw ValidationError.field(name, `${name} must be a whole number from 1 to ${max}`, 'invalid_number');
  return n;
}

/** checkQuery for the embedded pages: the page's 400 (its error boundary), not a server error. */
export function checkPageQuery(request: Request): void {
  try {
    checkQuery(new URL(request.url));
  } catch (error) {
    if (error instanceof ValidationError) throw new Response(error.message, { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    throw error;
  }
}
