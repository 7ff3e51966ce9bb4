// Captured webhooks replayed under other headers, on PostgreSQL when TEST_DATABASE_URL is set (see
// ./webhook-replay.shared.ts). The app keeps one database client per process: one file per database.
import { POSTGRES_SKIP_REASON, hasTestPostgres } from '@calibr/db/testing';
import { describe } from 'vitest';
import { webhookReplaySuite } from './webhook-replay.shared';

if (!hasTestPostgres()) console.warn(`webhook replay on PostgreSQL: ${POSTGRES_SKIP_REASON}`);
describe.skipIf(!hasTestPostgres())('webhook replay (PostgreSQL)', () => {
  webhookReplaySuite('postgresql');
});
