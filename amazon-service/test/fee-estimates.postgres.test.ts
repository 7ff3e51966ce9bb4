// Fee estimates on PostgreSQL (when TEST_DATABASE_URL is set; the suite: fee-estimates.shared.ts).
import { POSTGRES_SKIP_REASON, hasTestPostgres } from '@calibr/db/testing';
import { describe } from 'vitest';
import { feeEstimateSuite } from './fee-estimates.shared';

if (!hasTestPostgres()) console.warn(`fee estimates on PostgreSQL: ${POSTGRES_SKIP_REASON}`);
describe.skipIf(!hasTestPostgres())('on PostgreSQL', () => {
  feeEstimateSuite('postgresql');
});
