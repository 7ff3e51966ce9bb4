// The settings page's messages on PostgreSQL (when TEST_DATABASE_URL is set; the suite: settings-messages.shared.ts).
import { POSTGRES_SKIP_REASON, hasTestPostgres } from '@calibr/db/testing';
import { describe } from 'vitest';
import { settingsMessagesSuite } from './settings-messages.shared';

if (!hasTestPostgres()) console.warn(`settings page messages on PostgreSQL: ${POSTGRES_SKIP_REASON}`);
describe.skipIf(!hasTestPostgres())('on PostgreSQL', () => {
  settingsMessagesSuite('postgresql');
});
