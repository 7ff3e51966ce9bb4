// The Amazon service's hostile-input sweep on PostgreSQL (when TEST_DATABASE_URL is set), fewer runs.
import { POSTGRES_SKIP_REASON, hasTestPostgres } from '@calibr/db/testing';
import { describe } from 'vitest';
import { hostileServiceSuite } from './hostile-routes.shared';

if (!hasTestPostgres()) console.warn(`hostile input on PostgreSQL: ${POSTGRES_SKIP_REASON}`);
describe.skipIf(!hasTestPostgres())('on PostgreSQL', () => {
  hostileServiceSuite({ provider: 'postgresql', runs: 25 });
});
