// Every GraphQL document the app sends must validate against Shopify's published Admin schema.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { buildClientSchema, parse, validate, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ALL_DOCUMENTS } from '../app/platforms/shopify/connector/documents';

const schemaPath = fileURLToPath(
  new URL('../../../shared/reference/shopify/admin_schema_2025-01.json.gz', import.meta.url),
);
const hasSchema = existsSync(schemaPath);
if (!hasSchema) console.warn(`skipping: Shopify's reference schema is absent (${schemaPath})`);

function loadSchema(): GraphQLSchema {
  const introspection = JSON.parse(gunzipSync(readFileSync(schemaPath)).toString('utf8'));
  return buildClientSchema(introspection.data ?? introspection);
}

describe.skipIf(!hasSchema)('GraphQL documents against the Admin schema', () => {
  const schema = hasSchema ? loadSchema() : undefined;

  it.each(Object.entries(ALL_DOCUMENTS))('%s validates', (_name, source) => {
    const errors = validate(schema!, parse(source));
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it('the check can fail: a misspelt field is reported', () => {
    const errors = validate(schema!, parse('{ shop { nmae } }'));
    expect(errors.length).toBeGreaterThan(0);
  });
});
