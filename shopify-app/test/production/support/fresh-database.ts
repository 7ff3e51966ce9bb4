// A database nobody has migrated yet, for app processes that migrate on start: a PostgreSQL schema of its own
// when TEST_DATABASE_URL is set, else a SQLite file in a temporary folder; `drop` removes it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export function freshDatabase(postgres: boolean, prefix: string): { url: string; drop: () => Promise<void> } {
  if (postgres) {
    const url = new URL(process.env.TEST_DATABASE_URL!.trim());
    const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
    url.searchParams.set('schema', schema);
    return {
      url: url.toString(),
      drop: async () => {
        const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL!.trim() });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), `calibr-${prefix}-`));
  return { url: `file:${join(dir, 'app.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}
