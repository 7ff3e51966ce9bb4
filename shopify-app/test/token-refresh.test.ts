// Expiring offline tokens: a lost refresh answer recovered, the old refresh token refused once the new one
// was used; on SQLite (see ./token-refresh.shared.ts).
import { describe } from 'vitest';
import { tokenRefreshSuite } from './token-refresh.shared';

describe('expiring offline token refresh (SQLite)', () => {
  tokenRefreshSuite('sqlite');
});
