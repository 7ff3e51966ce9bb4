// The app calls Admin API 2026-10, but the only introspection we hold is 2025-01's. Every schema element
// the app's documents use that 2025-01 lacks is listed here, each checked by hand against shopify.dev's
// 2026-10 reference (the URL and the day it was read). `loadShopifyAdmin202610Schema()` is the 2025-01
// schema extended with exactly these, so a document naming anything else fails validation
// (test/graphql-documents.test.ts, shopify-app/test/graphql-documents.test.ts); a field 2025-01 already
// marks deprecated fails too (a candidate for removal by 2026-10) unless it is checked here.
import { extendSchema, parse, type GraphQLSchema } from 'graphql';
import { loadShopifyReferenceSchema } from './shopify-admin-schema';

/** The Admin API version the app calls and the sandbox plays. */
export { SHOPIFY_PLAYED_API_VERSION } from '../shopify/api-version';

export interface Checked202610Element {
  /** `Type.field` for a field, `Type` for a whole type */
  coordinate: string;
  /** the element as SDL (`extend type …` for a field, the type definition for a type) */
  sdl: string;
  /** shopify.dev's 2026-10 reference page that shows it */
  url: string;
  /** YYYY-MM-DD the page was read */
  checkedOn: string;
  /** what the page shows, when it is not plain */
  note?: string;
}

export const CHECKED_2026_10: readonly Checked202610Element[] = [
  {
    coordinate: 'QueryRoot.bulkOperations',
    sdl: 'extend type QueryRoot { bulkOperations(after: String, before: String, first: Int, last: Int, query: String, reverse: Boolean = false, sortKey: BulkOperationsSortKeys = CREATED_AT): BulkOperationConnection! }',
    url: 'https://shopify.dev/docs/api/admin-graphql/2026-10/queries/bulkOperations',
    checkedOn: '2026-12-07',
    note: 'added in 2026-01 (changelog "New Queries for Bulk Operations"); arguments as on the 2026-07 and latest (2026-10) pages; query filters created_at, id, operation_type, status',
  },
  {
    coordinate: 'QueryRoot.bulkOperation',
    sdl: 'extend type QueryRoot { bulkOperation(id: ID!): BulkOperation }',
    url: 'https://shopify.dev/docs/api/admin-graphql/2026-10/queries/bulkOperation',
    checkedOn: '2026-12-07',
    note: 'added in 2026-01 with bulkOperations (same changelog entry); "Returns a BulkOperation resource by ID"',
  },
  {
    coordinate: 'BulkOperationsSortKeys',
    sdl: 'enum BulkOperationsSortKeys { COMPLETED_AT CREATED_AT }',
    url: 'https://shopify.dev/docs/api/admin-graphql/2026-10/enums/BulkOperationsSortKeys',
    checkedOn: '2026-12-07',
  },
  {
    coordinate: 'BulkOperationConnection',
    sdl: 'type BulkOperationConnection { edges: [BulkOperationEdge!]! nodes: [BulkOperation!]! pageInfo: PageInfo! }',
    url: 'https://shopify.dev/docs/api/admin-graphql/2026-10/connections/BulkOperationConnection',
    checkedOn: '2026-12-07',
  },
  {
    coordinate: 'BulkOperationEdge',
    sdl: 'type BulkOperationEdge { cursor: String! node: BulkOperation! }',
    url: 'https://shopify.dev/docs/api/admin-graphql/2026-10/objects/BulkOperationEdge',
    checkedOn: '2026-12-07',
  },
];

let cached: GraphQLSchema | null | undefined;

/** Shopify's 2025-01 Admin schema plus the checked 2026-10 elements, or null when the reference is absent. */
export function loadShopifyAdmin202610Schema(): GraphQLSchema | null {
  if (cached !== undefined) return cached;
  const base = loadShopifyReferenceSchema();
  cached = base ? extendSchema(base, parse(CHECKED_2026_10.map((e) => e.sdl).join('\n'))) : null;
  return cached;
}

/** Whether the 2025-01 introspection already has a coordinate (`Type` or `Type.field`). */
export function in202501(coordinate: string): boolean {
  const schema = loadShopifyReferenceSchema();
  if (!schema) return false;
  const [typeName, field] = coordinate.split('.');
  const type = schema.getType(typeName!);
  if (!type) return false;
  if (!field) return true;
  return 'getFields' in type && field in (type.getFields() as Record<string, unknown>);
}
