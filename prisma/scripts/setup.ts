// Run by `npm install` (root postinstall → db:setup): generates every schema set's Prisma clients
// (skipped when a schema is unchanged), creates the development encryption key if there is none, and
// migrates the databases: the app's (DATABASE_URL) and the Amazon service's (AMAZON_DATABASE_URL, else
// DATABASE_URL), by default both in the embedded SQLite file .data/calibrate.db. Safe to run again.
import { ensureDevKeyFile, devKeyFile } from '../src/crypto/keyring';
import { migrateDatabase } from '../src/migrate';
import { schemaSets, schemaSetUrl } from '../src/schema-set';
import { redactUrl, resolveDatabaseUrl } from '../src/url';
import { generateClients } from './lib/generate-clients';

const started = Date.now();
for (const set of schemaSets) {
  const clients = await generateClients({ set });
  console.log(`[db] ${set.name} Prisma clients (sqlite, postgresql): ${clients.generated ? `generated in ${clients.ms} ms` : 'up to date'}`);
}

if (process.env.ENCRYPTION_KEYS?.trim()) {
  console.log('[db] encryption keys: from ENCRYPTION_KEYS');
} else if (process.env.ENCRYPTION_KEYS_FILE?.trim()) {
  console.log(`[db] encryption keys: from ENCRYPTION_KEYS_FILE (${process.env.ENCRYPTION_KEYS_FILE})`);
} else if (process.env.NODE_ENV === 'production') {
  console.log('[db] encryption keys: NODE_ENV=production, set ENCRYPTION_KEYS or ENCRYPTION_KEYS_FILE before starting (no local key is made)');
} else {
  const created = ensureDevKeyFile();
  console.log(`[db] encryption keys: development key ${created ? 'created in' : 'kept in'} ${devKeyFile}`);
}

for (const set of schemaSets) {
  const url = resolveDatabaseUrl(schemaSetUrl(set));
  try {
    const result = await migrateDatabase(url, set);
    const what = result.applied.length > 0 ? `applied ${result.applied.join(', ')}` : 'already up to date';
    console.log(`[db] ${set.name} schema, ${result.provider} database ${redactUrl(url)}: ${what}`);
  } catch (error) {
    console.error(`[db] could not migrate the ${set.name} schema on ${redactUrl(url)}: ${(error as Error).message}`);
    // Until Calibrate ships, each schema has one migration, regenerated when the schema changes: a database made
    // by an older one (e.g. the Amazon tables before the service had a schema of its own) can't take the new one.
    if (url.startsWith('file:')) console.error(`[db] a database made before a schema change: delete ${url.slice('file:'.length)} and run \`npm install\` again (or \`npm start\`, which builds it afresh).`);
    process.exitCode = 1;
  }
}
console.log(`[db] setup done in ${Date.now() - started} ms`);
