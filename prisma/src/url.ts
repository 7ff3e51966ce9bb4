// Where the database is: DATABASE_URL decides, and with none set we use the embedded SQLite file.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type DatabaseProvider = 'sqlite' | 'postgresql';

/** The @calibr/db package folder (prisma/) and the repository root above it. */
export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(packageDir, '..');

/** Gitignored folder for local state: the default SQLite database and the dev encryption key. */
export const dataDir = resolve(repoRoot, '.data');
export const defaultSqliteUrl = `file:${resolve(dataDir, 'calibrate.db')}`;

/** The URL to use: the argument, else DATABASE_URL, else the embedded SQLite file. */
export function resolveDatabaseUrl(url?: string): string {
  const chosen = url ?? process.env.DATABASE_URL;
  return chosen && chosen.trim() !== '' ? chosen.trim() : defaultSqliteUrl;
}

export function databaseProvider(url: string): DatabaseProvider {
  if (/^postgres(ql)?:\/\//i.test(url)) return 'postgresql';
  if (url.startsWith('file:')) return 'sqlite';
  throw new Error(
    `Unsupported DATABASE_URL scheme in "${redactUrl(url)}": use file:<path> (SQLite) or postgresql://… (PostgreSQL)`,
  );
}

/**
 * The SQLite file path of a `file:` URL. Relative paths are taken from the repository root, so
 * every workspace and script means the same file whatever its working directory.
 */
export function sqliteFilePath(url: string): string {
  const raw = url.replace(/^file:(\/\/)?/, '').replace(/\?.*$/, '');
  if (raw === ':memory:') return raw;
  return isAbsolute(raw) ? raw : resolve(repoRoot, raw);
}

/** PostgreSQL connection string without Prisma's `schema` parameter, and that schema (if any). */
export function postgresTarget(url: string): { connectionString: string; schema: string | undefined } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema: schema && schema !== 'public' ? schema : undefined };
}

/** A URL fit for logs: the password is never printed. */
export function redactUrl(url: string): string {
  if (url.startsWith('file:')) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

export function sqliteFileExists(url: string): boolean {
  return existsSync(sqliteFilePath(url));
}
