// The job engine on the app's database (@calibr/jobs): every background task of the app is a queue of
// jobs here. Workers start from the server's entry points (startup.server.ts), never on import. Their
// housekeeping deletes finished jobs after the engine's retention (7 days, failed 30; JOB_RETENTION_*_DAYS):
// no queue of the app needs its finished rows (webhook duplicates are told by the ProcessedWebhook row,
// pushes by the PriceChange's status, policy runs by PendingReprice rows).
import { Jobs } from '@calibr/jobs';
import { providerOf, type Db } from '@calibr/db';
import { db } from './db.server';

// One engine per database client: the engine itself holds no state beyond its client and clock.
const engines = new WeakMap<Db, Jobs>();

/** The engine on a client made by createDb (default: the app's). */
export function jobsOn(client: Db = db): Jobs {
  let jobs = engines.get(client);
  if (!jobs) engines.set(client, (jobs = new Jobs({ db: client, dialect: providerOf(client) })));
  return jobs;
}

/** The queues, by name: one per kind of background work. */
export const QUEUES = {
  /** one job per recorded Shopify webhook delivery (key: the ProcessedWebhook id) */
  webhooks: 'shopify.webhooks',
  /** one job per price change being pushed (key: the PriceChange id) */
  pricePush: 'pricing.push',
} as const;
