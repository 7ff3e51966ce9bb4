// Loads the sandbox's Admin GraphQL SDL (schema.graphql next to this file).
import fs from 'node:fs';
import { buildSchema, type GraphQLSchema } from 'graphql';

export const ADMIN_SCHEMA_SDL = fs.readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

/** The SDL as a schema, without resolvers (for checks and tooling). */
export function buildAdminSchemaFromSdl(): GraphQLSchema {
  return buildSchema(ADMIN_SCHEMA_SDL);
}
