// Shopify 2026-10's rules the app must handle, on PostgreSQL when TEST_DATABASE_URL is set (see
// ./shopify-fidelity.shared.ts). The app keeps one database client per process: one file per database.
import { POSTGRES_SKIP_REASON, hasTestPostgres } from '@calibr/db/testing';
import { describe } from 'vitest';
import { shopifyFidelitySuite } from './shopify-fidelity.shared';

if (!hasTestPostgres()) console.warn(`Shopify fidelity on PostgreSQL: ${POSTGRES_SKIP_REASON}`);
describe.skipIf(!hasTestPostgres())('Shopify fidelity (PostgreSQL)', () => {
  shopifyFidelitySuite('postgresql');
});
