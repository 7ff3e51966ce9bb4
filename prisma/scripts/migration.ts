// `npm run db:migration -w @calibr/db`: regenerates each provider's single initial migration from
// schema.prisma. Run it after changing the schema (under `flock /tmp/calibr-schema.lock`), then
// commit schema.prisma together with prisma/migrations/. The drift test fails until you do.
import { providers } from './lib/schema-variants';
import { initMigrationPath, readCommittedInitMigration, renderInitMigration, writeInitMigration } from './lib/init-migration';

const rendered = await Promise.all(providers.map(async (provider) => [provider, await renderInitMigration(provider)] as const));
for (const [provider, sql] of rendered) {
  const changed = readCommittedInitMigration(provider) !== sql;
  writeInitMigration(provider, sql);
  console.log(`[db] ${provider}: ${changed ? 'rewrote' : 'unchanged'} ${initMigrationPath(provider)}`);
}
