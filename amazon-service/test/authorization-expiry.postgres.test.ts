// Authorizations that expire, on PostgreSQL (when TEST_DATABASE_URL is set).
import { POSTGRES_SKIP_REASON, hasTestPostgres } from '@calibr/db/testing';
import { describe } from 'vitest';
import { authorizationExpirySuite } from './authorization-expiry.shared';

if (!hasTestPostgres()) console.warn(`authorization expiry on PostgreSQL: ${POSTGRES_SKIP_REASON}`);
describe.skipIf(!hasTestPostgres())('on PostgreSQL', () => authorizationExpirySuite('postgresql'));
