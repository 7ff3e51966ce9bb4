// The app's job engine (@calibr/jobs) on its database: one per process, kept in the app context.
// Catalog sync runs and the competitive monitor's turns are its jobs; their workers start from the server
// entry points (startup.server.ts), never here.
import { providerOf } from '@calibr/db';
import { Jobs } from '@calibr/jobs';
import { appContext } from './app-context.server';
import { db } from './db.server';

export function appJobs(): Jobs {
  const context = appContext();
  return (context.jobs ??= new Jobs({ db, dialect: providerOf(db) }));
}
