// Expiring offline tokens: a lost refresh answer recovered, the old refresh token refused once the new one
// was used; on PostgreSQL when TEST_DATABASE_URL is set (see ./token-refresh.shared.ts).
import { POSTGRES_SKIP_REASON, hasTestPostgres } from '@calibr/db/testing';
import { describe } from 'vitest';
import { tokenRefreshSuite } from './token-refresh.shared';

if (!hasTestPostgres()) console.warn(`expiring offline token refresh on PostgreSQL: ${POSTGRES_SKIP_REASON}`);
describe.skipIf(!hasTestPostgres())('expiring offline token refresh (PostgreSQL)', () => {
  tokenRefreshSuite('postgresql');
});
