// Bounded webhook load on SQLite (the embedded default). See webhook-load.shared.ts.
import { describe } from 'vitest';
import { webhookLoadSuite } from './webhook-load.shared';

describe('products/update under load (SQLite)', () => webhookLoadSuite('sqlite'));
