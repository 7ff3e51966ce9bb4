// Reading and syncing products.
import { NotFoundError, normalizedProductSchema, productPageSchema, syncResultSchema } from '../..';
import { ensure, ensureEqual, ensureRejects, ensureShape } from '../assertions';
import type { ConformanceCheck } from './check';

const MAX_PAGES = 100;

export const productChecks: ConformanceCheck[] = [
  {
    id: 'products-list',
    title: 'products.list returns normalized products, honours limit, and finds a product by id',
    async run({ connector, fixtures }) {
      const page = ensureShape(productPageSchema, await connector.products.list({ limit: 1 }), 'products.list({limit: 1})');
      ensure(page.items.length <= 1, `limit 1 returned ${page.items.length} products`);
      if (page.nextCursor) {
        const next = ensureShape(productPageSchema, await connector.products.list({ limit: 1, cursor: page.nextCursor }), 'second page');
        ensure(
          next.items.every((p) => !page.items.some((q) => q.externalId === p.externalId)),
          'the second page repeats a product of the first',
        );
      }
      const byId = ensureShape(
        productPageSchema,
        await connector.products.list({ externalIds: [fixtures.product.externalId] }),
        'products.list({externalIds})',
      );
      ensure(
        byId.items.some((p) => p.externalId === fixtures.product.externalId),
        `products.list({externalIds: [${fixtures.product.externalId}]}) did not return it`,
      );
      for (const p of byId.items) ensureEqual(p.platform, connector.platform, 'product.platform');
    },
  },
  {
    id: 'products-get',
    title: 'products.get returns the product with its listings',
    async run({ connector, fixtures }) {
      const product = ensureShape(normalizedProductSchema, await connector.products.get(fixtures.product.externalId), 'products.get');
      ensureEqual(product.externalId, fixtures.product.externalId, 'product.externalId');
      const listing = product.listings.find(
        (l) => l.externalId === fixtures.listing.externalId && (!fixtures.listing.marketplaceId || l.marketplaceId === fixtures.listing.marketplaceId),
      );
      ensure(listing, `product ${product.externalId} has no listing ${fixtures.listing.externalId}`);
      ensureEqual(listing.productExternalId, product.externalId, 'listing.productExternalId');
    },
  },
  {
    id: 'products-unknown',
    title: 'products.get of an unknown id throws NotFoundError',
    async run({ connector, fixtures }) {
      await ensureRejects(() => connector.products.get(fixtures.unknownProductId), NotFoundError, 'products.get(unknown)');
    },
  },
  {
    id: 'products-sync',
    title: 'products.sync pages through the whole catalog with one stable syncId',
    async run({ connector, fixtures }) {
      let cursor: string | undefined;
      let syncId: string | undefined;
      const seen = new Set<string>();
      for (let page = 0; ; page++) {
        ensure(page < MAX_PAGES, `sync did not finish within ${MAX_PAGES} pages`);
        const result = ensureShape(
          syncResultSchema,
          await connector.products.sync({ mode: 'full', limit: 2, ...(cursor ? { cursor } : {}) }),
          `products.sync page ${page + 1}`,
        );
        ensure(result.products.length <= 2, `sync page ${page + 1} returned ${result.products.length} > limit 2`);
        ensureEqual(result.itemsSynced, result.products.length, 'itemsSynced');
        if (syncId === undefined) syncId = result.syncId;
        else ensureEqual(result.syncId, syncId, 'syncId across pages');
        for (const p of result.products) seen.add(p.externalId);
        if (result.nextCursor === null) break;
        cursor = result.nextCursor;
      }
      ensure(seen.has(fixtures.product.externalId), `full sync never returned product ${fixtures.product.externalId}`);
    },
  },
];
