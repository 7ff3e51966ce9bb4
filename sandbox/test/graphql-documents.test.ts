// Every GraphQL document in the project (.graphql files, `#graphql` templates, gql/graphql-tagged and
// /* GraphQL */ templates) must validate against Shopify's full Admin schema (the 2025-01 reference extended by
// the recorded 2026-10 additions), so what Calibrate sends works against the real Shopify, not only against
// the sandbox's subset.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkGraphQLDocuments, findGraphQLDocuments, loadShopifyReferenceSchema, shopifyReferenceSchemaPath } from '../src/reference/shopify-admin-schema';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = path.join(ROOT, 'sandbox', 'test', 'fixtures', 'graphql-documents');
const schema = loadShopifyReferenceSchema();
if (!schema) console.warn(`SKIPPED: Shopify reference schema not found at ${shopifyReferenceSchemaPath()}`);

describe.skipIf(!schema)('GraphQL documents in the project', () => {
  it('all validate against Shopify Admin 2025-01 plus the recorded 2026-10 additions', () => {
    const checks = checkGraphQLDocuments(ROOT, schema!, { ignore: [FIXTURES] });
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
});
