// Readiness for a health endpoint: the database answers and every committed migration is applied
// (a process started against a database another deploy has not migrated yet is not ready).
import type { Db } from './client';
import { providerOf } from './client';
import { committedMigrations } from './migrate';
import { appSchema } from './schema-set';
import type { SchemaSet } from './schema-set';

export interface DatabaseReadiness {
  ok: boolean;
  /** `database`: ok | unreachable; `migrations`: applied | pending (with `missing`) | unknown; `error` when one was met. */
  detail: Record<string, unknown>;
}

/**
 * `summarize` turns an error into a short line without secrets (each service has its own); `set` is
 * the schema set whose migrations must be applied (the app's by default).
 */
export async function databaseReadiness(
  db: Pick<Db, '$queryRawUnsafe'>,
  summarize: (error: unknown) => string,
  set: SchemaSet = appSchema,
): Promise<DatabaseReadiness> {
  try {
    await db.$queryRawUnsafe('SELECT 1');
  } catch (error) {
    return { ok: false, detail: { database: 'unreachable', error: summarize(error) } };
  }
  try {
    const rows = await db.$queryRawUnsafe<Array<{ migration_name: string }>>(
      'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    const missing = committedMigrations(providerOf(db), set)
      .map((m) => m.name)
      .filter((name) => !applied.has(name));
    if (missing.length > 0) return { ok: false, detail: { database: 'ok', migrations: 'pending', missing } };
    return { ok: true, detail: { database: 'ok', migrations: 'applied' } };
  } catch (error) {
    return { ok: false, detail: { database: 'ok', migrations: 'unknown', error: summarize(error) } };
  }
}
