// A product with 2,048 variants synced and priced, on SQLite (see ./catalog-2048-variants.shared.ts).
import { describe } from 'vitest';
import { productWith2048VariantsSuite } from './catalog-2048-variants.shared';

describe('a product with 2,048 variants (SQLite)', () => {
  productWith2048VariantsSuite('sqlite');
});
