// Products: read the catalog page by page (cursor pagination), one product, and resumable syncs
// (full, or incremental by `updated_at`).
import { randomUUID } from 'node:crypto';
import {
  NotFoundError,
  ValidationError,
  type ConnectorEventEmitter,
  type NormalizedProduct,
  type ProductFilter,
  type ProductOperations,
  type ProductPage,
  type SyncOptions,
  type SyncResult,
} from '@calibr/shared-contracts';
import { PRODUCT_QUERY, PRODUCT_VARIANTS_PAGE_QUERY, PRODUCTS_PAGE_QUERY } from './documents';
import type { ShopifyGraphqlClient } from './graphql-client';
import { normalizeProduct } from './normalize';
import type { ShopifyProductNode, ShopifyVariantNode } from './types';

/** Shopify refuses a single query whose requested cost is over 1,000 points. */
const MAX_QUERY_COST = 1000;
/** How far our clock may be ahead of Shopify's; incremental syncs overlap the previous one by this much. */
const CLOCK_SKEW_MARGIN_MS = 5 * 60_000;
/** Variants read with each product; the rest are paged separately (rare: most products have few). */
export const VARIANTS_PER_PRODUCT = 50;

/**
 * The most products a page can ask for while keeping the requested cost under the single-query
 * limit: Shopify charges a connection 2 + first × (cost of each node).
 */
export function productsPageSize(requested: number, variantsFirst = VARIANTS_PER_PRODUCT): number {
  const perProduct = 1 + 2 + variantsFirst;
  const fit = Math.floor((MAX_QUERY_COST - 2) / perProduct);
  return Math.max(1, Math.min(requested, fit, 250));
}

/** Shopify's search syntax for a filter (`updated_at:>='…' AND status:active AND (sku:A OR sku:B)`). */
export function productSearchQuery(filter: Pick<ProductFilter, 'query' | 'skus' | 'externalIds' | 'status' | 'updatedSince'>): string | undefined {
  const terms: string[] = [];
  if (filter.updatedSince) terms.push(`updated_at:>='${isoInstant(filter.updatedSince, 'updatedSince')}'`);
  if (filter.status && filter.status !== 'unknown' && filter.status !== 'inactive') terms.push(`status:${filter.status}`);
  if (filter.skus?.length) terms.push(`(${filter.skus.map((s) => `sku:${quoteTerm(s)}`).join(' OR ')})`);
  if (filter.externalIds?.length) terms.push(`(${filter.externalIds.map((id) => `id:${numericId(id)}`).join(' OR ')})`);
  if (filter.query?.trim()) terms.push(quoteTerm(filter.query.trim()));
  return terms.length > 0 ? terms.join(' AND ') : undefined;
}

function quoteTerm(value: string): string {
  return /^[\w.-]+$/.test(value) ? value : JSON.stringify(value);
}

function isoInstant(value: string, field: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw ValidationError.field(field, 'must be an ISO 8601 instant');
  return new Date(time).toISOString().replace('.000Z', 'Z');
}

function numericId(id: string): string {
  const match = /^(?:gid:\/\/shopify\/Product\/)?(\d+)$/.exec(id);
  if (!match) throw ValidationError.field('externalIds', `not a Shopify product id: ${id}`);
  return match[1]!;
}

interface SyncCursor {
  syncId: string;
  mode: SyncOptions['mode'];
  after: string | null;
  since?: string;
  startedAt: string;
  synced: number;
}

function encodeCursor(cursor: SyncCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(value: string): SyncCursor {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as SyncCursor;
    if (typeof parsed.syncId !== 'string' || typeof parsed.startedAt !== 'string') throw new Error('shape');
    return parsed;
  } catch {
    throw ValidationError.field('cursor', 'not a cursor this connector issued');
  }
}

export interface ProductContext {
  client: ShopifyGraphqlClient;
  shop: string;
  currency(): Promise<string>;
  events: ConnectorEventEmitter;
}

export class ShopifyProductOperations implements ProductOperations {
  constructor(private readonly ctx: ProductContext) {}

  async list(filter: ProductFilter = {}): Promise<ProductPage> {
    const limit = filter.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 250) throw ValidationError.field('limit', 'must be an integer from 1 to 250');
    const page = await this.fetchPage({
      first: productsPageSize(limit),
      after: filter.cursor ?? null,
      query: productSearchQuery(filter),
    });
    return { items: page.products, nextCursor: page.nextCursor };
  }

  async get(externalId: string): Promise<NormalizedProduct> {
    if (!/^gid:\/\/shopify\/Product\/\d+$/.test(externalId)) {
      throw new NotFoundError(`No Shopify product ${externalId}`, { resource: 'product', resourceId: externalId, platform: 'shopify' });
    }
    const { data } = await this.ctx.client.request<{ product: ShopifyProductNode | null }>(PRODUCT_QUERY, {
      variables: { id: externalId, variantsFirst: VARIANTS_PER_PRODUCT },
    });
    if (!data.product) {
      throw new NotFoundError(`No Shopify product ${externalId}`, { resource: 'product', resourceId: externalId, platform: 'shopify' });
    }
    const variants = await this.allVariants(data.product);
    return normalizeProduct(data.product, variants, await this.ctx.currency(), this.ctx.shop);
  }

  async sync(options: SyncOptions): Promise<SyncResult> {
    if (options.mode !== 'full' && options.mode !== 'incremental') throw ValidationError.field('mode', 'must be full or incremental');
    const limit = options.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 250) throw ValidationError.field('limit', 'must be an integer from 1 to 250');
    if (options.mode === 'incremental' && !options.since && !options.cursor) {
      throw ValidationError.field('since', 'an incremental sync needs the previous checkpoint');
    }
    const cursor: SyncCursor = options.cursor
      ? decodeCursor(options.cursor)
      : {
          syncId: randomUUID(),
          mode: options.mode,
          after: null,
          ...(options.mode === 'incremental' && options.since ? { since: isoInstant(options.since, 'since') } : {}),
          startedAt: new Date().toISOString(),
          synced: 0,
        };
    if (!options.cursor) this.ctx.events.publish({ type: 'sync.started', syncId: cursor.syncId, mode: cursor.mode });

    let products: NormalizedProduct[] = [];
    let nextAfter: string | null = null;
    try {
      const page = await this.fetchPage({
        first: productsPageSize(limit),
        after: cursor.after,
        query: productSearchQuery({
          ...(cursor.since ? { updatedSince: cursor.since } : {}),
          ...(options.productIds?.length ? { externalIds: options.productIds } : {}),
        }),
      });
      products = page.products;
      nextAfter = page.nextCursor;
    } catch (error) {
      this.ctx.events.publish({
        type: 'sync.finished',
        syncId: cursor.syncId,
        mode: cursor.mode,
        status: 'failed',
        itemsSynced: cursor.synced,
        itemsFailed: 0,
        done: true,
      });
      throw error;
    }

    // The checkpoint for the next incremental sync: when this sync started, less a margin for the clock
    // difference between us and Shopify. Everything updated before then was read by this sync; anything
    // updated during or after it is read next time (a few recent products may be read twice: harmless).
    const checkpoint = new Date(Date.parse(cursor.startedAt) - CLOCK_SKEW_MARGIN_MS).toISOString();
    const synced = cursor.synced + products.length;
    const done = nextAfter === null;
    const next: SyncCursor = { ...cursor, after: nextAfter, synced };
    this.ctx.events.publish({
      type: 'sync.finished',
      syncId: cursor.syncId,
      mode: cursor.mode,
      status: 'completed',
      itemsSynced: products.length,
      itemsFailed: 0,
      done,
    });
    return {
      syncId: cursor.syncId,
      mode: cursor.mode,
      status: 'completed',
      startedAt: cursor.startedAt,
      finishedAt: new Date().toISOString(),
      products,
      itemsSynced: products.length,
      itemsFailed: 0,
      errors: [],
      nextCursor: done ? null : encodeCursor(next),
      ...(done ? { checkpoint } : {}),
    };
  }

  private async fetchPage(args: { first: number; after: string | null; query: string | undefined }) {
    const { data } = await this.ctx.client.request<{
      products: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: ShopifyProductNode[] };
    }>(PRODUCTS_PAGE_QUERY, {
      variables: { first: args.first, after: args.after, query: args.query ?? null, variantsFirst: VARIANTS_PER_PRODUCT },
      costKey: `products:${args.first}`,
    });
    const currency = await this.ctx.currency();
    const products = await Promise.all(
      data.products.nodes.map(async (node) => normalizeProduct(node, await this.allVariants(node), currency, this.ctx.shop)),
    );
    return {
      products,
      nextCursor: data.products.pageInfo.hasNextPage ? data.products.pageInfo.endCursor : null,
    };
  }

  /** The product's variants, following the variants connection past the first page. */
  private async allVariants(product: ShopifyProductNode): Promise<ShopifyVariantNode[]> {
    const variants = [...product.variants.nodes];
    let pageInfo = product.variants.pageInfo;
    while (pageInfo.hasNextPage) {
      const { data } = await this.ctx.client.request<{
        product: { variants: { pageInfo: typeof pageInfo; nodes: ShopifyVariantNode[] } } | null;
      }>(PRODUCT_VARIANTS_PAGE_QUERY, { variables: { id: product.id, first: 250, after: pageInfo.endCursor } });
      if (!data.product) break;
      variants.push(...data.product.variants.nodes);
      pageInfo = data.product.variants.pageInfo;
    }
    return variants;
  }
}
