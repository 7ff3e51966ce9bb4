// A schema set's schema (schema.prisma, written for SQLite) and the PostgreSQL variant derived from it.
// Only the datasource provider, its placeholder url and the client's output folder differ.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { appSchema, providerSchemaFile, schemaFile } from '../../src/schema-set';
import type { SchemaSet } from '../../src/schema-set';
import type { DatabaseProvider } from '../../src/url';

export const providers: readonly DatabaseProvider[] = ['sqlite', 'postgresql'];

function replaceOnce(set: SchemaSet, text: string, search: RegExp, replacement: string): string {
  if (!search.test(text)) throw new Error(`${schemaFile(set)}: expected to find ${search} to derive the PostgreSQL variant`);
  return text.replace(search, replacement);
}

/** The schema text for a provider. */
export function schemaVariant(provider: DatabaseProvider, set: SchemaSet = appSchema, source = readFileSync(schemaFile(set), 'utf8')): string {
  if (provider === 'sqlite') return source;
  let text = replaceOnce(set, source, /(datasource db \{[^}]*provider\s*=\s*)"sqlite"/, '$1"postgresql"');
  text = replaceOnce(set, text, /(datasource db \{[^}]*url\s*=\s*)"[^"]*"/, '$1"postgresql://localhost:5432/calibrate"');
  // The variant lives in generated/schema/, so its client output is relative to that folder.
  text = replaceOnce(set, text, /(generator client \{[^}]*output\s*=\s*)"[^"]*"/, '$1"../postgresql"');
  const source_ = relative(dirname(dirname(set.dir)), schemaFile(set));
  return `// GENERATED from ${source_} by @calibr/db's scripts: do not edit.\n${text}`;
}

/** Writes the variants that are not the source file itself; returns each provider's schema path. */
export function writeSchemaVariants(set: SchemaSet = appSchema): Record<DatabaseProvider, string> {
  const postgresql = providerSchemaFile(set, 'postgresql');
  mkdirSync(dirname(postgresql), { recursive: true });
  writeFileSync(postgresql, schemaVariant('postgresql', set));
  return { sqlite: providerSchemaFile(set, 'sqlite'), postgresql };
}
