// Offer changes and the polling order on PostgreSQL (when TEST_DATABASE_URL is set). See offer-changes.shared.ts.
import { POSTGRES_SKIP_REASON, hasTestPostgres } from '@calibr/db/testing';
import { describe } from 'vitest';
import { offerChangesSuite } from './offer-changes.shared';

if (!hasTestPostgres()) console.warn(`offer changes on PostgreSQL: ${POSTGRES_SKIP_REASON}`);
describe.skipIf(!hasTestPostgres())('offer changes and the polling order (PostgreSQL)', () => offerChangesSuite('postgresql'));
