// Large manual edits need a confirmation, on PostgreSQL (when TEST_DATABASE_URL is set). See large-edit.shared.ts.
import { POSTGRES_SKIP_REASON, hasTestPostgres } from '@calibr/db/testing';
import { describe } from 'vitest';
import { largeEditSuite } from './large-edit.shared';

if (!hasTestPostgres()) console.warn(`large edited prices on PostgreSQL: ${POSTGRES_SKIP_REASON}`);
describe.skipIf(!hasTestPostgres())('large edited prices (PostgreSQL)', () => largeEditSuite('postgresql'));
