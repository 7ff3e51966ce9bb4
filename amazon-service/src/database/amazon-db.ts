// The Amazon service's own database: its schema set (amazon-service/prisma/schema.prisma, tables named
// "Amazon…"), on AMAZON_DATABASE_URL, else DATABASE_URL (the embedded default: the app's SQLite file),
// else the embedded file. @calibr/db provides the mechanism (adapters, migrations, SQLite gate); the
// client type is this schema's own, so the app's tables are not even names here.
import { amazonSchema, createSchemaClient, migrateDatabase, redactUrl, resolveDatabaseUrl, schemaSetUrl } from '@calibr/db';
import type { CreateDbOptions, MigrateResult } from '@calibr/db';
import type { PrismaClient } from '../../prisma/generated/sqlite';

/** The client every part of the service codes against (the SQLite client's API; both providers offer it). */
export type AmazonDb = PrismaClient;

/** The database URL to use: the argument, else AMAZON_DATABASE_URL, else DATABASE_URL, else the embedded file. */
export function amazonDatabaseUrl(url?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolveDatabaseUrl(url ?? schemaSetUrl(amazonSchema, env));
}

export function createAmazonDb(url?: string, options: CreateDbOptions = {}): AmazonDb {
  return createSchemaClient<AmazonDb>(amazonSchema, amazonDatabaseUrl(url), options);
}

/** Applies the service's pending migrations (run on start; safe to run from several processes at once). */
export function migrateAmazonDatabase(url?: string): Promise<MigrateResult> {
  return migrateDatabase(amazonDatabaseUrl(url), amazonSchema);
}

export { amazonSchema, redactUrl };
