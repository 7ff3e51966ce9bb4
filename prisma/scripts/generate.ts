// `npm run db:generate -w @calibr/db`: generates both Prisma clients (SQLite and PostgreSQL).
import { generateClients } from './lib/generate-clients';

const result = await generateClients({ force: process.argv.includes('--force') });
console.log(`[db] clients ${result.generated ? 'generated' : 'up to date'}: ${result.dirs.join(', ')} (${result.ms} ms)`);
