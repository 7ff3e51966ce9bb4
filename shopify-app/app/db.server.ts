// The app's one Prisma client (SQLite by default, PostgreSQL by DATABASE_URL), kept across Vite's
// module reloads in development.
import { createDb, type Db } from '@calibr/db';

declare global {
  var calibrDb: Db | undefined;
}

export const db: Db = globalThis.calibrDb ?? (globalThis.calibrDb = createDb());
export default db;
