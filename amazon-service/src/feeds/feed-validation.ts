// Our own check of the JSON_LISTINGS_FEED structure we produce, run before every upload so a malformed
// message never reaches Amazon. It mirrors the parts of Amazon's listings-feed-schema-v2 that our messages
// use (the tests hold it against Amazon's schema files with ajv), plus the price rules Amazon applies.
import { getCurrency } from '@calibr/shared-contracts';
import { JsonDecimal, compareDecimals, isPlainDecimal } from './json-decimal';
import {
  MAX_MESSAGES_PER_FEED,
  OFFER_AUDIENCE,
  type ListingPriceChange,
  type ListingsFeedHeader,
  type ListingsFeedMessage,
  type PriceSchedule,
} from './json-listings-feed';
import { findMarketplace } from '../sp-api/regions';

export interface FeedValidationIssue {
  /** JSON pointer into the document (or the change) that is wrong. */
  path: string;
  message: string;
}

/** Amazon's seller SKU limit. */
export const MAX_SKU_LENGTH = 40;
const MAX_MESSAGE_ID = 2_147_483_647;
const PATCH_OPS = new Set(['add', 'replace', 'merge', 'delete']);

/** The currency's minor units (ISO 4217, from the shared money table); undefined for an unknown code. */
export function currencyFractionDigits(currency: string): number | undefined {
  return typeof currency === 'string' ? getCurrency(currency)?.minorUnits : undefined;
}

function checkAmount(path: string, amount: string | undefined, digits: number, issues: FeedValidationIssue[]): void {
  if (amount === undefined) return;
  if (!isPlainDecimal(amount)) {
    issues.push({ path, message: `amount ${JSON.stringify(amount)} is not a plain non-negative decimal` });
  } else if (amount.includes('.') && amount.split('.')[1]!.length > digits) {
    issues.push({ path, message: `amount ${amount} has more than ${digits} decimal places` });
  } else if (compareDecimals(amount, '0') === 0 && path.endsWith('/price')) {
    issues.push({ path, message: 'price must be greater than zero' });
  }
}

/** Checks one requested change before it becomes a feed message. */
export function validatePriceChange(change: ListingPriceChange): FeedValidationIssue[] {
  const issues: FeedValidationIssue[] = [];
  if (typeof change.sku !== 'string' || change.sku.length === 0 || change.sku.length > MAX_SKU_LENGTH) {
    issues.push({ path: '/sku', message: `sku must be 1 to ${MAX_SKU_LENGTH} characters` });
  }
  const marketplace = findMarketplace(change.marketplaceId);
  if (!marketplace) issues.push({ path: '/marketplaceId', message: `unknown marketplace ${change.marketplaceId}` });
  const digits = currencyFractionDigits(change.currency);
  if (digits === undefined) {
    issues.push({ path: '/currency', message: `unknown currency ${change.currency}` });
    return issues;
  }
  if (marketplace && marketplace.currency !== change.currency) {
    issues.push({ path: '/currency', message: `${marketplace.name} prices are in ${marketplace.currency}, not ${change.currency}` });
  }
  checkAmount('/price', change.price, digits, issues);
  checkAmount('/minimumPrice', change.minimumPrice, digits, issues);
  checkAmount('/maximumPrice', change.maximumPrice, digits, issues);
  if (issues.length === 0) {
    const { price, minimumPrice: min, maximumPrice: max } = change;
    if (min !== undefined && compareDecimals(price, min) < 0) issues.push({ path: '/price', message: `price ${price} is below the minimum ${min}` });
    if (max !== undefined && compareDecimals(price, max) > 0) issues.push({ path: '/price', message: `price ${price} is above the maximum ${max}` });
  }
  return issues;
}

function checkSchedule(path: string, value: PriceSchedule[] | undefined, required: boolean, issues: FeedValidationIssue[]): void {
  if (value === undefined) {
    if (required) issues.push({ path, message: 'is required' });
    return;
  }
  if (!Array.isArray(value) || value.length !== 1 || !Array.isArray(value[0]?.schedule) || value[0].schedule.length !== 1) {
    issues.push({ path, message: 'must hold exactly one schedule with one value' });
    return;
  }
  if (!(value[0].schedule[0]?.value_with_tax instanceof JsonDecimal)) {
    issues.push({ path: `${path}/0/schedule/0/value_with_tax`, message: 'must be a decimal number' });
  }
}

export function validateFeedHeader(header: ListingsFeedHeader): FeedValidationIssue[] {
  const issues: FeedValidationIssue[] = [];
  if (typeof header.sellerId !== 'string' || header.sellerId.length === 0) issues.push({ path: '/header/sellerId', message: 'is required' });
  if (header.version !== '2.0') issues.push({ path: '/header/version', message: 'must be "2.0"' });
  if (header.issueLocale !== undefined && typeof header.issueLocale !== 'string') issues.push({ path: '/header/issueLocale', message: 'must be a string' });
  return issues;
}

/** Checks one built message against the structure Amazon's feed schema requires for a PATCH. */
export function validateFeedMessage(message: ListingsFeedMessage, at = '/messages/0'): FeedValidationIssue[] {
  const issues: FeedValidationIssue[] = [];
  const push = (path: string, msg: string) => issues.push({ path: `${at}${path}`, message: msg });
  if (!Number.isInteger(message.messageId) || message.messageId < 1 || message.messageId > MAX_MESSAGE_ID) push('/messageId', 'must be an integer from 1 to 2147483647');
  if (typeof message.sku !== 'string' || message.sku.length === 0) push('/sku', 'must be a non-empty string');
  if (message.operationType !== 'PATCH') push('/operationType', 'must be PATCH');
  if (typeof message.productType !== 'string' || message.productType.length === 0) push('/productType', 'is required for PATCH');
  const extra = message as unknown as Record<string, unknown>;
  if ('attributes' in extra || 'requirements' in extra) push('', 'a PATCH message carries neither attributes nor requirements');
  if (!Array.isArray(message.patches) || message.patches.length === 0) {
    push('/patches', 'must hold at least one patch');
    return issues;
  }
  message.patches.forEach((patch, i) => {
    const p = `/patches/${i}`;
    if (!PATCH_OPS.has(patch.op)) push(`${p}/op`, `unsupported op ${String(patch.op)}`);
    if (patch.path !== '/attributes/purchasable_offer') push(`${p}/path`, 'must be /attributes/purchasable_offer');
    if (!Array.isArray(patch.value) || patch.value.length === 0) {
      push(`${p}/value`, 'must be a non-empty array of objects');
      return;
    }
    patch.value.forEach((offer, j) => {
      const o = `${p}/value/${j}`;
      if (typeof offer !== 'object' || offer === null) return push(o, 'must be an object');
      if (!findMarketplace(offer.marketplace_id)) push(`${o}/marketplace_id`, `unknown marketplace ${offer.marketplace_id}`);
      if (currencyFractionDigits(offer.currency) === undefined) push(`${o}/currency`, `unknown currency ${offer.currency}`);
      // A merge names the offer's whole key (marketplace_id, currency, audience): Amazon refuses it otherwise.
      if (offer.audience !== OFFER_AUDIENCE) push(`${o}/audience`, `must be ${OFFER_AUDIENCE} (the offer's key: marketplace_id, currency, audience)`);
      checkSchedule(`${at}${o}/our_price`, offer.our_price, true, issues);
      checkSchedule(`${at}${o}/minimum_seller_allowed_price`, offer.minimum_seller_allowed_price, false, issues);
      checkSchedule(`${at}${o}/maximum_seller_allowed_price`, offer.maximum_seller_allowed_price, false, issues);
    });
  });
  return issues;
}

/** Whole-document checks: header, message count, unique message ids and every message. */
export function validateFeed(header: ListingsFeedHeader, messages: ListingsFeedMessage[]): FeedValidationIssue[] {
  const issues = validateFeedHeader(header);
  if (messages.length < 1 || messages.length > MAX_MESSAGES_PER_FEED) {
    issues.push({ path: '/messages', message: `must hold 1 to ${MAX_MESSAGES_PER_FEED} messages, not ${messages.length}` });
  }
  const seen = new Set<number>();
  messages.forEach((message, i) => {
    if (seen.has(message.messageId)) issues.push({ path: `/messages/${i}/messageId`, message: `duplicate messageId ${message.messageId}` });
    seen.add(message.messageId);
    issues.push(...validateFeedMessage(message, `/messages/${i}`));
  });
  return issues;
}
