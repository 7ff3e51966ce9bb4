// Turns a batch of price changes into ready-to-upload JSON_LISTINGS_FEED documents: one marketplace per
// document, split when a document would pass Amazon's 25,000 messages or 10 MiB, each change checked first
// (a bad change is refused alone and never uploaded), every document validated before it is returned.
import { writeJson } from './json-decimal';
import {
  MAX_FEED_BYTES,
  MAX_MESSAGES_PER_FEED,
  buildPriceMessage,
  writePriceMessage,
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
  documents: PlannedFeedDocument[];
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

/** One message of a document: its id and the change it carries. */
export interface FeedEntry {
  messageId: number;
  change: ListingPriceChange;
}

export interface PlannedFeedDocument extends FeedDocument {
  entries: FeedEntry[];
}

function feedFraming(sellerId: string, issueLocale?: string): { prefix: string; suffix: string } {
  const header: ListingsFeedHeader = { sellerId, version: '2.0', ...(issueLocale ? { issueLocale } : {}) };
  const headerIssues = validateFeedHeader(header);
  if (headerIssues.length) throw new FeedValidationError(headerIssues);
  return { prefix: `{"header":${writeJson(header)},"messages":[`, suffix: ']}' };
}

/**
 * Serializes given messages with their given ids (a feed rebuilt from storage after a restart keeps its
 * message ids, so the processing report still maps back to the same SKUs). Validates every message.
 */
export function renderFeedDocument(sellerId: string, entries: readonly FeedEntry[], issueLocale?: string): string {
  const { prefix, suffix } = feedFraming(sellerId, issueLocale);
  if (entries.length < 1 || entries.length > MAX_MESSAGES_PER_FEED) {
    throw new FeedValidationError([{ path: '/messages', message: `must hold 1 to ${MAX_MESSAGES_PER_FEED} messages, not ${entries.length}` }]);
  }
  const seen = new Set<number>();
  const parts = entries.map((entry, i) => {
    if (seen.has(entry.messageId)) throw new FeedValidationError([{ path: `/messages/${i}/messageId`, message: `duplicate messageId ${entry.messageId}` }]);
    seen.add(entry.messageId);
    const changeIssues = validatePriceChange(entry.change);
    if (changeIssues.length) throw new FeedValidationError(changeIssues.map((x) => ({ ...x, path: `/messages/${i}${x.path}` })));
    const message = buildPriceMessage(entry.messageId, entry.change);
    const issues = validateFeedMessage(message, `/messages/${i}`);
    if (issues.length) throw new FeedValidationError(issues);
    return writePriceMessage(message);
  });
  const content = prefix + parts.join(',') + suffix;
  if (Buffer.byteLength(content) > MAX_FEED_BYTES) throw new FeedValidationError([{ path: '', message: `document exceeds ${MAX_FEED_BYTES} bytes` }]);
  return content;
}

export function planPriceFeeds(sellerId: string, changes: readonly ListingPriceChange[], limits: FeedLimits = {}): FeedPlan {
  const maxMessages = Math.min(limits.maxMessages ?? MAX_MESSAGES_PER_FEED, MAX_MESSAGES_PER_FEED);
  const maxBytes = Math.min(limits.maxBytes ?? MAX_FEED_BYTES, MAX_FEED_BYTES);
  const { prefix, suffix } = feedFraming(sellerId, limits.issueLocale);

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

  const documents: PlannedFeedDocument[] = [];
  for (const [marketplaceId, group] of byMarketplace) {
    let parts: string[] = [];
    let messages: FeedDocument['messages'] = [];
    let entries: FeedEntry[] = [];
    let bytes = prefix.length + suffix.length;
    const flush = () => {
      if (parts.length === 0) return;
      documents.push({ marketplaceId, content: prefix + parts.join(',') + suffix, messages, entries });
      parts = [];
      messages = [];
      entries = [];
      bytes = prefix.length + suffix.length;
    };
    for (const change of group) {
      let messageId = messages.length + 1;
      let message = buildPriceMessage(messageId, change);
      let json = writePriceMessage(message);
      let size = Buffer.byteLength(json) + 1;
      if (messages.length >= maxMessages || bytes + size > maxBytes) {
        flush();
        messageId = 1;
        message = buildPriceMessage(messageId, change);
        json = writePriceMessage(message);
        size = Buffer.byteLength(json) + 1;
      }
      const issues = validateFeedMessage(message, `/messages/${messageId - 1}`);
      if (issues.length) throw new FeedValidationError(issues);
      parts.push(json);
      messages.push({ messageId, sku: change.sku });
      entries.push({ messageId, change });
      bytes += size;
    }
    flush();
  }
  return { documents, refused };
}
