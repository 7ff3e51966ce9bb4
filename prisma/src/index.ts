// @calibr/db: the schema's client factory, migrations, encryption at rest and test databases.
export { createDb, createSchemaClient, isPrismaError, providerOf } from './client';
export type { CreateDbOptions, Db } from './client';
export { committedMigrations, migrateDatabase } from './migrate';
export type { MigrateResult, Migration } from './migrate';
export { databaseReadiness } from './readiness';
export { amazonSchema, appSchema, schemaSets, schemaSetUrl } from './schema-set';
export type { SchemaSet } from './schema-set';
export type { DatabaseReadiness } from './readiness';
export { dataDir, databaseProvider, defaultSqliteUrl, redactUrl, resolveDatabaseUrl, sqliteFilePath } from './url';
export type { DatabaseProvider } from './url';
export * from './crypto';
export { createTestDatabase, hasTestPostgres, POSTGRES_SKIP_REASON, testDatabaseProviders } from './testing';
export type { TestDatabase, TestDatabaseOptions } from './testing';
// The models' types and Prisma's input types (types only: each provider's client has its own runtime).
export type * from '../generated/sqlite';
