// zod 4 schemas for every input a connector accepts. Money goes through parseMoney so the rules
// (string only, currency's minor units, no sign/exponent) live in one place.
import { z } from 'zod';
import { compareMoney, tryParseMoney, type Money } from '../money';
import { MAX_OFFER_CHANGES, MAX_OFFER_CHANGES_WAIT_SECONDS, type PriceUpdate } from '../types';
import { AMAZON_MARKETPLACE_ID_PATTERN, PLATFORM_ID_PATTERN } from './normalize';

/** No control characters: ids end up in logs, URLs and feed documents. */
const printable = (max: number) =>
  z
    .string()
    .min(1, 'required')
    .max(max, `at most ${max} characters`)
    .refine((v) => v.trim() === v, 'must not have surrounding spaces')
    // eslint-disable-next-line no-control-regex
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters');

export const platformIdSchema = z.string().regex(PLATFORM_ID_PATTERN, 'invalid platform id');
export const tenantIdSchema = printable(128);
export const externalIdSchema = printable(512);
export const skuSchema = printable(255);
export const marketplaceIdSchema = z.string().regex(AMAZON_MARKETPLACE_ID_PATTERN, 'invalid marketplace id');
/** Visible ASCII only, so keys travel safely in headers and logs. */
export const idempotencyKeySchema = z
  .string()
  .min(1, 'required')
  .max(255, 'at most 255 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be visible ASCII without spaces');
export const isoTimestampSchema = z.iso.datetime({ offset: true });

/** Money, strictly parsed; errors land on `.amount` / `.currency`. */
export const moneySchema = z.unknown().transform((value, ctx): Money => {
  if (value === undefined || value === null) {
    ctx.addIssue({ code: 'custom', message: 'required', params: { code: 'required' } });
    return z.NEVER;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: 'money must be an object { amount, currency }', params: { code: 'invalid_type' } });
    return z.NEVER;
  }
  const v = value as Record<string, unknown>;
  const parsed = tryParseMoney(v.amount, v.currency);
  if (!parsed.ok) {
    for (const e of parsed.errors) {
      ctx.addIssue({ code: 'custom', message: e.message, path: [e.path], params: { code: e.code } });
    }
    return z.NEVER;
  }
  return parsed.money;
});

export const priceLookupOptionsSchema = z.object({ marketplaceId: marketplaceIdSchema.optional() });

export const priceUpdateSchema = z
  .object({
    idempotencyKey: idempotencyKeySchema,
    externalId: externalIdSchema,
    sku: skuSchema.optional(),
    marketplaceId: marketplaceIdSchema.optional(),
    price: moneySchema,
    expectedCurrentPrice: moneySchema.optional(),
    minPrice: moneySchema.optional(),
    maxPrice: moneySchema.optional(),
    compareAtPrice: moneySchema.nullable().optional(),
    reason: z.string().max(500).optional(),
  })
  .superRefine((u, ctx) => {
    const currency = u.price.currency;
    for (const field of ['expectedCurrentPrice', 'minPrice', 'maxPrice', 'compareAtPrice'] as const) {
      const other = u[field];
      if (other && other.currency !== currency) {
        ctx.addIssue({
          code: 'custom',
          path: [field, 'currency'],
          message: `must be ${currency}, the currency of price`,
          params: { code: 'currency_mismatch' },
        });
        return;
      }
    }
    if (u.minPrice && u.maxPrice && compareMoney(u.minPrice, u.maxPrice) > 0) {
      ctx.addIssue({ code: 'custom', path: ['minPrice'], message: 'minPrice is above maxPrice', params: { code: 'bounds_inverted' } });
    }
    if (u.minPrice && compareMoney(u.price, u.minPrice) < 0) {
      ctx.addIssue({ code: 'custom', path: ['price'], message: `price is below minPrice ${u.minPrice.amount}`, params: { code: 'below_min' } });
    }
    if (u.maxPrice && compareMoney(u.price, u.maxPrice) > 0) {
      ctx.addIssue({ code: 'custom', path: ['price'], message: `price is above maxPrice ${u.maxPrice.amount}`, params: { code: 'above_max' } });
    }
  }) satisfies z.ZodType<PriceUpdate>;

/** Default batch ceiling when a connector doesn't state one. */
export const DEFAULT_MAX_BATCH_SIZE = 1000;

/** The batch's shape only; items are validated one by one so a bad item fails alone. */
export function batchShapeSchema(maxBatchSize = DEFAULT_MAX_BATCH_SIZE) {
  return z
    .array(z.unknown())
    .min(1, 'a batch needs at least one update')
    .max(maxBatchSize, `a batch holds at most ${maxBatchSize} updates`);
}

export const productStatusSchema = z.enum(['active', 'draft', 'archived', 'inactive', 'unknown']);

export const productFilterSchema = z.object({
  query: z.string().max(500).optional(),
  skus: z.array(skuSchema).max(250).optional(),
  externalIds: z.array(externalIdSchema).max(250).optional(),
  status: productStatusSchema.optional(),
  updatedSince: isoTimestampSchema.optional(),
  marketplaceId: marketplaceIdSchema.optional(),
  limit: z.number().int().min(1).max(250).optional(),
  cursor: z.string().min(1).max(2048).optional(),
});

export const syncOptionsSchema = z
  .object({
    mode: z.enum(['full', 'incremental']),
    since: isoTimestampSchema.optional(),
    cursor: z.string().min(1).max(2048).optional(),
    productIds: z.array(externalIdSchema).max(250).optional(),
    marketplaceId: marketplaceIdSchema.optional(),
    limit: z.number().int().min(1).max(250).optional(),
  })
  .refine((o) => o.mode !== 'incremental' || o.since !== undefined || o.cursor !== undefined, {
    path: ['since'],
    message: 'an incremental sync needs since (or a cursor)',
  });

export const shopifyCredentialsSchema = z.object({
  platform: z.literal('shopify'),
  shopDomain: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'must be a *.myshopify.com domain'),
  accessToken: z.string().min(1, 'required').max(1024),
  scope: z.string().max(2048).optional(),
});

export const amazonCredentialsSchema = z.object({
  platform: z.literal('amazon'),
  sellingPartnerId: z.string().regex(/^[A-Z0-9]{8,20}$/, 'invalid selling partner id'),
  refreshToken: z.string().min(1, 'required').max(4096),
  region: z.enum(['na', 'eu', 'fe']),
  marketplaceIds: z.array(marketplaceIdSchema).min(1, 'at least one marketplace'),
  lwaClientId: z.string().min(1).optional(),
  lwaClientSecret: z.string().min(1).optional(),
});

export const genericCredentialsSchema = z.object({
  platform: platformIdSchema.refine((p) => p !== 'shopify' && p !== 'amazon', 'use the platform-specific credentials'),
  accountId: z.string().max(256).optional(),
  secrets: z.record(z.string(), z.string()),
});

export const platformCredentialsSchema = z.union([
  shopifyCredentialsSchema,
  amazonCredentialsSchema,
  genericCredentialsSchema,
]);

export const authorizationRequestSchema = z.object({
  redirectUri: z.url(),
  state: z.string().min(16, 'state must be at least 16 characters').max(512),
  scopes: z.array(z.string().min(1)).optional(),
});

export const authorizationCallbackSchema = z.object({
  params: z.record(z.string(), z.string()),
  redirectUri: z.url(),
  expectedState: z.string().min(16).max(512),
});

export const capabilitiesSchema = z.object({
  productRead: z.boolean(),
  productSync: z.boolean(),
  priceRead: z.boolean(),
  priceUpdate: z.boolean(),
  batchPriceUpdate: z.boolean(),
  maxBatchSize: z.number().int().min(1),
  priceUpdateMode: z.enum(['synchronous', 'asynchronous', 'mixed']),
  minMaxPrice: z.boolean(),
  compareAtPrice: z.boolean(),
  marketplaces: z.boolean(),
  webhooks: z.boolean(),
  competitivePricing: z.boolean(),
  preferredBatchSize: z.number().int().min(1).optional(),
  pendingPollMs: z.number().int().min(1).optional(),
  maxCompetitiveBatch: z.number().int().min(1).optional(),
  feeEstimates: z.boolean().optional(),
  maxFeeBatch: z.number().int().min(1).optional(),
  offerChanges: z.boolean().optional(),
  pricingHealth: z.boolean().optional(),
});

export const competitiveOffersRequestSchema = z.object({
  itemIds: z.array(z.string().min(1).max(64)).min(1).max(1000),
  marketplaceId: z.string().min(1).max(64).optional(),
});

/** `pricing.getFeeEstimates`' request; the connector checks the batch against its own `maxFeeBatch`. */
export const feeEstimatesRequestSchema = z.object({
  marketplaceId: z.string().min(1).max(64).optional(),
  items: z
    .array(
      z.object({
        externalId: externalIdSchema,
        price: moneySchema,
        shipping: moneySchema.optional(),
        fulfillment: z.enum(['AFN', 'MFN']).optional(),
      }),
    )
    .min(1)
    .max(1000),
});

/** `pricing.getOfferChanges`' request. */
export const offerChangesRequestSchema = z.object({
  after: z.string().min(1).max(200).nullable().optional(),
  limit: z.number().int().min(1).max(MAX_OFFER_CHANGES).optional(),
  waitSeconds: z.number().int().min(0).max(MAX_OFFER_CHANGES_WAIT_SECONDS).optional(),
  include: z.array(z.enum(['pricingHealth'])).max(1).optional(),
});

export const updateResultsRequestSchema = z.object({
  idempotencyKeys: z.array(z.string().regex(/^[\x21-\x7e]{1,255}$/, 'idempotency keys are visible ASCII, at most 255 characters')).min(1).max(10_000),
});
