// Processing of a JSON_LISTINGS_FEED document: the document is checked as Amazon's feed schema says,
// each valid message becomes a listing change (PATCH / PARTIAL_UPDATE / UPDATE / DELETE) applied in order,
// and the processing report (listings-feed-processing-report-schema-v2) lists an issue per problem.
import { planAttributes, planDelete, planPatches, type ListingChange, type PatchOperation, type PriceChange } from '../listings/changes';
import { acceptChange } from '../listings/go-live';
import { renderListingItem } from '../listings/render';
import type { Feed, ListingIssue, Seller } from '../state';
import type { AmazonWorld } from '../world';
import { checkFeedDocument } from './feed-checks';

export interface ReportIssue {
  messageId?: number;
  sku?: string;
  code: string;
  severity: 'ERROR' | 'WARNING' | 'INFO';
  message: string;
  attributeName?: string;
}

export interface FeedOutcome {
  status: 'DONE' | 'FATAL';
  report: Record<string, unknown>;
}

/** Codes the sandbox uses for document-level and message-format problems (Amazon documents none). */
export const FEED_ISSUE_CODES = {
  missingDocument: '100001',
  tooLarge: '100002',
  notJson: '100003',
  documentSchema: '100004',
  sellerMismatch: '100006',
  messageSchema: '100100',
  duplicateMessageId: '100101',
} as const;

interface Message {
  messageId: number;
  sku: string;
  operationType: 'UPDATE' | 'PARTIAL_UPDATE' | 'PATCH' | 'DELETE';
  productType?: string;
  attributes?: Record<string, unknown>;
  patches?: PatchOperation[];
}

interface FeedDoc {
  header: { sellerId: string; version: string; report?: { includedData: string[]; apiVersion: string } };
  messages: unknown[];
}

function fatal(feed: Feed, issues: ReportIssue[]): FeedOutcome {
  return {
    status: 'FATAL',
    report: {
      header: { sellerId: feed.sellerId, version: '2.0', feedId: feed.feedId },
      issues,
      summary: { errors: issues.length, warnings: 0, messagesProcessed: 0, messagesAccepted: 0, messagesInvalid: 0 },
    },
  };
}

function docIssue(code: string, message: string): ReportIssue {
  return { code, severity: 'ERROR', message };
}

function changeFor(world: AmazonWorld, seller: Seller, feed: Feed, m: Message): ListingChange {
  switch (m.operationType) {
    case 'PATCH':
      return planPatches(world, seller, m.sku, m.productType!, m.patches!, feed.marketplaceIds);
    case 'PARTIAL_UPDATE':
    case 'UPDATE':
      return planAttributes(world, seller, m.sku, m.productType!, m.attributes!, feed.marketplaceIds, m.operationType);
    case 'DELETE':
      return planDelete(world, seller, m.sku, feed.marketplaceIds);
  }
}

function toReportIssue(m: Message, i: ListingIssue): ReportIssue {
  return {
    messageId: m.messageId,
    sku: m.sku,
    code: i.code,
    severity: i.severity,
    message: i.message,
    ...(i.attributeNames?.[0] ? { attributeName: i.attributeNames[0] } : {}),
  };
}

/**
 * Processes the feed. `pause` is awaited every few hundred messages so a large feed never holds the
 * event loop (the sandbox shares its process with tests and services); it resolves false to abandon.
 */
export async function processJsonListingsFeed(
  world: AmazonWorld,
  feed: Feed,
  seller: Seller,
  content: Buffer | undefined,
  pause: () => Promise<boolean> = async () => true,
): Promise<FeedOutcome | undefined> {
  if (!content || content.length === 0) {
    return fatal(feed, [docIssue(FEED_ISSUE_CODES.missingDocument, 'The feed document is empty or was never uploaded.')]);
  }
  if (content.length > world.options.maxFeedBytes) {
    return fatal(feed, [docIssue(FEED_ISSUE_CODES.tooLarge, `The feed document is ${content.length} bytes; the limit is ${world.options.maxFeedBytes} bytes.`)]);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(content.toString('utf8'));
  } catch (e) {
    return fatal(feed, [docIssue(FEED_ISSUE_CODES.notJson, `The feed document is not valid JSON: ${(e as Error).message}`)]);
  }
  const checks = checkFeedDocument(doc, world.options.maxFeedMessages);
  if (checks.documentProblems.length) {
    return fatal(
      feed,
      checks.documentProblems.map((p) => docIssue(FEED_ISSUE_CODES.documentSchema, `The feed document does not conform to the JSON_LISTINGS_FEED schema: ${p}`)),
    );
  }
  const { header, messages } = doc as FeedDoc;
  if (header.sellerId !== feed.sellerId) {
    return fatal(feed, [docIssue(FEED_ISSUE_CODES.sellerMismatch, `header.sellerId '${header.sellerId}' is not the selling partner that submitted the feed.`)]);
  }

  const issues: ReportIssue[] = [];
  const seen = new Set<number>();
  const acceptedSkus: string[] = [];
  const priceChanges: PriceChange[] = [];
  let accepted = 0;
  for (const [index, raw] of messages.entries()) {
    if (index > 0 && index % 500 === 0 && !(await pause())) return undefined;
    const problems = checks.messageProblems.get(index);
    const rawId = (raw as { messageId?: unknown })?.messageId;
    const messageId = Number.isInteger(rawId) && (rawId as number) >= 1 ? (rawId as number) : undefined;
    const rawSku = (raw as { sku?: unknown })?.sku;
    const sku = typeof rawSku === 'string' && rawSku ? rawSku : undefined;
    if (problems) {
      for (const p of problems) {
        issues.push({
          ...(messageId ? { messageId } : {}),
          ...(sku ? { sku } : {}),
          code: FEED_ISSUE_CODES.messageSchema,
          severity: 'ERROR',
          message: `The message does not conform to the JSON_LISTINGS_FEED message schema: ${p}`,
        });
      }
      continue;
    }
    const m = raw as Message;
    if (seen.has(m.messageId)) {
      issues.push({ messageId: m.messageId, sku: m.sku, code: FEED_ISSUE_CODES.duplicateMessageId, severity: 'ERROR', message: `messageId ${m.messageId} is used by an earlier message of this feed.` });
      continue;
    }
    seen.add(m.messageId);
    const change = changeFor(world, seller, feed, m);
    issues.push(...change.issues.map((i) => toReportIssue(m, i)));
    if (change.valid) {
      // Accepted: live now, or later under listings/live-delay (planned again then, as a patch is).
      acceptChange(world, seller, change, feed.marketplaceIds, () => changeFor(world, seller, feed, m), 'feed');
      priceChanges.push(...change.priceChanges);
      accepted++;
      acceptedSkus.push(m.sku);
    }
  }
  if (priceChanges.length) {
    // One log entry per feed (not per message): a 25,000-message feed would flood the request log.
    world.log({
      platform: 'amazon',
      kind: 'feed',
      detail: { feedId: feed.feedId, priceChanges: priceChanges.length, sample: priceChanges.slice(0, 50).map((c) => ({ sellerId: seller.sellerId, ...c })) },
    });
  }

  const summary: Record<string, unknown> = {
    errors: issues.filter((i) => i.severity === 'ERROR').length,
    warnings: issues.filter((i) => i.severity === 'WARNING').length,
    messagesProcessed: messages.length,
    messagesAccepted: accepted,
    messagesInvalid: messages.length - accepted,
  };
  const report: Record<string, unknown> = {
    header: { sellerId: feed.sellerId, version: '2.0', feedId: feed.feedId, ...(header.report ? { report: header.report } : {}) },
    issues,
    summary,
  };
  if (header.report) {
    const items = [...new Set(acceptedSkus)]
      .map((sku) => seller.listings[sku])
      .filter((l) => l !== undefined)
      .map((l) => renderListingItem(l, feed.marketplaceIds, header.report!.includedData, world.state.catalog[l.asin]?.imageUrl));
    const itemIssues = [...new Set(acceptedSkus)].flatMap((sku) => seller.listings[sku]?.issues ?? []);
    summary.itemSummary = {
      items: items.length,
      errors: itemIssues.filter((i) => i.severity === 'ERROR').length,
      warnings: itemIssues.filter((i) => i.severity === 'WARNING').length,
    };
    report.items = items;
  }
  return { status: 'DONE', report };
}
