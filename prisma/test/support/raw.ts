// Reads rows straight from the database file / server, around Prisma, to see what is really stored.
import Database from 'better-sqlite3';
import pg from 'pg';
import type { TestDatabase } from '../../src/testing';
import { postgresTarget } from '../../src/url';

/** Runs `sql` (table names unqualified; on PostgreSQL the test schema is the search_path). */
export async function rawRows(t: TestDatabase, sql: string): Promise<Array<Record<string, unknown>>> {
  if (t.provider === 'sqlite') {
    const db = new Database(t.location, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all() as Array<Record<string, unknown>>;
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: postgresTarget(t.url).connectionString });
  await client.connect();
  try {
    await client.query(`SET search_path TO "${t.location}"`);
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}
