// Amazon's per-application and per-seller rate limits, on SQLite (see application-limits.shared.ts).
import { describe } from 'vitest';
import { applicationLimitsSuite } from './application-limits.shared';

describe('on SQLite', () => applicationLimitsSuite('sqlite'));
