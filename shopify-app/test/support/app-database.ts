// The app's Prisma client is one per process (appContext().db), opened on DATABASE_URL by the first app
// module that needs it. A suite that runs the app's modules in-process on a test database of its own points
// them at it here, and lets the client go when done.
import type { TestDatabase } from '@calibr/db';
import { vi } from 'vitest';
import { appContext } from '../../app/app-context.server';

/**
 * The app's modules on `database`, the pricing worker off: the process's client dropped and the module
 * registry reset, so the app modules the suite imports after this open their client on this database.
 */
export async function useAppDatabase(database: TestDatabase): Promise<void> {
  await releaseAppDatabase();
  vi.resetModules();
  process.env.DATABASE_URL = database.url;
  process.env.PRICING_WORKER = 'off';
}

/** Disconnects and forgets the app's client (a suite's afterAll, before its database is cleaned up). */
export async function releaseAppDatabase(): Promise<void> {
  await appContext().db?.$disconnect().catch(() => undefined);
  appContext().db = undefined;
}
