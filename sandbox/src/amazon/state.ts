// The Amazon sandbox's whole state: plain JSON-serialisable records, so persistence is a snapshot.
import type { Region } from './marketplaces';
import type { MarketState } from './market-sim/types';
import type { Price } from './money';
import type { QueueSnapshot } from './sqs/queues';

/** An SP-API application as registered in Developer Central, with its LWA client credentials. */
export interface SpApp {
  applicationId: string;
  name: string;
  clientId: string;
  clientSecret: string;
  /** OAuth redirect URIs registered for website authorization. */
  redirectUris: string[];
  /** Draft apps are authorized only with `version=beta` on the consent URL. */
  published: boolean;
  /** When `clientSecret` was issued (ISO, Amazon's clock); it lasts the client-secret lifetime (180 days). Absent: never expires (state saved before secrets aged). */
  clientSecretIssuedAt?: string;
  /** Secrets replaced by a rotation, still accepted until `validUntil` (ISO), as Amazon keeps the old one for a while. */
  previousSecrets?: { secret: string; issuedAt?: string; validUntil: string }[];
}

export interface Seller {
  sellerId: string;
  storeName: string;
  region: Region;
  marketplaceIds: string[];
  businessName: string;
  countryCode: string;
  listings: Record<string, Listing>;
}

export type ListingStatus = 'BUYABLE' | 'DISCOVERABLE';

export interface ListingOffer {
  marketplaceId: string;
  price: Price;
  minPrice?: Price;
  maxPrice?: Price;
  status: ListingStatus[];
}

export interface ListingIssue {
  code: string;
  message: string;
  severity: 'ERROR' | 'WARNING' | 'INFO';
  attributeNames?: string[];
  categories: string[];
  marketplaceIds?: string[];
}

export interface Listing {
  sku: string;
  asin: string;
  productType: string;
  conditionType: string;
  itemName: string;
  createdDate: string;
  lastUpdatedDate: string;
  /** Fulfillment: DEFAULT (merchant) or AMAZON_NA / AMAZON_EU / AMAZON_FE (FBA). */
  fulfillmentChannelCode: string;
  quantity: number;
  offers: Record<string, ListingOffer>;
  /** Attributes other than `purchasable_offer`, in the Listings API's attribute format. */
  attributes: Record<string, unknown[]>;
  issues: ListingIssue[];
}

export interface CatalogItem {
  asin: string;
  itemName: string;
  brand: string;
  manufacturer: string;
  productType: string;
  classificationId: string;
  classificationName: string;
  websiteDisplayGroup: string;
  salesRank: number;
  upc?: string;
  ean?: string;
  color?: string;
  size?: string;
  imageUrl: string;
  marketplaceIds: string[];
  /** List price (MSRP) per marketplace, when known. */
  listPrices: Record<string, Price>;
}

/** Another seller's offer on an ASIN, as shoppers (and the pricing APIs) see it. */
export interface CompetitorOffer {
  sellerId: string;
  sellerName: string;
  asin: string;
  marketplaceId: string;
  condition: 'New' | 'Used';
  subCondition: string;
  fulfillment: 'AFN' | 'MFN';
  price: Price;
  shipping: Price;
  feedbackPercent: number;
  feedbackCount: number;
  shipsFromCountry: string;
  prime: boolean;
}

export interface RefreshTokenRecord {
  token: string;
  sellerId: string;
  clientId: string;
  createdAt: string;
  revoked: boolean;
}

export interface AccessTokenRecord {
  token: string;
  clientId: string;
  /** Absent for grantless (client_credentials) tokens. */
  sellerId?: string;
  refreshToken?: string;
  scope?: string;
  expiresAt: number;
}

export interface AuthorizationCode {
  code: string;
  applicationId: string;
  clientId: string;
  sellerId: string;
  redirectUri: string;
  expiresAt: number;
  used: boolean;
}

export type ProcessingStatus = 'CANCELLED' | 'DONE' | 'FATAL' | 'IN_PROGRESS' | 'IN_QUEUE';

/** Fault a test can put on a feed: hold it IN_PROGRESS, end it FATAL, or finish it without a report. */
export type FeedFault = 'stall' | 'fatal' | 'no-report';

export interface Feed {
  feedId: string;
  sellerId: string;
  region: Region;
  feedType: string;
  marketplaceIds: string[];
  inputFeedDocumentId: string;
  feedOptions?: Record<string, string>;
  createdTime: string;
  processingStatus: ProcessingStatus;
  processingStartTime?: string;
  processingEndTime?: string;
  resultFeedDocumentId?: string;
  fault?: FeedFault;
  /** Real-clock instants (ms) at which the feed moves on; kept so a restored sandbox resumes. */
  startAt: number;
  doneAt: number;
}

export interface FeedDocumentRecord {
  feedDocumentId: string;
  region: Region;
  sellerId: string;
  contentType: string;
  kind: 'input' | 'result';
  createdAt: string;
  /** Base64 of the stored bytes (gzip bytes when compressed). */
  content?: string;
  compression?: 'GZIP';
}

export interface AmazonState {
  apps: Record<string, SpApp>;
  sellers: Record<string, Seller>;
  catalog: Record<string, CatalogItem>;
  /** Competitor offers keyed by `${asin}|${marketplaceId}`. */
  competitors: Record<string, CompetitorOffer[]>;
  /** Buy Box forced to a seller id, or 'none' (suppressed), keyed by `${asin}|${marketplaceId}`. */
  buyBoxOverrides: Record<string, string>;
  refreshTokens: Record<string, RefreshTokenRecord>;
  accessTokens: Record<string, AccessTokenRecord>;
  authorizationCodes: Record<string, AuthorizationCode>;
  feeds: Record<string, Feed>;
  documents: Record<string, FeedDocumentRecord>;
  nextFeedId: number;
  /** The competitor bots and the sales ledger (control API market/…); absent until bots are placed. */
  market?: MarketState;
  /** Notifications API: destinations (per application) and subscriptions (per seller and application); absent until one is created. */
  notifications?: NotificationsState;
  /** The SQS queues and their messages: only in snapshots (the live queues are the platform's SqsService). */
  sqsQueues?: QueueSnapshot[];
}

/** A Notifications API destination: an SQS queue (by ARN) an application receives notifications in. */
export interface NotificationDestination {
  destinationId: string;
  /** The application (LWA client id) that created it; other applications don't see it. */
  clientId: string;
  name: string;
  sqsArn: string;
}

export interface NotificationSubscription {
  subscriptionId: string;
  clientId: string;
  sellerId: string;
  notificationType: string;
  payloadVersion: string;
  destinationId: string;
  processingDirective?: Record<string, unknown>;
}

export interface NotificationsState {
  destinations: Record<string, NotificationDestination>;
  subscriptions: Record<string, NotificationSubscription>;
}

export function emptyState(): AmazonState {
  return {
    apps: {},
    sellers: {},
    catalog: {},
    competitors: {},
    buyBoxOverrides: {},
    refreshTokens: {},
    accessTokens: {},
    authorizationCodes: {},
    feeds: {},
    documents: {},
    nextFeedId: 50_001_019_000,
  };
}

export function offerKey(asin: string, marketplaceId: string): string {
  return `${asin}|${marketplaceId}`;
}
