// `npm run db:rotate-keys -w @calibr/db`: re-encrypts every ciphertext column with the current key
// (the first of ENCRYPTION_KEYS). Safe while the app runs; run until it reports 0 left.
import { createDb } from '../src/client';
import { countStaleCiphertexts, rotateEncryptedColumns } from '../src/crypto/rotate';
import { redactUrl, resolveDatabaseUrl } from '../src/url';

const db = createDb();
try {
  const report = await rotateEncryptedColumns(db);
  const left = await countStaleCiphertexts(db);
  console.log(`[db] key rotation on ${redactUrl(resolveDatabaseUrl())}`);
  for (const table of Object.keys(report.scanned)) {
    console.log(`[db]   ${table}: ${report.scanned[table]} rows scanned, ${report.reencrypted[table]} values re-encrypted`);
  }
  if (report.raced > 0) console.log(`[db]   ${report.raced} values changed concurrently (already current)`);
  if (report.notEncrypted > 0) console.warn(`[db]   WARNING: ${report.notEncrypted} values in ciphertext columns are not encrypted`);
  console.log(`[db]   values still on an old key: ${left}${left === 0 ? ' (old keys may now be removed from ENCRYPTION_KEYS)' : ''}`);
} finally {
  await db.$disconnect();
}
