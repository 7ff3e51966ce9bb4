// Amazon's per-application and per-seller rate limits, on PostgreSQL (when TEST_DATABASE_URL is set).
import { POSTGRES_SKIP_REASON, hasTestPostgres } from '@calibr/db/testing';
import { describe } from 'vitest';
import { applicationLimitsSuite } from './application-limits.shared';

if (!hasTestPostgres()) console.warn(`application limits on PostgreSQL: ${POSTGRES_SKIP_REASON}`);
describe.skipIf(!hasTestPostgres())('on PostgreSQL', () => applicationLimitsSuite('postgresql'));
