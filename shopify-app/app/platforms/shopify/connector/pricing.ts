// Pricing: read a variant's price, and push new prices through `productVariantsBulkUpdate` (one product
// per call, at most 250 variants a call, per-variant outcomes from `userErrors`), or through a bulk
// operation for very large batches. Idempotent by each update's key (see ledger.ts).
import {
  ConflictError,
  NotFoundError,
  toMinorUnits,
  tryParseMoney,
  ValidationError,
  type BatchUpdateResult,
  type ConnectorEventEmitter,
  type FieldError,
  type Money,
  type NormalizedPrice,
  type PriceUpdate,
  type PriceUpdateFailed,
  type PriceUpdateResult,
  type PricingOperations,
} from '@calibr/shared-contracts';
import { runBulkVariantPriceUpdate } from './bulk-operations';
import type { BulkRunStore } from './bulk-runs';
import {
  failed,
  failureFromError,
  interpretPayload,
  MAX_VARIANTS_PER_CALL,
  variantInput,
  type PreparedChange,
  type VariantsBulkUpdatePayload,
} from './variant-price-payload';
import { VARIANTS_BULK_UPDATE_MUTATION, VARIANTS_BY_ID_QUERY } from './documents';
import type { ShopifyGraphqlClient } from './graphql-client';
import { fingerprintUpdate, type PriceUpdateLedger } from './ledger';
import { shopifyMoney } from './normalize';
import type { ShopifyVariantNode } from './types';

const VARIANT_GID = /^gid:\/\/shopify\/ProductVariant\/\d+$/;

/** Where a variant belongs and what it cost when last seen; the app answers from its synced listings. */
export interface VariantLocation {
  productId: string;
  price?: Money;
}

export interface VariantLocator {
  locate(variantIds: readonly string[]): Promise<Map<string, VariantLocation>>;
}

export interface PricingContext {
  client: ShopifyGraphqlClient;
  currency(): Promise<string>;
  ledger: PriceUpdateLedger;
  events: ConnectorEventEmitter;
  /** Optional fast path for variant → product; unknown ids are read from Shopify. */
  locator?: VariantLocator;
  /** Most updates one batch takes (the connector's capabilities.maxBatchSize). */
  maxBatchSize: number;
  /** Batches with more variants than this go through `bulkOperationRunMutation`. */
  bulkMutationThreshold: number;
  /** Wait between bulk-operation polls, ms. */
  bulkPollIntervalMs: number;
  /** The bulk price runs started on this shop, shared by every instance (the app's is in its database). */
  bulkRuns: BulkRunStore;
}

export class ShopifyPricingOperations implements PricingOperations {
  constructor(private readonly ctx: PricingContext) {}

  async getPrice(externalId: string): Promise<NormalizedPrice> {
    if (!VARIANT_GID.test(externalId)) throw notFound(externalId);
    const variants = await this.readVariants([externalId]);
    const variant = variants.get(externalId);
    if (!variant) throw notFound(externalId);
    const currency = await this.ctx.currency();
    return {
      platform: 'shopify',
      externalId,
      sku: variant.sku || null,
      price: shopifyMoney(variant.price, currency),
      compareAtPrice: variant.compareAtPrice ? shopifyMoney(variant.compareAtPrice, currency) : null,
      observedAt: new Date().toISOString(),
    };
  }

  async updatePrice(update: PriceUpdate): Promise<PriceUpdateResult> {
    const errors = validateUpdate(update, await this.ctx.currency(), '');
    if (errors.length > 0) throw new ValidationError(errors, { platform: 'shopify' });
    const { results } = await this.batchUpdatePrices([update]);
    const result = results[0]!;
    if (result.status === 'failed' && result.reason === 'conflict' && result.message.startsWith('idempotency key')) {
      throw new ConflictError(result.message, { platform: 'shopify' });
    }
    return result;
  }

  async batchUpdatePrices(updates: readonly PriceUpdate[]): Promise<BatchUpdateResult> {
    if (!Array.isArray(updates)) throw ValidationError.field('updates', 'must be an array of price updates');
    if (updates.length === 0) throw ValidationError.field('updates', 'a batch needs at least one update');
    if (updates.length > this.ctx.maxBatchSize) {
      throw ValidationError.field('updates', `at most ${this.ctx.maxBatchSize} updates in one batch`);
    }
    const keys = new Map<string, number>();
    updates.forEach((u, i) => {
      const key = u && typeof u === 'object' ? u.idempotencyKey : undefined;
      if (typeof key !== 'string') return;
      const first = keys.get(key);
      if (first !== undefined) {
        throw ValidationError.field(`updates[${i}].idempotencyKey`, `repeats updates[${first}]'s key ${key}: one key per update`);
      }
      keys.set(key, i);
    });
    const currency = await this.ctx.currency();
    const results: (PriceUpdateResult | undefined)[] = new Array(updates.length);
    const fingerprints = updates.map((u) => (u && typeof u === 'object' ? fingerprintUpdate(u) : ''));

    // 1. Each update validated alone: a bad one fails by itself.
    const valid: number[] = [];
    updates.forEach((update, index) => {
      const errors = validateUpdate(update, currency, `updates[${index}]`);
      if (errors.length > 0) results[index] = failed(update, 'validation', errors.map((e) => e.message).join('; '), { errors });
      else valid.push(index);
    });

    // 2. Idempotency: a key seen before answers from the ledger (or conflicts when the content differs).
    const ledger = await this.ctx.ledger.lookup([...new Set(valid.map((i) => updates[i]!.idempotencyKey))]);
    const toSend: number[] = [];
    /** Answered from the ledger: already reported when they first happened. */
    const replayed = new Set<number>();
    for (const index of valid) {
      const update = updates[index]!;
      const key = update.idempotencyKey;
      const seen = ledger.get(key);
      if (seen) {
        if (seen.fingerprint !== fingerprints[index]) {
          results[index] = failed(update, 'conflict', `idempotency key ${key} was already used for a different update`);
          continue;
        }
        if (!(seen.result.status === 'failed' && seen.result.retryable)) {
          results[index] = seen.result;
          replayed.add(index);
          continue;
        }
      }
      toSend.push(index);
    }

    // 3. Where each variant lives (and its current price), then send.
    if (toSend.length > 0) {
      const prepared = await this.prepare(toSend.map((i) => ({ index: i, update: updates[i]! })), currency, results);
      const outcomes =
        prepared.length > this.ctx.bulkMutationThreshold
          ? await runBulkVariantPriceUpdate(this.ctx.client, prepared, { pollIntervalMs: this.ctx.bulkPollIntervalMs, currency, runs: this.ctx.bulkRuns })
          : await this.sendGrouped(prepared, currency);
      for (const [index, result] of outcomes) results[index] = result;
      await this.ctx.ledger.record(
        toSend
          .filter((i) => results[i] && !(results[i]!.status === 'failed' && (results[i] as PriceUpdateFailed).reason === 'validation'))
          .map((i) => ({ key: updates[i]!.idempotencyKey, fingerprint: fingerprints[i]!, result: results[i]! })),
      );
    }

    const final = results.map((r, i) => r ?? failed(updates[i]!, 'internal', 'no result'));
    // Every outcome decided in this call is reported (submitted/applied, or failed), in input order.
    final.forEach((result, index) => {
      if (!replayed.has(index)) this.ctx.events.priceUpdateResult(result);
    });
    return {
      results: final,
      summary: {
        total: final.length,
        applied: final.filter((r) => r.status === 'applied').length,
        pending: final.filter((r) => r.status === 'pending').length,
        failed: final.filter((r) => r.status === 'failed').length,
      },
    };
  }

  /** Find each variant's product (locator first, then Shopify); check expectations; unknown ids fail. */
  private async prepare(
    items: Array<{ index: number; update: PriceUpdate }>,
    currency: string,
    results: (PriceUpdateResult | undefined)[],
  ): Promise<PreparedChange[]> {
    const ids = [...new Set(items.map((i) => i.update.externalId))];
    const located = this.ctx.locator ? await this.ctx.locator.locate(ids) : new Map<string, VariantLocation>();
    // A live read is needed for ids we can't place, and for optimistic-concurrency checks.
    const needsRead = new Set(ids.filter((id) => !located.has(id)));
    for (const { update } of items) if (update.expectedCurrentPrice) needsRead.add(update.externalId);
    if (needsRead.size > 0) {
      const live = await this.readVariants([...needsRead]);
      for (const id of needsRead) {
        const variant = live.get(id);
        if (variant?.product) located.set(id, { productId: variant.product.id, price: shopifyMoney(variant.price, currency) });
        else located.delete(id);
      }
    }
    const prepared: PreparedChange[] = [];
    for (const { index, update } of items) {
      const where = located.get(update.externalId);
      if (!where) {
        results[index] = failed(update, 'not_found', `No Shopify variant ${update.externalId}`);
        continue;
      }
      if (update.expectedCurrentPrice && where.price && where.price.amount !== update.expectedCurrentPrice.amount) {
        results[index] = failed(
          update,
          'conflict',
          `live price is ${where.price.amount} ${where.price.currency}, expected ${update.expectedCurrentPrice.amount}`,
        );
        continue;
      }
      prepared.push({ index, update, productId: where.productId, previousPrice: where.price ?? null });
    }
    return prepared;
  }

  /** `productVariantsBulkUpdate` per product, in calls of at most 250 variants, run concurrently. */
  private async sendGrouped(prepared: readonly PreparedChange[], currency: string): Promise<Map<number, PriceUpdateResult>> {
    const outcomes = new Map<number, PriceUpdateResult>();
    const byProduct = new Map<string, PreparedChange[]>();
    for (const change of prepared) {
      const group = byProduct.get(change.productId) ?? [];
      group.push(change);
      byProduct.set(change.productId, group);
    }
    const calls: PreparedChange[][] = [];
    for (const group of byProduct.values()) {
      for (let i = 0; i < group.length; i += MAX_VARIANTS_PER_CALL) calls.push(group.slice(i, i + MAX_VARIANTS_PER_CALL));
    }
    await Promise.all(
      calls.map(async (call) => {
        try {
          const payload = await this.sendProductCall(call[0]!.productId, call);
          for (const [index, result] of interpretPayload(payload, call, currency)) outcomes.set(index, result);
        } catch (error) {
          for (const change of call) outcomes.set(change.index, failureFromError(change.update, error));
        }
      }),
    );
    return outcomes;
  }

  private async sendProductCall(productId: string, call: readonly PreparedChange[]): Promise<VariantsBulkUpdatePayload> {
    const { data } = await this.ctx.client.request<{ productVariantsBulkUpdate: VariantsBulkUpdatePayload | null }>(
      VARIANTS_BULK_UPDATE_MUTATION,
      {
        variables: { productId, variants: call.map((c) => variantInput(c.update)) },
        costKey: 'productVariantsBulkUpdate',
      },
    );
    if (!data.productVariantsBulkUpdate) throw new Error('productVariantsBulkUpdate returned no payload');
    return data.productVariantsBulkUpdate;
  }

  /** Variants by id via `nodes`, 250 at a time. */
  private async readVariants(ids: readonly string[]): Promise<Map<string, ShopifyVariantNode>> {
    const found = new Map<string, ShopifyVariantNode>();
    const valid = ids.filter((id) => VARIANT_GID.test(id));
    const chunks: string[][] = [];
    for (let i = 0; i < valid.length; i += 250) chunks.push(valid.slice(i, i + 250));
    await Promise.all(
      chunks.map(async (chunk) => {
        const { data } = await this.ctx.client.request<{ nodes: Array<ShopifyVariantNode | null> }>(VARIANTS_BY_ID_QUERY, {
          variables: { ids: chunk },
          costKey: `variantsById:${chunk.length}`,
        });
        for (const node of data.nodes) if (node && node.id) found.set(node.id, node);
      }),
    );
    return found;
  }
}

/** Field errors for one update (empty when valid). Prices must be in the shop's currency. */
export function validateUpdate(update: PriceUpdate, currency: string, path: string): FieldError[] {
  const at = (field: string) => (path ? `${path}.${field}` : field);
  if (!update || typeof update !== 'object') return [{ path: path || 'update', message: 'must be a price update object' }];
  const errors: FieldError[] = [];
  if (typeof update.idempotencyKey !== 'string' || update.idempotencyKey.trim() === '') {
    errors.push({ path: at('idempotencyKey'), message: 'is required' });
  }
  if (typeof update.externalId !== 'string' || !VARIANT_GID.test(update.externalId)) {
    errors.push({ path: at('externalId'), message: 'must be a Shopify variant id (gid://shopify/ProductVariant/…)' });
  }
  const money = (value: unknown, field: string, required: boolean): Money | undefined => {
    if (value === undefined || value === null) {
      if (required) errors.push({ path: at(field), message: 'is required' });
      return undefined;
    }
    const v = value as { amount?: unknown; currency?: unknown };
    const parsed = tryParseMoney(v.amount, v.currency, { path: at(field) });
    if (!parsed.ok) {
      errors.push(...parsed.errors);
      return undefined;
    }
    if (parsed.money.currency !== currency) {
      errors.push({ path: at(`${field}.currency`), message: `must be the shop's currency ${currency}` });
      return undefined;
    }
    return parsed.money;
  };
  const price = money(update.price, 'price', true);
  money(update.compareAtPrice, 'compareAtPrice', false);
  money(update.expectedCurrentPrice, 'expectedCurrentPrice', false);
  const min = money(update.minPrice, 'minPrice', false);
  const max = money(update.maxPrice, 'maxPrice', false);
  if (price && min && toMinorUnits(price) < toMinorUnits(min)) errors.push({ path: at('price'), message: `is below minPrice ${min.amount}` });
  if (price && max && toMinorUnits(price) > toMinorUnits(max)) errors.push({ path: at('price'), message: `is above maxPrice ${max.amount}` });
  return errors;
}

function notFound(externalId: string): NotFoundError {
  return new NotFoundError(`No Shopify variant ${externalId}`, { resource: 'listing', resourceId: externalId, platform: 'shopify' });
}
