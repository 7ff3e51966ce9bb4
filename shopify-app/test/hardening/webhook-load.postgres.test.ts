// Bounded webhook load on PostgreSQL (a fresh schema in TEST_DATABASE_URL). See webhook-load.shared.ts.
import { describe } from 'vitest';
import { POSTGRES_SKIP_REASON, hasTestPostgres } from '@calibr/db/testing';
import { webhookLoadSuite } from './webhook-load.shared';

if (!hasTestPostgres()) console.warn(`webhook load on PostgreSQL: ${POSTGRES_SKIP_REASON}`);
describe.skipIf(!hasTestPostgres())('products/update under load (PostgreSQL)', () => webhookLoadSuite('postgresql'));
