// `npm run db:generate -w @calibr/db`: generates every schema set's Prisma clients (SQLite and PostgreSQL):
// the app's (prisma/generated/) and the Amazon service's (amazon-service/prisma/generated/).
import { schemaSets } from '../src/schema-set';
import { generateClients } from './lib/generate-clients';

for (const set of schemaSets) {
  const result = await generateClients({ force: process.argv.includes('--force'), set });
  console.log(`[db] ${set.name} clients ${result.generated ? 'generated' : 'up to date'}: ${result.dirs.join(', ')} (${result.ms} ms)`);
}
