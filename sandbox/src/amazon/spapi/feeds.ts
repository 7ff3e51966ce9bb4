// Feeds API 2021-06-30: createFeedDocument (pre-signed upload URL), createFeed, getFeed, getFeeds,
// cancelFeed and getFeedDocument (pre-signed report URL, GZIP when large).
import { createDocument, isDocumentId, presignedUrl } from '../feeds/documents';
import { isKnownFeedType, type FeedProcessor } from '../feeds/processor';
import type { Feed } from '../state';
import { SpApiError, invalidInput, quotaExceeded } from './errors';
import { RateLimiter } from './rate-limiter';
import { requireMarketplaces, type SpCall, type SpHandler } from './router';

function publicFeed(feed: Feed) {
  return {
    feedId: feed.feedId,
    feedType: feed.feedType,
    marketplaceIds: feed.marketplaceIds,
    createdTime: feed.createdTime,
    processingStatus: feed.processingStatus,
    ...(feed.processingStartTime ? { processingStartTime: feed.processingStartTime } : {}),
    ...(feed.processingEndTime ? { processingEndTime: feed.processingEndTime } : {}),
    ...(feed.resultFeedDocumentId ? { resultFeedDocumentId: feed.resultFeedDocumentId } : {}),
  };
}

function ownFeed(call: SpCall, processor: FeedProcessor): Feed {
  const feedId = String(call.params.feedId);
  if (!/^\d{1,20}$/.test(feedId)) throw invalidInput('Invalid input', `Invalid feedId: ${feedId}`);
  const feed = call.world.state.feeds[feedId];
  if (!feed || feed.sellerId !== call.seller.sellerId || feed.region !== call.region) {
    throw new SpApiError(404, 'NotFound', `Feed ${feedId} not found.`);
  }
  return processor.advance(feed);
}

interface FeedsQuery {
  feedTypes: string[];
  marketplaceIds?: string[];
  processingStatuses?: string[];
  pageSize: number;
  createdSince: number;
  createdUntil: number;
}

function encodeNextToken(q: FeedsQuery, offset: number): string {
  return Buffer.from(JSON.stringify({ ...q, offset })).toString('base64url');
}

function decodeNextToken(token: string): FeedsQuery & { offset: number } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as FeedsQuery & { offset: number };
    if (Array.isArray(parsed.feedTypes) && Number.isInteger(parsed.offset) && Number.isInteger(parsed.pageSize)) return parsed;
  } catch {
    // fall through
  }
  throw invalidInput('Invalid input', 'Invalid nextToken.');
}

/** JSON_LISTINGS_FEED has its own limit on top of createFeed's usage plan: 5 submissions per 5 minutes. */
const JSON_LISTINGS_FEED_RATE = 5 / 300;
const JSON_LISTINGS_FEED_BURST = 5;

export function feedHandlers(processor: FeedProcessor): Record<string, SpHandler> {
  const feedTypeLimiter = new RateLimiter();
  return {
    createFeedDocument: (call) => {
      const { contentType } = call.body as { contentType: string };
      if (!contentType?.trim()) throw invalidInput('Invalid input', 'contentType must not be empty.');
      const doc = createDocument(call.world, { region: call.region, sellerId: call.seller.sellerId, contentType, kind: 'input' });
      return { status: 201, body: { feedDocumentId: doc.feedDocumentId, url: presignedUrl(call.world, doc, 'PUT') } };
    },

    createFeed: (call) => {
      const body = call.body as { feedType: string; marketplaceIds: string[]; inputFeedDocumentId: string; feedOptions?: Record<string, string> };
      if (!isKnownFeedType(body.feedType)) throw invalidInput('Invalid input', `Invalid feedType: ${body.feedType}`);
      const marketplaceIds = requireMarketplaces(call, body.marketplaceIds);
      const doc = call.world.state.documents[body.inputFeedDocumentId];
      if (!doc || doc.kind !== 'input' || doc.sellerId !== call.seller.sellerId || doc.region !== call.region) {
        throw invalidInput('Invalid input', `Invalid inputFeedDocumentId: ${body.inputFeedDocumentId}`);
      }
      if (
        body.feedType === 'JSON_LISTINGS_FEED' &&
        !feedTypeLimiter.take(`${call.seller.sellerId}:${call.clientId}`, JSON_LISTINGS_FEED_RATE * call.world.timeScale, JSON_LISTINGS_FEED_BURST, call.world.preciseNow())
      ) {
        throw quotaExceeded();
      }
      const feed = processor.create(call.seller, call.region, { ...body, marketplaceIds });
      return { status: 202, body: { feedId: feed.feedId } };
    },

    getFeed: (call) => ({ status: 200, body: publicFeed(ownFeed(call, processor)) }),

    cancelFeed: (call) => {
      const feed = ownFeed(call, processor);
      if (!processor.cancel(feed)) {
        throw invalidInput('Invalid input', `Feed ${feed.feedId} is ${feed.processingStatus}; only IN_QUEUE feeds can be cancelled.`);
      }
      return { status: 200 };
    },

    getFeeds: (call) => {
      const p = call.params;
      let query: FeedsQuery;
      let offset = 0;
      if (p.nextToken !== undefined) {
        if (Object.keys(p).length > 1) throw invalidInput('Invalid input', 'nextToken must be the only parameter when it is given.');
        const decoded = decodeNextToken(String(p.nextToken));
        offset = decoded.offset;
        query = decoded;
      } else {
        if (!p.feedTypes) throw invalidInput('Invalid input', 'Either feedTypes or nextToken is required.');
        const now = call.world.now();
        const since = p.createdSince === undefined ? now - 90 * 24 * 3600 * 1000 : Date.parse(String(p.createdSince));
        const until = p.createdUntil === undefined ? now : Date.parse(String(p.createdUntil));
        if (since > until) throw invalidInput('Invalid input', 'createdSince must be before createdUntil.');
        query = {
          feedTypes: p.feedTypes as string[],
          marketplaceIds: p.marketplaceIds as string[] | undefined,
          processingStatuses: p.processingStatuses as string[] | undefined,
          pageSize: (p.pageSize as number | undefined) ?? 10,
          createdSince: since,
          createdUntil: until,
        };
      }
      const matches = Object.values(call.world.state.feeds)
        .filter((f) => f.sellerId === call.seller.sellerId && f.region === call.region)
        .map((f) => processor.advance(f))
        .filter((f) => query.feedTypes.includes(f.feedType))
        .filter((f) => !query.marketplaceIds || f.marketplaceIds.some((id) => query.marketplaceIds!.includes(id)))
        .filter((f) => !query.processingStatuses || query.processingStatuses.includes(f.processingStatus))
        .filter((f) => {
          const created = Date.parse(f.createdTime);
          return created >= query.createdSince && created <= query.createdUntil;
        })
        .sort((a, b) => b.createdTime.localeCompare(a.createdTime) || Number(b.feedId) - Number(a.feedId));
      const page = matches.slice(offset, offset + query.pageSize);
      const more = offset + query.pageSize < matches.length;
      return {
        status: 200,
        body: { feeds: page.map(publicFeed), ...(more ? { nextToken: encodeNextToken(query, offset + query.pageSize) } : {}) },
      };
    },

    getFeedDocument: (call) => {
      const id = String(call.params.feedDocumentId);
      if (!isDocumentId(id)) throw invalidInput('Invalid input', `Invalid feedDocumentId: ${id}`);
      const doc = call.world.state.documents[id];
      if (!doc || doc.sellerId !== call.seller.sellerId || doc.region !== call.region) {
        throw new SpApiError(404, 'NotFound', `Feed document ${id} not found.`);
      }
      const encoding = doc.compression === 'GZIP' && call.params.enableContentEncodingUrlHeader === true ? 'gzip' : undefined;
      return {
        status: 200,
        body: {
          feedDocumentId: doc.feedDocumentId,
          url: presignedUrl(call.world, doc, 'GET', encoding),
          ...(doc.compression ? { compressionAlgorithm: doc.compression } : {}),
        },
      };
    },
  };
}
