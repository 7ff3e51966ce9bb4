// A whole catalog through one bulk query: Shopify writes every product and every variant as its own JSONL
// line, variants pointing at their product with `__parentId`. Used for full syncs of large catalogs, where
// paging would spend the bucket on thousands of small queries.
import type { NormalizedProduct } from '@calibr/shared-contracts';
import { bulkProductsQuery } from './documents';
import { runBulkProductExport } from './bulk-operations';
import type { ShopifyGraphqlClient } from './graphql-client';
import { normalizeProduct } from './normalize';
import type { ShopifyProductNode, ShopifyVariantNode } from './types';

type ProductLine = Omit<ShopifyProductNode, 'variants'>;

/** Group the JSONL rows of a products-with-variants bulk query back into products, in file order. */
export function productsFromBulkRows(rows: readonly unknown[]): Array<{ product: ProductLine; variants: ShopifyVariantNode[] }> {
  const byId = new Map<string, { product: ProductLine; variants: ShopifyVariantNode[] }>();
  for (const row of rows as Array<Record<string, unknown>>) {
    const id = String(row.id ?? '');
    if (id.startsWith('gid://shopify/Product/') && !row.__parentId) {
      byId.set(id, { product: row as unknown as ProductLine, variants: [] });
    } else if (id.startsWith('gid://shopify/ProductVariant/') && typeof row.__parentId === 'string') {
      byId.get(row.__parentId)?.variants.push(row as unknown as ShopifyVariantNode);
    }
  }
  return [...byId.values()];
}

export async function exportCatalog(
  client: ShopifyGraphqlClient,
  options: { currency: string; shop: string; search?: string; pollIntervalMs: number },
): Promise<NormalizedProduct[]> {
  const rows = await runBulkProductExport(client, bulkProductsQuery(options.search), options.pollIntervalMs);
  return productsFromBulkRows(rows).map(({ product, variants }) => normalizeProduct(product, variants, options.currency, options.shop));
}
