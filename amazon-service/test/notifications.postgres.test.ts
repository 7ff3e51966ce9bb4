// Amazon notifications on PostgreSQL (when TEST_DATABASE_URL is set; the suite: notifications.shared.ts).
import { POSTGRES_SKIP_REASON, hasTestPostgres } from '@calibr/db/testing';
import { describe } from 'vitest';
import { notificationSuite } from './notifications.shared';

if (!hasTestPostgres()) console.warn(`notifications on PostgreSQL: ${POSTGRES_SKIP_REASON}`);
describe.skipIf(!hasTestPostgres())('on PostgreSQL', () => {
  notificationSuite('postgresql');
});
