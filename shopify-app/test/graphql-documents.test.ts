// Every GraphQL document the app sends must validate against Shopify's published Admin schema: the 2025-01
// introspection extended with the 2026-10 additions recorded from shopify.dev (the sandbox's
// src/reference/admin-2026-10-additions.graphql; e.g. bulkOperation(id) and bulkOperations).
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadShopifyReferenceSchema, shopifyReferenceSchemaPath } from '@calibr/sandbox/reference-schema';
import { ALL_DOCUMENTS } from '../app/platforms/shopify/connector/documents';

const schema = loadShopifyReferenceSchema();
if (!schema) console.warn(`skipping: Shopify's reference schema is absent (${shopifyReferenceSchemaPath()})`);

describe.skipIf(!schema)('GraphQL documents against the Admin schema', () => {
  it.each(Object.entries(ALL_DOCUMENTS))('%s validates', (_name, source) => {
    const errors = validate(schema!, parse(source));
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it('the check can fail: a misspelt field is reported', () => {
    const errors = validate(schema!, parse('{ shop { nmae } }'));
    expect(errors.length).toBeGreaterThan(0);
  });
});
