// A product with 2,048 variants synced and priced, on PostgreSQL when TEST_DATABASE_URL is set (see
// ./catalog-2048-variants.shared.ts). The app keeps one database client per process: one file per database.
import { POSTGRES_SKIP_REASON, hasTestPostgres } from '@calibr/db/testing';
import { describe } from 'vitest';
import { productWith2048VariantsSuite } from './catalog-2048-variants.shared';

if (!hasTestPostgres()) console.warn(`a product with 2,048 variants on PostgreSQL: ${POSTGRES_SKIP_REASON}`);
describe.skipIf(!hasTestPostgres())('a product with 2,048 variants (PostgreSQL)', () => {
  productWith2048VariantsSuite('postgresql');
});
