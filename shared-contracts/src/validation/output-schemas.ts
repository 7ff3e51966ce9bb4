// Schemas for what connectors return. The conformance kit checks every answer against them, and a
// service can check what it is about to send.
import { z } from 'zod';
import { tryParseMoney, type Money } from '../money';
import { capabilitiesSchema, isoTimestampSchema, platformIdSchema, productStatusSchema } from './schemas';

/** Money exactly as a connector must emit it: canonical amount (all minor-unit digits), known currency. */
export const canonicalMoneySchema = z.unknown().transform((value, ctx): Money => {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const parsed = tryParseMoney(v.amount, v.currency);
  if (!parsed.ok) {
    for (const e of parsed.errors) ctx.addIssue({ code: 'custom', message: e.message, path: [e.path], params: { code: e.code } });
    return z.NEVER;
  }
  if (parsed.money.amount !== v.amount) {
    ctx.addIssue({
      code: 'custom',
      path: ['amount'],
      message: `amount must be canonical (${parsed.money.amount}), got ${String(v.amount)}`,
      params: { code: 'not_canonical' },
    });
    return z.NEVER;
  }
  return parsed.money;
});

const fieldErrorSchema = z.object({ path: z.string(), message: z.string(), code: z.string().optional() });
const platformErrorSchema = z.object({ code: z.string(), message: z.string() });
const platformReferenceSchema = z.object({ kind: z.string().min(1), id: z.string().min(1) });
const nullableMoney = canonicalMoneySchema.nullable().optional();

export const sellableListingSchema = z.object({
  platform: platformIdSchema,
  externalId: z.string().min(1),
  productExternalId: z.string().min(1),
  sku: z.string().nullable(),
  normalizedSku: z.string().nullable(),
  title: z.string(),
  marketplaceId: z.string().optional(),
  asin: z.string().optional(),
  barcode: z.string().optional(),
  status: z.enum(['active', 'inactive', 'draft', 'archived', 'incomplete', 'unknown']),
  price: canonicalMoneySchema.nullable(),
  compareAtPrice: nullableMoney,
  minPrice: nullableMoney,
  maxPrice: nullableMoney,
  inventoryQuantity: z.number().int().nullable().optional(),
  updatedAt: isoTimestampSchema.optional(),
});

export const normalizedProductSchema = z.object({
  platform: platformIdSchema,
  externalId: z.string().min(1),
  title: z.string(),
  status: productStatusSchema,
  brand: z.string().optional(),
  productType: z.string().optional(),
  handle: z.string().optional(),
  imageUrl: z.string().optional(),
  url: z.string().optional(),
  listings: z.array(sellableListingSchema),
  createdAt: isoTimestampSchema.optional(),
  updatedAt: isoTimestampSchema.optional(),
});

export const productPageSchema = z.object({
  items: z.array(normalizedProductSchema),
  nextCursor: z.string().min(1).nullable(),
});

export const normalizedPriceSchema = z.object({
  platform: platformIdSchema,
  externalId: z.string().min(1),
  sku: z.string().nullable().optional(),
  marketplaceId: z.string().optional(),
  price: canonicalMoneySchema,
  compareAtPrice: nullableMoney,
  minPrice: nullableMoney,
  maxPrice: nullableMoney,
  observedAt: isoTimestampSchema,
});

const resultBase = {
  idempotencyKey: z.string(),
  externalId: z.string(),
  marketplaceId: z.string().optional(),
};

export const priceUpdateResultSchema = z.discriminatedUnion('status', [
  z.object({
    ...resultBase,
    status: z.literal('applied'),
    price: canonicalMoneySchema,
    previousPrice: nullableMoney,
    appliedAt: isoTimestampSchema,
    platformReference: platformReferenceSchema.optional(),
  }),
  z.object({
    ...resultBase,
    status: z.literal('pending'),
    price: canonicalMoneySchema,
    previousPrice: nullableMoney,
    submittedAt: isoTimestampSchema,
    platformReference: platformReferenceSchema,
    stage: z.enum(['submitted', 'accepted']).optional(),
  }),
  z.object({
    ...resultBase,
    status: z.literal('failed'),
    reason: z.enum([
      'validation',
      'not_found',
      'conflict',
      'out_of_bounds',
      'rejected',
      'rate_limited',
      'unauthorized',
      'platform_unavailable',
      'internal',
    ]),
    message: z.string().min(1),
    retryable: z.boolean(),
    retryAfter: z.number().min(0).optional(),
    errors: z.array(fieldErrorSchema).optional(),
    platformError: platformErrorSchema.optional(),
  }),
]);

export const batchUpdateResultSchema = z
  .object({
    results: z.array(priceUpdateResultSchema),
    summary: z.object({
      total: z.number().int().min(0),
      applied: z.number().int().min(0),
      pending: z.number().int().min(0),
      failed: z.number().int().min(0),
    }),
    platformReference: platformReferenceSchema.optional(),
  })
  .refine(
    (b) =>
      b.summary.total === b.results.length &&
      b.summary.applied === b.results.filter((r) => r.status === 'applied').length &&
      b.summary.pending === b.results.filter((r) => r.status === 'pending').length &&
      b.summary.failed === b.results.filter((r) => r.status === 'failed').length,
    { path: ['summary'], message: 'summary does not match the results' },
  );

export const syncResultSchema = z.object({
  syncId: z.string().min(1),
  mode: z.enum(['full', 'incremental']),
  status: z.enum(['completed', 'partial', 'failed']),
  startedAt: isoTimestampSchema,
  finishedAt: isoTimestampSchema,
  products: z.array(normalizedProductSchema),
  itemsSynced: z.number().int().min(0),
  itemsFailed: z.number().int().min(0),
  errors: z.array(z.object({ externalId: z.string().optional(), message: z.string(), code: z.string().optional() })),
  nextCursor: z.string().min(1).nullable(),
  checkpoint: isoTimestampSchema.optional(),
});

export const platformHealthSchema = z.object({
  status: z.enum(['healthy', 'degraded', 'unavailable']),
  checkedAt: isoTimestampSchema,
  latencyMs: z.number().min(0).optional(),
  message: z.string().optional(),
  components: z.record(z.string(), z.enum(['healthy', 'degraded', 'unavailable'])).optional(),
});

export const authStatusSchema = z.object({
  authenticated: z.boolean(),
  accountId: z.string().optional(),
  scopes: z.array(z.string()).optional(),
  expiresAt: isoTimestampSchema.optional(),
  reconnectReason: z.string().optional(),
});

export const updateResultsAnswerSchema = z.object({ results: z.array(priceUpdateResultSchema.nullable()) });

export const competitiveOfferSchema = z.object({
  sellerId: z.string().min(1).nullable(),
  isOurs: z.boolean(),
  fulfillment: z.enum(['AFN', 'MFN']),
  landed: canonicalMoneySchema,
  isBuyBoxWinner: z.boolean(),
  isBuyBoxEligible: z.boolean().optional(),
  isPrime: z.boolean().optional(),
  condition: z.string().min(1).optional(),
  feedback: z
    .object({ percentage: z.number().min(0).max(100).nullable(), count: z.number().int().min(0).nullable() })
    .optional(),
});

export const competitiveListingSchema = z
  .object({
    itemId: z.string().min(1),
    marketplaceId: z.string().optional(),
    currency: z.string().regex(/^[A-Z]{3}$/).nullable(),
    buyBox: canonicalMoneySchema.nullable(),
    offerCount: z.number().int().min(0).nullable(),
    offers: z.array(competitiveOfferSchema),
    observedAt: isoTimestampSchema,
    error: platformErrorSchema.optional(),
  })
  .superRefine((listing, ctx) => {
    // One marketplace, one currency: a Buy Box or offer in another would be compared across currencies.
    const currencies = [listing.buyBox, ...listing.offers.map((o) => o.landed)].filter((m) => m !== null).map((m) => m.currency);
    if (currencies.some((c) => c !== listing.currency)) {
      ctx.addIssue({ code: 'custom', path: ['currency'], message: `every price must be in the listing's currency (${String(listing.currency)})` });
    }
  });

export const competitiveOffersResultSchema = z.object({ listings: z.array(competitiveListingSchema) });

export const offerChangeSchema = z.object({
  cursor: z.string().min(1).max(200),
  notificationId: z.string().min(1),
  listing: competitiveListingSchema,
  cause: z.enum(['competitor', 'ours', 'unknown']).optional(),
  receivedAt: isoTimestampSchema,
});

const referencePriceSchema = z.object({
  kind: z.enum(['competitivePrice', 'averageSellingPrice', 'retailOfferPrice', 'msrp']),
  price: canonicalMoneySchema,
});

export const pricingHealthChangeSchema = z
  .object({
    cursor: z.string().min(1).max(200),
    notificationId: z.string().min(1),
    itemId: z.string().min(1),
    marketplaceId: z.string().optional(),
    issue: z.string().min(1),
    ourPrice: canonicalMoneySchema,
    referencePrices: z.array(referencePriceSchema),
    exceeded: referencePriceSchema.nullable(),
    observedAt: isoTimestampSchema,
    receivedAt: isoTimestampSchema,
  })
  .superRefine((health, ctx) => {
    // Reference prices are compared with ours: one currency.
    const prices = [...health.referencePrices, ...(health.exceeded ? [health.exceeded] : [])];
    if (prices.some((r) => r.price.currency !== health.ourPrice.currency)) {
      ctx.addIssue({ code: 'custom', path: ['referencePrices'], message: `every reference price must be in our price's currency (${health.ourPrice.currency})` });
    }
  });

export const offerChangesResultSchema = z
  .object({
    changes: z.array(offerChangeSchema),
    cursor: z.string().min(1).max(200).nullable(),
    status: z.object({ state: z.enum(['live', 'down', 'off']), lastReceivedAt: isoTimestampSchema.nullable() }),
    pricingHealth: z.array(pricingHealthChangeSchema).optional(),
  })
  .superRefine((result, ctx) => {
    // The cursor is where the next call continues: the last item's, when there are items. With pricing
    // health the two lists share one sequence, so the cursor is the last of one of them.
    const lasts = [result.changes.at(-1)?.cursor, result.pricingHealth?.at(-1)?.cursor].filter((c): c is string => c !== undefined);
    if (lasts.length > 0 && !lasts.includes(result.cursor ?? '')) {
      ctx.addIssue({ code: 'custom', path: ['cursor'], message: `cursor must be the last item's (${lasts.join(' or ')})` });
    }
    const cursors = [...result.changes, ...(result.pricingHealth ?? [])].map((c) => c.cursor);
    if (new Set(cursors).size !== cursors.length) {
      ctx.addIssue({ code: 'custom', path: ['changes'], message: 'every change has its own cursor' });
    }
  });

export const feeLineSchema = z.object({ type: z.string().min(1), amount: canonicalMoneySchema });

export const feeEstimateSchema = z
  .object({
    externalId: z.string().min(1),
    price: canonicalMoneySchema,
    total: canonicalMoneySchema.nullable(),
    fees: z.array(feeLineSchema),
    estimatedAt: isoTimestampSchema,
    error: platformErrorSchema.optional(),
  })
  .superRefine((estimate, ctx) => {
    // Fees are charged in the price's currency; an estimate is either a total or an error.
    const currencies = [estimate.total, ...estimate.fees.map((f) => f.amount)].filter((m) => m !== null).map((m) => m.currency);
    if (currencies.some((c) => c !== estimate.price.currency)) {
      ctx.addIssue({ code: 'custom', path: ['total'], message: `every fee must be in the price's currency (${estimate.price.currency})` });
    }
    if ((estimate.total === null) === (estimate.error === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['total'], message: 'an estimate has a total, or an error and no total' });
    }
  });

export const feeEstimatesResultSchema = z.object({ estimates: z.array(feeEstimateSchema) });

/** `eraseTenant`'s answer: records removed per kind (whole, non-negative counts). */
export const tenantErasureSchema = z.object({ erased: z.record(z.string().min(1), z.number().int().nonnegative()) });

export const connectorInfoSchema = z.object({
  platform: platformIdSchema,
  name: z.string().min(1),
  version: z.string().regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/, 'must be semver'),
  capabilities: capabilitiesSchema,
});

const eventBase = {
  eventId: z.string().min(1),
  occurredAt: isoTimestampSchema,
  platform: platformIdSchema,
  tenantId: z.string().optional(),
};
const priceEventBase = { ...eventBase, idempotencyKey: z.string(), externalId: z.string(), marketplaceId: z.string().optional() };

export const connectorEventSchema = z.discriminatedUnion('type', [
  z.object({ ...eventBase, type: z.literal('sync.started'), syncId: z.string().min(1), mode: z.enum(['full', 'incremental']) }),
  z.object({
    ...eventBase,
    type: z.literal('sync.finished'),
    syncId: z.string().min(1),
    mode: z.enum(['full', 'incremental']),
    status: z.enum(['completed', 'partial', 'failed']),
    itemsSynced: z.number().int().min(0),
    itemsFailed: z.number().int().min(0),
    done: z.boolean(),
  }),
  z.object({ ...priceEventBase, type: z.literal('price_update.submitted'), price: canonicalMoneySchema, platformReference: platformReferenceSchema.optional() }),
  z.object({
    ...priceEventBase,
    type: z.literal('price_update.applied'),
    price: canonicalMoneySchema,
    previousPrice: nullableMoney,
    platformReference: platformReferenceSchema.optional(),
  }),
  z.object({
    ...priceEventBase,
    type: z.literal('price_update.failed'),
    reason: z.string().min(1),
    message: z.string(),
    retryable: z.boolean(),
    errors: z.array(fieldErrorSchema).optional(),
    platformError: platformErrorSchema.optional(),
  }),
]);
