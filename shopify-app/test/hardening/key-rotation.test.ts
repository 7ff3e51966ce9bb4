// Encryption key rotation without downtime, on SQLite (the procedure and checks: key-rotation.shared.ts).
import { describe } from 'vitest';
import { keyRotationSuite } from './key-rotation.shared';

describe('encryption key rotation without downtime (SQLite)', () => {
  keyRotationSuite('sqlite');
});
