// Amazon's selling fees for a SKU at a price (Product Fees API v0 getMyFeesEstimates, up to 20 per call),
// served as the contract's `pricing.getFeeEstimates`, cached in AmazonFeeEstimate per seller, marketplace,
// SKU, fulfilment, shipping and price band for FEE_ESTIMATE_TTL_MS.
//
// Price bands: a price's band is its minor units cut to three significant digits (19.99 USD → 19.90–19.99;
// 149.95 → 149.00–149.99; under 10.00 every cent is its own band), so a band spans 0.1–1 % of its prices.
// Amazon is asked at the band's highest price: fees don't fall as the price rises (a proportional
// referral fee, a minimum, fulfilment fees by size; category thresholds only step up), so the figures are
// never below the fees of any price in the band and a floor built on them never sells at a loss.
import {
  AuthenticationError,
  ConnectorError,
  ValidationError,
  fromMinorUnits,
  toMinorUnits,
  type FeeEstimate,
  type FeeEstimateItem,
  type FeeLine,
  type Money,
} from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { chunks } from '../catalog/listing-store';
import { moneyFromAmazon } from '../money/amazon-money';
import type { SpApiClient } from '../sp-api/sp-api-client';
import { findMarketplace } from '../sp-api/regions';

/** Amazon's limit of estimates in one getMyFeesEstimates call. */
export const FEES_ESTIMATES_BATCH_SIZE = 20;
/** How long an estimate is reused: Amazon changes its fee schedule a few times a year, never within a day. */
export const FEE_ESTIMATE_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a call waits for the seller's getMyFeesEstimates turn (0.5/s) before its items fail as rate limited. */
const FEES_MAX_WAIT_MS = 20_000;

export interface PriceBand {
  floor: Money;
  top: Money;
}

/** The band a price falls in: its minor units cut to three significant digits. */
export function priceBand(price: Money): PriceBand {
  const minor = toMinorUnits(price);
  const digits = minor.toString().length;
  const width = digits > 3 ? 10n ** BigInt(digits - 3) : 1n;
  const floor = (minor / width) * width;
  return { floor: fromMinorUnits(floor, price.currency), top: fromMinorUnits(floor + width - 1n, price.currency) };
}

type AmazonMoney = { CurrencyCode?: string; Amount?: number };
interface FeesEstimateResult {
  Status?: string;
  FeesEstimateIdentifier?: { SellerInputIdentifier?: string; IdValue?: string };
  FeesEstimate?: { TimeOfFeesEstimation?: string; TotalFeesEstimate?: AmazonMoney; FeeDetailList?: { FeeType?: string; FinalFee?: AmazonMoney }[] };
  Error?: { Code?: string; Message?: string };
}

/** What one cache entry holds (and what Amazon's answer is read into). */
interface Estimate {
  total: Money;
  fees: FeeLine[];
  estimatedAt: Date;
}

interface Lookup {
  key: string;
  sku: string;
  fulfillment: string;
  band: PriceBand;
  shipping: string;
  item: FeeEstimateItem;
}

const keyOf = (sku: string, fulfillment: string, currency: string, bandFloor: string, shipping: string) => JSON.stringify([sku, fulfillment, currency, bandFloor, shipping]);

/** Amazon's JSON number for an amount: converted only here, at the edge (decimal strings everywhere else). */
const amazonMoney = (m: Money): { CurrencyCode: string; Amount: number } => ({ CurrencyCode: m.currency, Amount: Number(m.amount) });

function estimateFrom(result: FeesEstimateResult, currency: string): Estimate | { code: string; message: string } {
  if (result.Status !== 'Success') {
    return { code: result.Error?.Code || result.Status || 'FeesEstimateFailed', message: result.Error?.Message || 'Amazon could not estimate the fees' };
  }
  const total = moneyFromAmazon(result.FeesEstimate?.TotalFeesEstimate?.Amount, result.FeesEstimate?.TotalFeesEstimate?.CurrencyCode);
  const fees: FeeLine[] = [];
  for (const detail of result.FeesEstimate?.FeeDetailList ?? []) {
    const amount = moneyFromAmazon(detail.FinalFee?.Amount, detail.FinalFee?.CurrencyCode);
    if (!amount || !detail.FeeType) return { code: 'UnreadableFees', message: 'Amazon answered a fee Calibrate cannot read' };
    fees.push({ type: detail.FeeType, amount });
  }
  if (!total || total.currency !== currency || fees.some((f) => f.amount.currency !== currency)) {
    return { code: 'UnreadableFees', message: `Amazon's fees are not in ${currency}` };
  }
  const at = Date.parse(result.FeesEstimate?.TimeOfFeesEstimation ?? '');
  return { total, fees, estimatedAt: Number.isNaN(at) ? new Date() : new Date(at) };
}

/**
 * One estimate per item, in request order. An item Amazon can't estimate (or a call that failed: throttled
 * past its wait, Amazon unavailable) is that item's `error`; only a missing or revoked seller throws.
 */
export async function estimateFees(
  ctx: AmazonContext,
  scope: { projectId: string; client: SpApiClient; marketplaceId: string },
  items: readonly FeeEstimateItem[],
  options: { now?: () => Date; ttlMs?: number } = {},
): Promise<FeeEstimate[]> {
  const { projectId, client, marketplaceId } = scope;
  const sellingPartnerId = client.sellingPartnerId;
  const now = options.now?.() ?? new Date();
  const currency = findMarketplace(marketplaceId)?.currency;
  if (!currency) throw ValidationError.field('marketplaceId', `unknown marketplace ${marketplaceId}`, 'unknown_marketplace');

  const failures = new Map<string, { code: string; message: string }>();
  const lookups = items.map((item): Lookup | { code: string; message: string } => {
    if (item.price.currency !== currency || (item.shipping && item.shipping.currency !== currency)) {
      return { code: 'currency_mismatch', message: `marketplace ${marketplaceId} sells in ${currency}, not ${item.price.currency}` };
    }
    const band = priceBand(item.price);
    const fulfillment = item.fulfillment ?? '';
    const shipping = item.shipping?.amount ?? '';
    return { key: keyOf(item.externalId, fulfillment, currency, band.floor.amount, shipping), sku: item.externalId, fulfillment, band, shipping, item };
  });
  const wanted = lookups.filter((l): l is Lookup => 'key' in l);

  // Cached estimates still in date.
  const found = new Map<string, Estimate>();
  if (wanted.length > 0) {
    const rows = await ctx.db.amazonFeeEstimate.findMany({
      where: { projectId, sellingPartnerId, marketplaceId, currency, sku: { in: [...new Set(wanted.map((l) => l.sku))] }, expiresAt: { gt: now } },
    });
    for (const row of rows) {
      const fees = (row.fees as { type: string; amount: string }[]).map((f) => ({ type: f.type, amount: { amount: f.amount, currency: row.currency } }));
      found.set(keyOf(row.sku, row.fulfillment, row.currency, row.bandFloor, row.shipping), {
        total: { amount: row.totalAmount, currency: row.currency },
        fees,
        estimatedAt: row.estimatedAt,
      });
    }
  }

  // The rest from Amazon, each band once, 20 per call.
  const missing = [...new Map(wanted.filter((l) => !found.has(l.key)).map((l) => [l.key, l])).values()];
  // Estimates past their time are dropped as new ones come (the same band's is overwritten anyway).
  if (missing.length > 0) await ctx.db.amazonFeeEstimate.deleteMany({ where: { projectId, expiresAt: { lte: now } } });
  for (const part of chunks(missing, FEES_ESTIMATES_BATCH_SIZE)) {
    let answer: FeesEstimateResult[];
    try {
      answer = await client.call<FeesEstimateResult[]>(
        {
          operation: 'productFees.getMyFeesEstimates',
          body: part.map((l, i) => ({
            IdType: 'SellerSKU',
            IdValue: l.sku,
            FeesEstimateRequest: {
              MarketplaceId: marketplaceId,
              ...(l.fulfillment ? { IsAmazonFulfilled: l.fulfillment === 'AFN' } : {}),
              PriceToEstimateFees: { ListingPrice: amazonMoney(l.band.top), ...(l.item.shipping ? { Shipping: amazonMoney(l.item.shipping) } : {}) },
              Identifier: `calibr-${i}`,
            },
          })),
          version: 'v0',
        },
        { maxWaitMs: FEES_MAX_WAIT_MS },
      );
    } catch (error) {
      // A seller who must reconnect is the caller's problem; anything else fails these items only.
      if (error instanceof AuthenticationError || !(error instanceof ConnectorError)) throw error;
      for (const l of part) failures.set(l.key, { code: error.code, message: error.message });
      continue;
    }
    const results = Array.isArray(answer) ? answer : [];
    const expiresAt = new Date(now.getTime() + (options.ttlMs ?? FEE_ESTIMATE_TTL_MS));
    for (const [i, l] of part.entries()) {
      const result = results.find((r) => r.FeesEstimateIdentifier?.SellerInputIdentifier === `calibr-${i}`) ?? results[i];
      const read = result ? estimateFrom(result, currency) : { code: 'NoEstimate', message: 'Amazon returned no estimate for this item' };
      if (!('total' in read)) {
        failures.set(l.key, read);
        continue;
      }
      found.set(l.key, read);
      const key = { projectId, sellingPartnerId, marketplaceId, sku: l.sku, fulfillment: l.fulfillment, currency, bandFloor: l.band.floor.amount, shipping: l.shipping };
      const data = {
        estimatedPrice: l.band.top.amount,
        totalAmount: read.total.amount,
        fees: read.fees.map((f) => ({ type: f.type, amount: f.amount.amount })),
        estimatedAt: read.estimatedAt,
        expiresAt,
      };
      await ctx.db.amazonFeeEstimate.upsert({
        where: { projectId_sellingPartnerId_marketplaceId_sku_fulfillment_currency_bandFloor_shipping: key },
        create: { ...key, ...data },
        update: data,
      });
    }
  }

  return items.map((item, i): FeeEstimate => {
    const lookup = lookups[i]!;
    const fail = (e: { code: string; message: string }): FeeEstimate => ({ externalId: item.externalId, price: item.price, total: null, fees: [], estimatedAt: now.toISOString(), error: e });
    if (!('key' in lookup)) return fail(lookup);
    const estimate = found.get(lookup.key);
    if (!estimate) return fail(failures.get(lookup.key) ?? { code: 'NoEstimate', message: 'Amazon returned no estimate for this item' });
    return { externalId: item.externalId, price: item.price, total: estimate.total, fees: estimate.fees, estimatedAt: estimate.estimatedAt.toISOString() };
  });
}
