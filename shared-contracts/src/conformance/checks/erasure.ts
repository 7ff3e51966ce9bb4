// Erasing a tenant (`eraseTenant`, Shopify's shop/redact): afterwards nothing of it is left to use, and
// erasing again is harmless (the webhook that asks for it is retried).
import { AuthenticationError, productPageSchema, tenantErasureSchema } from '../..';
import { ensure, ensureShape, show } from '../assertions';
import type { ConformanceCheck } from './check';

export const erasureChecks: ConformanceCheck[] = [
  {
    id: 'erase-tenant',
    title: 'eraseTenant -> not authenticated and no listings; erasing again succeeds and erases nothing more',
    async run({ connector }) {
      const before = ensureShape(productPageSchema, await connector.products.list({ limit: 1 }), 'products.list before eraseTenant');
      ensure(before.items.length > 0, 'products.list found no product before eraseTenant, so the erasure could not be seen');
      ensureShape(tenantErasureSchema, await connector.eraseTenant(), 'eraseTenant()');
      ensure((await connector.isAuthenticated()) === false, 'isAuthenticated() is still true after eraseTenant()');
      const after = await connector.products.list({ limit: 1 }).then(
        (page) => ensureShape(productPageSchema, page, 'products.list after eraseTenant').items,
        (error: unknown) => {
          // Refusing an unauthenticated tenant is an answer too: it holds nothing we can read.
          ensure(error instanceof AuthenticationError, `products.list after eraseTenant threw ${show(error)}, expected AuthenticationError or no products`);
          return [];
        },
      );
      ensure(after.length === 0, `products.list still returns ${after.length} product(s) after eraseTenant`);
      const again = ensureShape(tenantErasureSchema, await connector.eraseTenant(), 'a second eraseTenant()');
      ensure(Object.values(again.erased).every((n) => n === 0), `a second eraseTenant() erased more: ${show(again.erased)}`);
    },
  },
];
