// Ids in a route's path (`/api/product-links/:linkId`, …) are ours: cuids, letters, digits, `-` and `_`.
// Anything else (NUL, `../`, RTL marks, kilobytes of text) names nothing we have, so it is a 404 here,
// before a database sees it (PostgreSQL refuses NUL in text with an error, not an empty result).
import { NotFoundError } from '@calibr/shared-contracts';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function pathId(value: string | undefined, resource: string): string {
  if (value === undefined || !ID.test(value)) throw new NotFoundError(`No such ${resource.replace(/_/g, ' ')}`, { resource, resourceId: (value ?? '').slice(0, 64) });
  return value;
}
