// Every GraphQL document the app sends must validate against Shopify's Admin schema as the app calls it
// (2026-10): the 2025-01 reference introspection plus the elements checked by hand on shopify.dev's 2026-10
// reference (@calibr/sandbox/admin-2026-10), and name nothing 2025-01 marks deprecated.
import { NoDeprecatedCustomRule, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadShopifyAdmin202610Schema } from '@calibr/sandbox/admin-2026-10';
import { SHOPIFY_API_VERSION } from '../app/platforms/shopify/connector/api-version';
import { ALL_DOCUMENTS } from '../app/platforms/shopify/connector/documents';

const schema = loadShopifyAdmin202610Schema();
if (!schema) console.warn("skipping: Shopify's reference schema is absent (../shared/reference/shopify)");
const RULES = [...specifiedRules, NoDeprecatedCustomRule];

describe.skipIf(!schema)('GraphQL documents against the Admin schema (2026-10)', () => {
  it('the app calls 2026-10', () => {
    expect(SHOPIFY_API_VERSION).toBe('2026-10');
  });

  it.each(Object.entries(ALL_DOCUMENTS))('%s validates', (_name, source) => {
    const errors = validate(schema!, parse(source), RULES);
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it('the check can fail: a misspelt field, an unchecked newer field and a deprecated field are reported', () => {
    expect(validate(schema!, parse('{ shop { nmae } }'), RULES).length).toBeGreaterThan(0);
    expect(validate(schema!, parse('{ bulkOperationz(first: 1) { nodes { id } } }'), RULES).length).toBeGreaterThan(0);
    expect(validate(schema!, parse('{ shop { domains { host } } }'), RULES).map((e) => e.message).join(' ')).toContain('deprecated');
  });
});
