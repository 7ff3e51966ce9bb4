// Runs a suite on SQLite always and on PostgreSQL when TEST_DATABASE_URL is set; otherwise the
// PostgreSQL suite is reported as skipped, with the reason in its name.
import { describe } from 'vitest';
import { hasTestPostgres, POSTGRES_SKIP_REASON } from '../../src/testing';
import type { DatabaseProvider } from '../../src/url';

export function describeOnEachDatabase(title: string, suite: (provider: DatabaseProvider) => void): void {
  describe(`${title} [SQLite]`, () => suite('sqlite'));
  const postgres = hasTestPostgres();
  describe.skipIf(!postgres)(`${title} [PostgreSQL]${postgres ? '' : ` — ${POSTGRES_SKIP_REASON}`}`, () =>
    suite('postgresql'),
  );
}
