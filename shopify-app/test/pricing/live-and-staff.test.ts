// The live fingerprint and staff names over HTTP, on SQLite (the embedded default). See live-and-staff.shared.ts.
import { describe } from 'vitest';
import { liveAndStaffSuite } from './live-and-staff.shared';

describe('live pages and staff names (SQLite)', () => liveAndStaffSuite('sqlite'));
