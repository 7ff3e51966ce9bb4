// Competing rules through the API, on PostgreSQL (when TEST_DATABASE_URL is set). See rules-competing.shared.ts.
import { POSTGRES_SKIP_REASON, hasTestPostgres } from '@calibr/db/testing';
import { describe } from 'vitest';
import { rulesCompetingSuite } from './rules-competing.shared';

if (!hasTestPostgres()) console.warn(`competing rules on PostgreSQL: ${POSTGRES_SKIP_REASON}`);
describe.skipIf(!hasTestPostgres())('competing rules through the API (PostgreSQL)', () => rulesCompetingSuite('postgresql'));
