// The one schema (schema.prisma, written for SQLite) and the PostgreSQL variant derived from it.
// Only the datasource provider, its placeholder url and the client's output folder differ.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { packageDir } from '../../src/url';
import type { DatabaseProvider } from '../../src/url';

export const providers: readonly DatabaseProvider[] = ['sqlite', 'postgresql'];

export const schemaPath = resolve(packageDir, 'schema.prisma');
export const generatedDir = resolve(packageDir, 'generated');
const variantDir = resolve(generatedDir, 'schema');

export function clientDir(provider: DatabaseProvider): string {
  return resolve(generatedDir, provider);
}

export function migrationsDir(provider: DatabaseProvider): string {
  return resolve(packageDir, 'migrations', provider);
}

function replaceOnce(text: string, search: RegExp, replacement: string): string {
  if (!search.test(text)) throw new Error(`schema.prisma: expected to find ${search} to derive the PostgreSQL variant`);
  return text.replace(search, replacement);
}

/** The schema text for a provider. */
export function schemaVariant(provider: DatabaseProvider, source = readFileSync(schemaPath, 'utf8')): string {
  if (provider === 'sqlite') return source;
  let text = replaceOnce(source, /(datasource db \{[^}]*provider\s*=\s*)"sqlite"/, '$1"postgresql"');
  text = replaceOnce(text, /(datasource db \{[^}]*url\s*=\s*)"[^"]*"/, '$1"postgresql://localhost:5432/calibrate"');
  // The variant lives in generated/schema/, so its client output is relative to that folder.
  text = replaceOnce(text, /(generator client \{[^}]*output\s*=\s*)"[^"]*"/, '$1"../postgresql"');
  return `// GENERATED from prisma/schema.prisma by @calibr/db's scripts: do not edit.\n${text}`;
}

/** Writes the variants that are not the source file itself; returns each provider's schema path. */
export function writeSchemaVariants(): Record<DatabaseProvider, string> {
  mkdirSync(variantDir, { recursive: true });
  const postgresql = resolve(variantDir, 'postgresql.prisma');
  writeFileSync(postgresql, schemaVariant('postgresql'));
  return { sqlite: schemaPath, postgresql };
}
