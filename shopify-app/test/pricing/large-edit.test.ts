// Large manual edits need a confirmation, on SQLite (the embedded default). See large-edit.shared.ts.
import { describe } from 'vitest';
import { largeEditSuite } from './large-edit.shared';

describe('large edited prices (SQLite)', () => largeEditSuite('sqlite'));
