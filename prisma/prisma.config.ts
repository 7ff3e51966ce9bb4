// Prisma CLI configuration. Prisma 6.19 offline: the JavaScript schema engine ("js") with a driver
// adapter chosen from the schema set's database URL (the embedded SQLite file when unset).
// CALIBR_SCHEMA picks the set: app (default, DATABASE_URL) or amazon (AMAZON_DATABASE_URL, else DATABASE_URL).
import { defineConfig } from 'prisma/config';
import { createCliAdapter } from './src/adapters';
import { migrationsDir, providerSchemaFile, schemaSetNamed, schemaSetUrl } from './src/schema-set';
import { databaseProvider, resolveDatabaseUrl } from './src/url';

const set = schemaSetNamed(process.env.CALIBR_SCHEMA);
const url = resolveDatabaseUrl(schemaSetUrl(set));
const provider = databaseProvider(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: providerSchemaFile(set, provider),
  migrations: { path: migrationsDir(set, provider) },
  adapter: async () => createCliAdapter(url),
});
