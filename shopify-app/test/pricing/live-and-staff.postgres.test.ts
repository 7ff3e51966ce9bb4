// The live fingerprint and staff names over HTTP, on PostgreSQL (when TEST_DATABASE_URL is set). See live-and-staff.shared.ts.
import { POSTGRES_SKIP_REASON, hasTestPostgres } from '@calibr/db/testing';
import { describe } from 'vitest';
import { liveAndStaffSuite } from './live-and-staff.shared';

if (!hasTestPostgres()) console.warn(`live pages and staff names on PostgreSQL: ${POSTGRES_SKIP_REASON}`);
describe.skipIf(!hasTestPostgres())('live pages and staff names (PostgreSQL)', () => liveAndStaffSuite('postgresql'));
