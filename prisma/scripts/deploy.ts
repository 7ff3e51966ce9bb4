// `npm run db:deploy`: production migrations with Prisma's own `prisma migrate deploy` (the committed
// migrations of the URL's provider; never generates or resets anything). The app's schema on
// DATABASE_URL by default; `--schema amazon` (`npm run db:deploy:amazon`) deploys the Amazon service's on AMAZON_DATABASE_URL
// (else DATABASE_URL). The Amazon service also applies its own migrations when it starts.
import { schemaSetNamed, schemaSetUrl } from '../src/schema-set';
import { databaseProvider, redactUrl, resolveDatabaseUrl } from '../src/url';
import { runPrisma } from './lib/prisma-cli';
import { writeSchemaVariants } from './lib/schema-variants';

const flag = process.argv.indexOf('--schema');
const set = schemaSetNamed(flag >= 0 ? process.argv[flag + 1] : undefined);
const chosen = schemaSetUrl(set);
const url = resolveDatabaseUrl(chosen);
if (!chosen && process.env.NODE_ENV === 'production') {
  console.error(`[db] ${set.urlVariable} (or DATABASE_URL) is required for db:deploy in production`);
  process.exit(1);
}
writeSchemaVariants(set); // the CLI reads the provider from the schema file of the URL's provider
console.log(`[db] prisma migrate deploy (${set.name} schema) → ${databaseProvider(url)} ${redactUrl(url)}`);
const run = await runPrisma(['migrate', 'deploy'], { DATABASE_URL: url, [set.urlVariable]: url }, set);
process.stdout.write(run.stdout);
process.stderr.write(run.stderr);
process.exitCode = run.code;
