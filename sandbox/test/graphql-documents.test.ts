// Every GraphQL document in the project (.graphql files, `#graphql` templates, gql/graphql-tagged and
// /* GraphQL */ templates) must validate against Shopify's full Admin schema as the app calls it (2026-10):
// the 2025-01 reference introspection plus the elements checked by hand on shopify.dev's 2026-10
// reference (src/reference/shopify-2026-10-fields.ts), and use nothing 2025-01 marks deprecated. So what
// Calibrate sends works against the real Shopify, not only against the sandbox's subset.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, validate } from 'graphql';
import { checkGraphQLDocuments, findGraphQLDocuments, loadShopifyReferenceSchema, shopifyReferenceSchemaPath } from '../src/reference/shopify-admin-schema';
import { CHECKED_2026_10, SHOPIFY_PLAYED_API_VERSION, in202501, loadShopifyAdmin202610Schema } from '../src/reference/shopify-2026-10-fields';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = path.join(ROOT, 'sandbox', 'test', 'fixtures', 'graphql-documents');
const DEPRECATED = path.join(ROOT, 'sandbox', 'test', 'fixtures', 'graphql-deprecated');
const reference = loadShopifyReferenceSchema();
const schema = loadShopifyAdmin202610Schema();
if (!schema) console.warn(`SKIPPED: Shopify reference schema not found at ${shopifyReferenceSchemaPath()}`);

describe.skipIf(!schema)('GraphQL documents in the project', () => {
  it(`all validate against Shopify Admin ${SHOPIFY_PLAYED_API_VERSION} (2025-01 + the checked list), with no deprecated field`, () => {
    const checks = checkGraphQLDocuments(ROOT, schema!, { ignore: [FIXTURES, DEPRECATED], noDeprecated: true });
    expect(checks.filter((c) => !c.skipped).length).toBeGreaterThan(0);
    const failures = checks.filter((c) => c.errors.length).map((c) => `${path.relative(ROOT, c.file)}:${c.line}: ${c.errors.join('; ')}`);
    expect(failures).toEqual([]);
    const skipped = checks.filter((c) => c.skipped).map((c) => `${path.relative(ROOT, c.file)}:${c.line} (${c.skipped})`);
    if (skipped.length) console.info(`not checked statically:\n${skipped.join('\n')}`);
  });

  it('finds documents the way the checker is meant to', () => {
    const docs = findGraphQLDocuments(FIXTURES);
    expect(docs.map((d) => [path.basename(d.file), d.line])).toEqual([
      ['documents.ts', 2],
      ['documents.ts', 4],
      ['documents.ts', 6],
      ['documents.ts', 8],
      ['documents.ts', 13],
      ['query.graphql', 1],
    ]);
    const checks = checkGraphQLDocuments(FIXTURES, schema!);
    expect(checks.map((c) => c.errors.length > 0)).toEqual([false, true, false, false, false, false]);
    expect(checks[1]!.errors[0]).toContain('Cannot query field "notAField" on type "Shop"');
  });

  it('the checked 2026-10 list holds only what 2025-01 lacks, each with its shopify.dev 2026-10 page and the day it was read', () => {
    for (const e of CHECKED_2026_10) {
      expect(in202501(e.coordinate), `${e.coordinate} is in 2025-01 already: drop it from the list`).toBe(false);
      expect(e.url).toMatch(new RegExp(`^https://shopify\\.dev/docs/api/admin-graphql/${SHOPIFY_PLAYED_API_VERSION}/`));
      expect(e.checkedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('a field neither in 2025-01 nor in the checked list fails; a checked one passes; a deprecated one is refused', () => {
    const unknown = '{ bulkOperationz(first: 1) { nodes { id } } }';
    const checked = '{ bulkOperations(first: 5, query: "status:running") { nodes { id status } } bulkOperation(id: "gid://shopify/BulkOperation/1") { id } }';
    expect(validate(schema!, parse(unknown)).length).toBeGreaterThan(0);
    expect(validate(reference!, parse(checked)).length).toBeGreaterThan(0); // not in 2025-01…
    expect(validate(schema!, parse(checked)).map((e) => e.message)).toEqual([]); // …but checked for 2026-10
    const deprecated = checkGraphQLDocuments(DEPRECATED, schema!, { noDeprecated: true });
    expect(deprecated.map((c) => c.errors.join(' '))).toEqual([expect.stringContaining('is deprecated')]);
    expect(checkGraphQLDocuments(DEPRECATED, schema!).map((c) => c.errors)).toEqual([[]]);
  });
});
