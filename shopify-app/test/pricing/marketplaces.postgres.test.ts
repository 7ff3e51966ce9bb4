// Several Amazon marketplaces priced apart, on PostgreSQL (when TEST_DATABASE_URL is set).
import { POSTGRES_SKIP_REASON, hasTestPostgres } from '@calibr/db/testing';
import { describe } from 'vitest';
import { marketplacesSuite } from './marketplaces.shared';

if (!hasTestPostgres()) console.warn(`several marketplaces on PostgreSQL: ${POSTGRES_SKIP_REASON}`);
describe.skipIf(!hasTestPostgres())('several Amazon marketplaces (PostgreSQL)', () => {
  marketplacesSuite('postgresql');
});
