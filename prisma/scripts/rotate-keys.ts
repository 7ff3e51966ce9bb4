// `npm run db:rotate-keys -w @calibr/db`: re-encrypts every ciphertext column with the current key
// (the first of ENCRYPTION_KEYS), in the app's database (DATABASE_URL) and the Amazon service's
// (AMAZON_DATABASE_URL, else DATABASE_URL). Safe while the app runs; run until it reports 0 left.
import { createSchemaClient } from '../src/client';
import { encryptedColumnsOf } from '../src/crypto/columns';
import { countStaleCiphertexts, rotateEncryptedColumns } from '../src/crypto/rotate';
import { schemaSets, schemaSetUrl } from '../src/schema-set';
import { redactUrl, resolveDatabaseUrl } from '../src/url';

let left = 0;
for (const set of schemaSets) {
  const url = resolveDatabaseUrl(schemaSetUrl(set));
  const db = createSchemaClient<{ $disconnect(): Promise<void> }>(set, url);
  const columns = encryptedColumnsOf(set);
  try {
    const report = await rotateEncryptedColumns(db, { columns });
    const stale = await countStaleCiphertexts(db, undefined, columns);
    left += stale;
    console.log(`[db] key rotation, ${set.name} schema on ${redactUrl(url)}`);
    for (const table of Object.keys(report.scanned)) {
      console.log(`[db]   ${table}: ${report.scanned[table]} rows scanned, ${report.reencrypted[table]} values re-encrypted`);
    }
    if (report.raced > 0) console.log(`[db]   ${report.raced} values changed concurrently (already current)`);
    if (report.notEncrypted > 0) console.warn(`[db]   WARNING: ${report.notEncrypted} values in ciphertext columns are not encrypted`);
    console.log(`[db]   values still on an old key: ${stale}`);
  } finally {
    await db.$disconnect();
  }
}
console.log(`[db] values still on an old key in all: ${left}${left === 0 ? ' (old keys may now be removed from ENCRYPTION_KEYS)' : ''}`);
