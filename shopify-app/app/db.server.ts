// The app's one Prisma client (SQLite by default, PostgreSQL by DATABASE_URL): the one the server entry
// handed in (server/production.ts), else made here on first import and kept in the app context (one per
// process, see app-context.server.ts). A Prisma client connects on its first query, not when made.
import { createDb, type Db } from '@calibr/db';
import { appContext } from './app-context.server';

export const db: Db = (appContext().db ??= createDb());
export default db;
