// `npm run db:migration -w @calibr/db`: regenerates each schema set's single initial migration per
// provider from its schema (prisma/schema.prisma → 0_init, amazon-service/prisma/schema.prisma →
// 0_amazon_init). Run it after changing a schema (under `flock /tmp/calibr-schema.lock`), then commit
// the schema together with its migrations/. The drift test fails until you do.
import { schemaSets } from '../src/schema-set';
import { providers } from './lib/schema-variants';
import { initMigrationPath, readCommittedInitMigration, renderInitMigration, writeInitMigration } from './lib/init-migration';

for (const set of schemaSets) {
  const rendered = await Promise.all(providers.map(async (provider) => [provider, await renderInitMigration(provider, set)] as const));
  for (const [provider, sql] of rendered) {
    const changed = readCommittedInitMigration(provider, set) !== sql;
    writeInitMigration(provider, sql, set);
    console.log(`[db] ${set.name} ${provider}: ${changed ? 'rewrote' : 'unchanged'} ${initMigrationPath(provider, set)}`);
  }
}
