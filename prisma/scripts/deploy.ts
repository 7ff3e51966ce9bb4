// `npm run db:deploy`: production migrations with Prisma's own `prisma migrate deploy` against
// DATABASE_URL (the committed migrations of its provider; never generates or resets anything).
import { databaseProvider, redactUrl, resolveDatabaseUrl } from '../src/url';
import { runPrisma } from './lib/prisma-cli';
import { writeSchemaVariants } from './lib/schema-variants';

const url = resolveDatabaseUrl();
if (!process.env.DATABASE_URL && process.env.NODE_ENV === 'production') {
  console.error('[db] DATABASE_URL is required for db:deploy in production');
  process.exit(1);
}
writeSchemaVariants(); // the CLI reads the provider from the schema file of DATABASE_URL's provider
console.log(`[db] prisma migrate deploy → ${databaseProvider(url)} ${redactUrl(url)}`);
const run = await runPrisma(['migrate', 'deploy'], { DATABASE_URL: url });
process.stdout.write(run.stdout);
process.stderr.write(run.stderr);
process.exitCode = run.code;
