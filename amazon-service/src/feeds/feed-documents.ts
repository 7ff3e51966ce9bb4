// Turns a batch of price changes into ready-to-upload JSON_LISTINGS_FEED documents: one marketplace per
// document, split when a document would pass Amazon's 25,000 messages or 10 MiB, each change checked first
// (a bad change is refused alone and never uploaded), every document validated before it is returned.
import { writeJson } from './json-decimal';
import {
  MAX_FEED_BYTES,
  MAX_MESSAGES_PER_FEED,
  buildPriceMessage,
  type ListingPriceChange,
  type ListingsFeedHeader,
} from './json-listings-feed';
import { validateFeedHeader, validateFeedMessage, validatePriceChange, type FeedValidationIssue } from './feed-validation';

export interface FeedDocument {
  marketplaceId: string;
  /** The serialized document, exactly as uploaded. */
  content: string;
  /** messageId → SKU, to read the processing report back. */
  messages: { messageId: number; sku: string }[];
}

export interface RefusedChange {
  sku: string;
  marketplaceId: string;
  issues: FeedValidationIssue[];
}

export interface FeedPlan {
  documents: FeedDocument[];
  refused: RefusedChange[];
}

export interface FeedLimits {
  maxMessages?: number;
  maxBytes?: number;
  issueLocale?: string;
}

export class FeedValidationError extends Error {
  constructor(readonly issues: FeedValidationIssue[]) {
    super(`feed failed validation: ${issues.slice(0, 3).map((i) => `${i.path} ${i.message}`).join('; ')}`);
    this.name = 'FeedValidationError';
  }
}

export function planPriceFeeds(sellerId: string, changes: readonly ListingPriceChange[], limits: FeedLimits = {}): FeedPlan {
  const maxMessages = Math.min(limits.maxMessages ?? MAX_MESSAGES_PER_FEED, MAX_MESSAGES_PER_FEED);
  const maxBytes = Math.min(limits.maxBytes ?? MAX_FEED_BYTES, MAX_FEED_BYTES);
  const header: ListingsFeedHeader = { sellerId, version: '2.0', ...(limits.issueLocale ? { issueLocale: limits.issueLocale } : {}) };
  const headerIssues = validateFeedHeader(header);
  if (headerIssues.length) throw new FeedValidationError(headerIssues);
  const headerJson = writeJson(header);
  const prefix = `{"header":${headerJson},"messages":[`;
  const suffix = ']}';

  const refused: RefusedChange[] = [];
  const byMarketplace = new Map<string, ListingPriceChange[]>();
  const seen = new Set<string>();
  for (const change of changes) {
    const issues = validatePriceChange(change);
    const key = `${change.marketplaceId}\u0000${change.sku}`;
    if (issues.length === 0 && seen.has(key)) issues.push({ path: '/sku', message: 'the same SKU appears twice for this marketplace in one batch' });
    if (issues.length) {
      refused.push({ sku: change.sku, marketplaceId: change.marketplaceId, issues });
      continue;
    }
    seen.add(key);
    const group = byMarketplace.get(change.marketplaceId) ?? [];
    group.push(change);
    byMarketplace.set(change.marketplaceId, group);
  }

  const documents: FeedDocument[] = [];
  for (const [marketplaceId, group] of byMarketplace) {
    let parts: string[] = [];
    let messages: FeedDocument['messages'] = [];
    let bytes = prefix.length + suffix.length;
    const flush = () => {
      if (parts.length === 0) return;
      documents.push({ marketplaceId, content: prefix + parts.join(',') + suffix, messages });
      parts = [];
      messages = [];
      bytes = prefix.length + suffix.length;
    };
    for (const change of group) {
      let messageId = messages.length + 1;
      let message = buildPriceMessage(messageId, change);
      let json = writeJson(message);
      let size = Buffer.byteLength(json) + 1;
      if (messages.length >= maxMessages || bytes + size > maxBytes) {
        flush();
        messageId = 1;
        message = buildPriceMessage(messageId, change);
        json = writeJson(message);
        size = Buffer.byteLength(json) + 1;
      }
      const issues = validateFeedMessage(message, `/messages/${messageId - 1}`);
      if (issues.length) throw new FeedValidationError(issues);
      parts.push(json);
      messages.push({ messageId, sku: change.sku });
      bytes += size;
    }
    flush();
  }
  return { documents, refused };
}
