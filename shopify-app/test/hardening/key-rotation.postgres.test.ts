// Encryption key rotation without downtime, on PostgreSQL when TEST_DATABASE_URL is set (key-rotation.shared.ts).
import { POSTGRES_SKIP_REASON, hasTestPostgres } from '@calibr/db/testing';
import { describe } from 'vitest';
import { keyRotationSuite } from './key-rotation.shared';

if (!hasTestPostgres()) console.warn(`key rotation on PostgreSQL: ${POSTGRES_SKIP_REASON}`);
describe.skipIf(!hasTestPostgres())('encryption key rotation without downtime (PostgreSQL)', () => {
  keyRotationSuite('postgresql');
});
