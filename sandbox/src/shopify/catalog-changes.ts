// One place where variant fields change, whoever changes them (the Admin API, a bulk mutation, the
// "merchant" through the control API): it stamps updated_at and fires products/update like the real admin.
import { normalizeMoney } from './money';
import type { ShopifyRuntime } from './runtime';
import type { ProductRecord, ShopRecord, VariantRecord } from './state';

export interface VariantChange {
  variant: VariantRecord;
  price?: string;
  compareAtPrice?: string | null;
  barcode?: string | null;
  taxable?: boolean;
  inventoryPolicy?: 'DENY' | 'CONTINUE';
}

/** Apply changes to variants of one product; returns true when something actually changed. */
export function applyVariantChanges(
  rt: ShopifyRuntime,
  shop: ShopRecord,
  product: ProductRecord,
  changes: VariantChange[],
  source: 'admin-api' | 'bulk-mutation' | 'merchant',
): boolean {
  const now = new Date().toISOString();
  let changed = false;
  for (const c of changes) {
    const v = c.variant;
    const before = JSON.stringify([v.price, v.compareAtPrice, v.barcode, v.taxable, v.inventoryPolicy]);
    if (c.price !== undefined) v.price = normalizeMoney(c.price);
    if (c.compareAtPrice !== undefined) v.compareAtPrice = c.compareAtPrice === null ? null : normalizeMoney(c.compareAtPrice);
    if (c.barcode !== undefined) v.barcode = c.barcode;
    if (c.taxable !== undefined) v.taxable = c.taxable;
    if (c.inventoryPolicy !== undefined) v.inventoryPolicy = c.inventoryPolicy;
    if (JSON.stringify([v.price, v.compareAtPrice, v.barcode, v.taxable, v.inventoryPolicy]) !== before) {
      v.updatedAt = now;
      changed = true;
    }
  }
  if (changed) {
    product.updatedAt = now;
    shop.updatedAt = now;
    rt.ctx.log({ platform: 'shopify', kind: 'event', host: shop.domain, detail: { event: 'products/update', source, productId: product.id } });
    rt.webhooks.productUpdated(shop, product);
    rt.markDirty();
  }
  return changed;
}
