// Key rotation without downtime:
//   1. make the new key current: "v2:<new>,v1:<old>" (new writes use v2, v1 still decrypts), in the file
//      ENCRYPTION_KEYS_FILE names (every process re-reads it: no restart), or in ENCRYPTION_KEYS through two
//      rolling restarts ("v1,v2" everywhere first, then "v2,v1"), so no instance meets a key it lacks;
//   2. run rotateEncryptedColumns(db) on each schema set's database (`npm run db:rotate-keys -w @calibr/db`): it rewrites every v1 value as v2,
//      in small batches, each row updated only if it still holds the value that was read (a concurrent
//      writer's newer value is never overwritten);
//   3. when countStaleCiphertexts(db) is 0, drop v1 from ENCRYPTION_KEYS.
import type { Db } from '../client';
import { encryptedColumns } from './columns';
import type { EncryptedColumns } from './columns';
import { loadKeyring } from './keyring';
import type { Keyring } from './keyring';
import { decryptSecret, encryptSecret, isCiphertext, needsReencryption } from './secrets';

export interface RotationReport {
  /** rows looked at, per table */
  scanned: Record<string, number>;
  /** values rewritten with the current key, per table */
  reencrypted: Record<string, number>;
  /** values changed by someone else between read and write (already fresh; left as they are) */
  raced: number;
  /** non-null values in always-encrypted columns that are not ciphertext (a bug to investigate) */
  notEncrypted: number;
}

interface Delegate {
  findMany(args: {
    select: Record<string, true>;
    orderBy: { id: 'asc' };
    take: number;
    cursor?: { id: string };
    skip?: number;
  }): Promise<Array<Record<string, unknown>>>;
  updateMany(args: { where: Record<string, unknown>; data: Record<string, string> }): Promise<{ count: number }>;
}

/** Any schema set's client (the rotation only uses each model's findMany/updateMany). */
type AnyDb = Db | object;

function delegateOf(db: AnyDb, spec: EncryptedColumns): Delegate {
  const delegate = (db as unknown as Record<string, Delegate | undefined>)[spec.model];
  if (!delegate) throw new Error(`the client has no model ${spec.model}`);
  return delegate;
}

/** Pages through a table's ciphertext columns by id, `batchSize` rows at a time. */
async function* batches(db: AnyDb, spec: EncryptedColumns, batchSize: number): AsyncGenerator<Array<Record<string, unknown>>> {
  const delegate = delegateOf(db, spec);
  const select: Record<string, true> = { id: true };
  for (const column of spec.columns) select[column] = true;
  let cursor: string | undefined;
  for (;;) {
    const rows = await delegate.findMany({
      select,
      orderBy: { id: 'asc' },
      take: batchSize,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (rows.length > 0) yield rows;
    if (rows.length < batchSize) return;
    cursor = rows[rows.length - 1]?.id as string;
  }
}

export interface RotationOptions {
  keyring?: Keyring;
  batchSize?: number;
  /** the schema set's columns (encryptedColumnsOf(set)); default: the app's */
  columns?: readonly EncryptedColumns[];
}

export async function rotateEncryptedColumns(
  db: AnyDb,
  { keyring = loadKeyring(), batchSize = 200, columns = encryptedColumns }: RotationOptions = {},
): Promise<RotationReport> {
  const report: RotationReport = { scanned: {}, reencrypted: {}, raced: 0, notEncrypted: 0 };
  for (const spec of columns) {
    const delegate = delegateOf(db, spec);
    let scanned = 0;
    let reencrypted = 0;
    for await (const rows of batches(db, spec, batchSize)) {
      scanned += rows.length;
      for (const row of rows) {
        for (const column of spec.columns) {
          const value = row[column];
          if (typeof value !== 'string' || value === '') continue;
          if (!isCiphertext(value)) {
            if (spec.alwaysEncrypted) report.notEncrypted += 1;
            continue;
          }
          if (!needsReencryption(value, keyring)) continue;
          const fresh = encryptSecret(decryptSecret(value, keyring), keyring);
          // Compare-and-set: only if the row still holds what we read.
          const { count } = await delegate.updateMany({ where: { id: row.id, [column]: value }, data: { [column]: fresh } });
          if (count === 1) reencrypted += 1;
          else report.raced += 1;
        }
      }
    }
    report.scanned[spec.table] = scanned;
    report.reencrypted[spec.table] = reencrypted;
  }
  return report;
}

/** How many stored values are on another key than the current one (0: old keys may be dropped). */
export async function countStaleCiphertexts(
  db: AnyDb,
  keyring: Keyring = loadKeyring(),
  columns: readonly EncryptedColumns[] = encryptedColumns,
): Promise<number> {
  let stale = 0;
  for (const spec of columns) {
    for await (const rows of batches(db, spec, 500)) {
      for (const row of rows) {
        for (const column of spec.columns) {
          const value = row[column];
          if (typeof value === 'string' && isCiphertext(value) && needsReencryption(value, keyring)) stale += 1;
        }
      }
    }
  }
  return stale;
}
