// product(s), productVariant(s), their counts, and the Product / ProductVariant / ProductOption types.
import { gid, parseGid } from '../../ids';
import { compareMoney } from '../../money';
import type { ProductRecord, ShopRecord, VariantRecord } from '../../state';
import { findVariant } from '../../state';
import { paginate, type ConnectionArgs } from '../connection';
import type { AdminContext } from '../context';
import { requireScope } from '../context';
import { compileSearch, type SearchFields } from '../search-query';
import type { ResolverMap } from './types';
import { tagged } from './types';

const PRODUCT_SEARCH: SearchFields<ProductRecord> = {
  fields: {
    id: (p) => String(p.id),
    title: (p) => p.title,
    handle: (p) => p.handle,
    vendor: (p) => p.vendor,
    product_type: (p) => p.productType,
    status: (p) => p.status,
    tag: (p) => p.tags,
    sku: (p) => p.variants.map((v) => v.sku),
    barcode: (p) => p.variants.map((v) => v.barcode),
    created_at: (p) => p.createdAt,
    updated_at: (p) => p.updatedAt,
    published_at: (p) => p.publishedAt,
  },
  dateFields: ['created_at', 'updated_at', 'published_at'],
  numberFields: ['id'],
  defaults: ['title', 'sku', 'vendor', 'product_type', 'tag'],
};

interface VariantWithProduct {
  v: VariantRecord;
  p: ProductRecord;
}

const VARIANT_SEARCH: SearchFields<VariantWithProduct> = {
  fields: {
    id: ({ v }) => String(v.id),
    sku: ({ v }) => v.sku,
    barcode: ({ v }) => v.barcode,
    title: ({ v }) => v.title,
    product_id: ({ v }) => String(v.productId),
    product_status: ({ p }) => p.status,
    vendor: ({ p }) => p.vendor,
    product_type: ({ p }) => p.productType,
    tag: ({ p }) => p.tags,
    inventory_quantity: ({ v }) => v.inventoryQuantity,
    created_at: ({ v }) => v.createdAt,
    updated_at: ({ v }) => v.updatedAt,
  },
  dateFields: ['created_at', 'updated_at'],
  numberFields: ['id', 'product_id', 'inventory_quantity'],
  defaults: ['title', 'sku', 'barcode'],
};

type Args = ConnectionArgs & { sortKey?: string; query?: string | null };

function productSortValue(p: ProductRecord, sortKey: string): string | number {
  switch (sortKey) {
    case 'TITLE': return p.title.toLowerCase();
    case 'CREATED_AT': return p.createdAt;
    case 'UPDATED_AT': return p.updatedAt;
    case 'PRODUCT_TYPE': return p.productType.toLowerCase();
    case 'VENDOR': return p.vendor.toLowerCase();
    default: return p.id;
  }
}

function variantSortValue(x: VariantWithProduct, sortKey: string): string | number {
  switch (sortKey) {
    case 'SKU': return (x.v.sku ?? '').toLowerCase();
    case 'TITLE': return `${x.p.title} - ${x.v.title}`.toLowerCase();
    case 'POSITION': return x.v.position;
    default: return x.v.id;
  }
}

// Product id -> record, per shop (variants resolve their product once per row); rebuilt on a miss.
const productIndex = new WeakMap<ShopRecord, Map<number, ProductRecord>>();

/** A product was removed from the shop: its indexes are rebuilt on the next lookup. */
export function forgetProductIndex(shop: ShopRecord): void {
  productIndex.delete(shop);
}

export function productById(shop: ShopRecord, id: number): ProductRecord | undefined {
  const hit = productIndex.get(shop)?.get(id);
  if (hit) return hit;
  const index = new Map(shop.products.map((p) => [p.id, p]));
  productIndex.set(shop, index);
  return index.get(id);
}

export function queryProducts(ctx: AdminContext, args: Args) {
  requireScope(ctx, 'read_products', 'products');
  const match = compileSearch(args.query, PRODUCT_SEARCH);
  const sortKey = args.sortKey ?? 'ID';
  const items = ctx.shop.products.filter(match).map((p) => tagged('Product', p));
  return paginate(items, args, (p) => ({ id: p.id, value: productSortValue(p, sortKey) }), ctx.unbounded);
}

export function queryVariants(ctx: AdminContext, args: Args) {
  requireScope(ctx, 'read_products', 'productVariants');
  const match = compileSearch(args.query, VARIANT_SEARCH);
  const sortKey = args.sortKey ?? 'ID';
  const items = ctx.shop.products.flatMap((p) => p.variants.map((v) => ({ v, p }))).filter(match);
  const page = paginate(items, args, (x) => ({ id: x.v.id, value: variantSortValue(x, sortKey) }), ctx.unbounded);
  const edges = page.edges.map((e) => ({ cursor: e.cursor, node: tagged('ProductVariant', e.node.v) }));
  return { edges, nodes: edges.map((e) => e.node), pageInfo: page.pageInfo };
}

export const productResolvers: ResolverMap = {
  QueryRoot: {
    products: (_r, args: Args, ctx) => queryProducts(ctx, args),
    productVariants: (_r, args: Args, ctx) => queryVariants(ctx, args),
    product: (_r, args: { id: string }, ctx) => {
      requireScope(ctx, 'read_products', 'product');
      const ref = parseGid(args.id, 'Product');
      const p = ref && productById(ctx.shop, ref.id);
      return p ? tagged('Product', p) : null;
    },
    productVariant: (_r, args: { id: string }, ctx) => {
      requireScope(ctx, 'read_products', 'productVariant');
      const ref = parseGid(args.id, 'ProductVariant');
      const found = ref && findVariant(ctx.shop, ref.id);
      return found ? tagged('ProductVariant', found.variant) : null;
    },
    productsCount: (_r, args: { query?: string; limit?: number | null }, ctx) => {
      requireScope(ctx, 'read_products', 'productsCount');
      const count = ctx.shop.products.filter(compileSearch(args.query, PRODUCT_SEARCH)).length;
      const limit = args.limit ?? 10_000;
      return { count: Math.min(count, limit), precision: count > limit ? 'AT_LEAST' : 'EXACT' };
    },
    productVariantsCount: (_r, args: { query?: string }, ctx) => {
      requireScope(ctx, 'read_products', 'productVariantsCount');
      const match = compileSearch(args.query, VARIANT_SEARCH);
      const count = ctx.shop.products.flatMap((p) => p.variants.map((v) => ({ v, p }))).filter(match).length;
      return { count: Math.min(count, 10_000), precision: count > 10_000 ? 'AT_LEAST' : 'EXACT' };
    },
  },
  Product: {
    id: (p: ProductRecord) => gid('Product', p.id),
    legacyResourceId: (p: ProductRecord) => String(p.id),
    hasOnlyDefaultVariant: (p: ProductRecord) => p.options.length === 0 && p.variants.length === 1,
    totalInventory: (p: ProductRecord) => p.variants.reduce((sum, v) => sum + v.inventoryQuantity, 0),
    options: (p: ProductRecord, args: { first?: number | null }) => {
      const names = p.options.length ? p.options : ['Title'];
      const list = names.map((name, i) =>
        tagged('ProductOption', {
          id: gid('ProductOption', p.optionIds[i] ?? p.id * 10 + i),
          name,
          position: i + 1,
          values: [...new Set(p.variants.map((v) => v.optionValues[i] ?? 'Default Title'))],
        }),
      );
      return args.first === null || args.first === undefined ? list : list.slice(0, args.first);
    },
    priceRangeV2: (p: ProductRecord, _a: unknown, ctx: AdminContext) => {
      const prices = p.variants.map((v) => v.price).sort(compareMoney);
      const money = (amount: string) => ({ amount, currencyCode: ctx.shop.currencyCode });
      return { minVariantPrice: money(prices[0] ?? '0.00'), maxVariantPrice: money(prices[prices.length - 1] ?? '0.00') };
    },
    variantsCount: (p: ProductRecord) => ({ count: p.variants.length, precision: 'EXACT' }),
    variants: (p: ProductRecord, args: Args, ctx: AdminContext) => {
      const sortKey = args.sortKey ?? 'POSITION';
      const items = p.variants.map((v) => tagged('ProductVariant', v));
      return paginate(items, args, (v) => ({ id: v.id, value: variantSortValue({ v, p }, sortKey) }), ctx.unbounded);
    },
  },
  ProductVariant: {
    id: (v: VariantRecord) => gid('ProductVariant', v.id),
    legacyResourceId: (v: VariantRecord) => String(v.id),
    displayName: (v: VariantRecord, _a: unknown, ctx: AdminContext) => `${productById(ctx.shop, v.productId)?.title ?? ''} - ${v.title}`,
    availableForSale: (v: VariantRecord) => v.inventoryQuantity > 0 || v.inventoryPolicy === 'CONTINUE',
    selectedOptions: (v: VariantRecord, _a: unknown, ctx: AdminContext) => {
      const p = productById(ctx.shop, v.productId);
      const names = p?.options.length ? p.options : ['Title'];
      return names.map((name, i) => ({ name, value: v.optionValues[i] ?? 'Default Title' }));
    },
    product: (v: VariantRecord, _a: unknown, ctx: AdminContext) => tagged('Product', productById(ctx.shop, v.productId)!),
  },
};

