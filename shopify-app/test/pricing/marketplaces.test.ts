// Several Amazon marketplaces priced apart, on SQLite (marketplaces.shared.ts).
import { describe } from 'vitest';
import { marketplacesSuite } from './marketplaces.shared';

describe('several Amazon marketplaces (SQLite)', () => {
  marketplacesSuite('sqlite');
});
