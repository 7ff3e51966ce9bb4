// The 2026-10 additions to the reference schema (src/reference/admin-2026-10-additions.graphql): each one
// names the shopify.dev page it was checked against, none was already in 2025-01 (else it would not be an
// addition), and the extended schema answers the documents the app sends with them.
import fs from 'node:fs';
import { Kind, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadShopifyReferenceSchema, SHOPIFY_REFERENCE_ADDITIONS_PATH, shopifyReferenceAdditions } from '../src/reference/shopify-admin-schema';

const bare = loadShopifyReferenceSchema(undefined, { withAdditions: false });

describe.skipIf(!bare)('the recorded 2026-10 additions to the reference schema', () => {
  const additions = shopifyReferenceAdditions();
  const text = fs.readFileSync(SHOPIFY_REFERENCE_ADDITIONS_PATH, 'utf8');

  it('each names its shopify.dev source, and none was in 2025-01', () => {
    const names: string[] = [];
    for (const def of additions.definitions) {
      if (def.kind === Kind.OBJECT_TYPE_EXTENSION) {
        for (const f of def.fields ?? []) {
          names.push(`${def.name.value}.${f.name.value}`);
          const existing = bare!.getType(def.name.value);
          expect(existing, `${def.name.value} exists in 2025-01`).toBeTruthy();
          expect((existing as { getFields(): Record<string, unknown> }).getFields()[f.name.value], `${def.name.value}.${f.name.value} already in 2025-01`).toBeUndefined();
        }
      } else if ('name' in def && def.name) {
        names.push(def.name.value);
        expect(bare!.getType(def.name.value), `${def.name.value} already in 2025-01`).toBeUndefined();
      }
      const start = def.loc!.start;
      const preceding = text.slice(0, start).trimEnd().split('\n').pop() ?? '';
      expect(preceding, `a "# source: https://shopify.dev/…" line right above ${'name' in def && def.name ? def.name.value : def.kind}`).toMatch(/^# source: https:\/\/shopify\.dev\/docs\/api\/admin-graphql\//);
    }
    expect(names).toEqual(['QueryRoot.bulkOperation', 'QueryRoot.bulkOperations', 'BulkOperationConnection', 'BulkOperationEdge', 'BulkOperationsSortKeys']);
  });

  it('the extended schema validates bulkOperations and bulkOperation(id) queries; 2025-01 alone does not', () => {
    const doc = parse(`query($id: ID!) {
      bulkOperation(id: $id) { id status }
      bulkOperations(first: 5, query: "status:running operation_type:mutation", sortKey: CREATED_AT) { nodes { id query } pageInfo { hasNextPage endCursor } }
    }`);
    expect(validate(loadShopifyReferenceSchema()!, doc)).toEqual([]);
    expect(validate(bare!, doc).length).toBeGreaterThan(0);
  });
});
