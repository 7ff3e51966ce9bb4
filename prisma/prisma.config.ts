// Prisma CLI configuration. Prisma 6.19 offline: the JavaScript schema engine ("js") with a driver
// adapter chosen from DATABASE_URL (the embedded SQLite file when unset). Migrations live per provider.
import { resolve } from 'node:path';
import { defineConfig } from 'prisma/config';
import { createCliAdapter } from './src/adapters';
import { databaseProvider, packageDir, resolveDatabaseUrl } from './src/url';

const url = resolveDatabaseUrl();
const provider = databaseProvider(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: resolve(packageDir, provider === 'postgresql' ? 'generated/schema/postgresql.prisma' : 'schema.prisma'),
  migrations: { path: resolve(packageDir, 'migrations', provider) },
  adapter: async () => createCliAdapter(url),
});
