// Shopify 2026-10's rules the app must handle (duplicates, scope grants, products/create and /delete), on SQLite (see ./shopify-fidelity.shared.ts).
import { describe } from 'vitest';
import { shopifyFidelitySuite } from './shopify-fidelity.shared';

describe('Shopify fidelity (SQLite)', () => {
  shopifyFidelitySuite('sqlite');
});
