// Captured webhooks replayed under other headers, on SQLite (see ./webhook-replay.shared.ts).
import { describe } from 'vitest';
import { webhookReplaySuite } from './webhook-replay.shared';

describe('webhook replay (SQLite)', () => {
  webhookReplaySuite('sqlite');
});
