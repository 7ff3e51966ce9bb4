// SQLite (the embedded default); PostgreSQL in offer-changes.postgres.test.ts.
import { describe } from 'vitest';
import { offerChangesSuite } from './offer-changes.shared';

describe('offer changes and the polling order (SQLite)', () => offerChangesSuite('sqlite'));
