// SQLite (the embedded default); PostgreSQL in rules-competing.postgres.test.ts.
import { describe } from 'vitest';
import { rulesCompetingSuite } from './rules-competing.shared';

describe('competing rules through the API (SQLite)', () => rulesCompetingSuite('sqlite'));
