// The hostile-input sweep on PostgreSQL (when TEST_DATABASE_URL is set), with fewer runs per property:
// NUL characters, oversize text and another shop's ids are where the two databases differ.
import { POSTGRES_SKIP_REASON, hasTestPostgres } from '@calibr/db/testing';
import { describe } from 'vitest';
import { hostileApiSuite } from './hostile-api.shared';

if (!hasTestPostgres()) console.warn(`hostile input on PostgreSQL: ${POSTGRES_SKIP_REASON}`);
describe.skipIf(!hasTestPostgres())('on PostgreSQL', () => {
  hostileApiSuite({ provider: 'postgresql', runs: 20 });
});
