// A schema set: one Prisma schema with its own migrations and generated clients. Calibrate has two:
// the app's (prisma/) and the Amazon service's (amazon-service/prisma/), so the service can run on a
// database of its own. Every script and helper of @calibr/db takes a set; the default is the app's.
//
// Both sets may share one database (the embedded default: one SQLite file), so their table names
// never collide (the Amazon service's tables all start with "Amazon") and their migration names
// differ (each set's initial migration is `<prefix>0_init`): Prisma's bookkeeping table
// `_prisma_migrations` then holds both sets' rows side by side, and each set only reads its own.
import { resolve } from 'node:path';
import type { DatabaseProvider } from './url';
import { packageDir, repoRoot } from './url';

export interface SchemaSet {
  /** short name for logs and the CLI config (CALIBR_SCHEMA) */
  name: 'app' | 'amazon';
  /** the folder holding schema.prisma, migrations/<provider>/ and the gitignored generated/ */
  dir: string;
  /** the environment variable naming the set's database (falls back to DATABASE_URL, then the embedded file) */
  urlVariable: 'DATABASE_URL' | 'AMAZON_DATABASE_URL';
  /** the single initial migration's folder name, unique across sets */
  initMigration: string;
}

export const appSchema: SchemaSet = { name: 'app', dir: packageDir, urlVariable: 'DATABASE_URL', initMigration: '0_init' };

export const amazonSchema: SchemaSet = {
  name: 'amazon',
  dir: resolve(repoRoot, 'amazon-service/prisma'),
  urlVariable: 'AMAZON_DATABASE_URL',
  initMigration: '0_amazon_init',
};

export const schemaSets: readonly SchemaSet[] = [appSchema, amazonSchema];

export function schemaSetNamed(name: string | undefined): SchemaSet {
  const set = schemaSets.find((s) => s.name === (name || 'app'));
  if (!set) throw new Error(`Unknown schema set "${name}": use ${schemaSets.map((s) => s.name).join(' or ')}`);
  return set;
}

export const schemaFile = (set: SchemaSet): string => resolve(set.dir, 'schema.prisma');
export const generatedDir = (set: SchemaSet): string => resolve(set.dir, 'generated');
export const clientDir = (set: SchemaSet, provider: DatabaseProvider): string => resolve(generatedDir(set), provider);
export const migrationsDir = (set: SchemaSet, provider: DatabaseProvider): string => resolve(set.dir, 'migrations', provider);
/** The schema file the CLI reads for a provider: the source for SQLite, the derived variant for PostgreSQL. */
export const providerSchemaFile = (set: SchemaSet, provider: DatabaseProvider): string =>
  provider === 'sqlite' ? schemaFile(set) : resolve(generatedDir(set), 'schema/postgresql.prisma');

/** The set's database URL from the environment: its own variable, else DATABASE_URL (one database for both). */
export function schemaSetUrl(set: SchemaSet, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const own = env[set.urlVariable]?.trim();
  if (own) return own;
  const shared = env.DATABASE_URL?.trim();
  return shared || undefined;
}
