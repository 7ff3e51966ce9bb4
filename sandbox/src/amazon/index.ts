// The Amazon half of the sandbox: LWA (api.amazon.com), Seller Central consent, the SP-API hosts of each
// region (stateful), Amazon's static sandbox hosts, and the S3-like feed document hosts — one
// SandboxPlatform that the core mounts and routes Amazon's host names to.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext, SandboxPlatform } from '../platform';
import { handleConsent } from './consent/consent-page';
import { handleAmazonControl } from './control';
import { handleDocumentHost } from './feeds/documents';
import { FeedProcessor } from './feeds/processor';
import { classifyHost } from './hosts';
import { newRequestId, requestUrl, send, sendJson } from './http';
import { handleLwa } from './lwa/token-endpoint';
import { sellerCentralRegion } from './marketplaces';
import { minorOf, priceFromMinor } from './money';
import { seedDemo, seedIdentities, type DemoAppInput } from './seed';
import { spApiHandlers } from './spapi/handlers';
import { quotaExceeded } from './spapi/errors';
import { SpApiRouter } from './spapi/router';
import { formatRate } from './spapi/rate-limiter';
import { handleStatic } from './static/static-sandbox';
import { notificationHandlers } from './notifications/api';
import { NotificationPublisher } from './notifications/publisher';
import { handleSqs, isSqsPath } from './sqs/protocol';
import { SqsService } from './sqs/queues';
import { emptyState, type AmazonState } from './state';
import { AmazonWorld, type AmazonPlatformOptions } from './world';

export type { AmazonPlatformOptions } from './world';
export { LWA_HOST, DOCUMENT_HOSTS, spApiHost, classifyHost } from './hosts';
export { MARKETPLACES, marketplace } from './marketplaces';
export { DEMO_SELLERS, demoApp } from './seed';

export interface CreateAmazonPlatformOptions extends AmazonPlatformOptions {
  /** The demo app's redirect URIs etc. Default redirect URI: `$AMAZON_SERVICE_URL/api/integrations/amazon/auth/callback`. */
  demoApp?: DemoAppInput;
  /** Move a random competitor's price every this many sandbox seconds (demo "live" competitors). Off by default. */
  liveCompetitorsSeconds?: number;
}

/** Browsers can't reach sellercentral.amazon.com on loopback; the consent page is also served here. */
export const SELLER_CENTRAL_PAGE_PREFIX = '/amazon/sellercentral/';

function defaultRedirectUris(): string[] {
  const base = (process.env.AMAZON_SERVICE_URL ?? 'http://localhost:4020').replace(/\/$/, '');
  return [`${base}/api/integrations/amazon/auth/callback`];
}

export class AmazonPlatform implements SandboxPlatform {
  readonly name = 'amazon';
  readonly world: AmazonWorld;
  readonly processor: FeedProcessor;
  readonly router: SpApiRouter;
  /** Amazon SQS on the sandbox's own host (/sqs), where notifications are delivered. */
  readonly sqs: SqsService;
  readonly notifications: NotificationPublisher;
  private liveTimer?: NodeJS.Timeout;

  constructor(private readonly options: CreateAmazonPlatformOptions = {}) {
    this.world = new AmazonWorld(options);
    this.processor = new FeedProcessor(this.world);
    this.sqs = new SqsService(this.world);
    this.notifications = new NotificationPublisher(this.world, this.sqs);
    this.router = new SpApiRouter(this.world, spApiHandlers(this.processor, this.sqs), notificationHandlers(this.sqs).grantless);
  }

  handles(host: string): boolean {
    return classifyHost(host) !== undefined;
  }

  async handle(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext): Promise<void> {
    this.world.bind(ctx);
    const target = classifyHost(req.headers.host);
    const requestId = newRequestId();
    switch (target?.service) {
      case 'lwa':
        return handleLwa(this.world, req, res, requestId);
      case 'consent':
        return handleConsent(this.world, target.region, req, res);
      case 'spapi':
        return this.router.handle(target.region, req, res, requestId);
      case 'static':
        return handleStatic(this.world, req, res, requestId);
      case 'documents':
        return handleDocumentHost(this.world, target.region, req, res, requestId);
      default:
        sendJson(res, 404, { errors: [{ code: 'NotFound', message: 'Unknown Amazon host.', details: '' }] }, { 'x-amzn-RequestId': requestId });
    }
  }

  /** The consent page on the sandbox's own host: /amazon/sellercentral/<seller central host>/apps/authorize/…. */
  async pages(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext): Promise<boolean> {
    const path = requestUrl(req).pathname;
    if (isSqsPath(path)) {
      this.world.bind(ctx);
      await handleSqs(req, res, { sqs: this.sqs, baseUrl: () => ctx.baseUrl });
      return true;
    }
    if (!path.startsWith(SELLER_CENTRAL_PAGE_PREFIX)) return false;
    const rest = path.slice(SELLER_CENTRAL_PAGE_PREFIX.length);
    const slash = rest.indexOf('/');
    const region = slash > 0 ? sellerCentralRegion(rest.slice(0, slash)) : undefined;
    if (!region) return false;
    this.world.bind(ctx);
    await handleConsent(this.world, region, req, res, rest.slice(slash));
    return true;
  }

  /** The core's "throttle" fault: answered the way each Amazon host throttles. */
  async throttle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const target = classifyHost(req.headers.host);
    const requestId = newRequestId();
    if (target?.service === 'documents') {
      send(res, 503, '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>', {
        'Content-Type': 'application/xml',
      });
      return true;
    }
    const headers: Record<string, string> = { 'x-amzn-RequestId': requestId };
    if (target?.service === 'spapi') {
      const { op } = this.world.operations.match(req.method ?? 'GET', requestUrl(req).pathname);
      if (op) headers['x-amzn-RateLimit-Limit'] = formatRate(op.rate * this.world.timeScale);
    }
    sendJson(res, 429, quotaExceeded().toBody(), headers);
    return true;
  }

  errorBody(status: number): unknown {
    if (status === 503) return { errors: [{ code: 'ServiceUnavailable', message: 'Service temporarily unavailable. Please try again.', details: '' }] };
    return { errors: [{ code: 'InternalFailure', message: 'We encountered an internal error. Please try again.', details: '' }] };
  }

  control(rest: string, req: IncomingMessage, res: ServerResponse, ctx: SandboxContext): Promise<boolean> {
    this.world.bind(ctx);
    return handleAmazonControl(rest, req, res, {
      world: this.world,
      processor: this.processor,
      sqs: this.sqs,
      notifications: this.notifications,
      baseUrl: ctx.baseUrl,
      reseed: () => {
        this.reset();
        this.seedDemo(ctx);
      },
    });
  }

  seedIdentities(): unknown {
    return seedIdentities(this.world);
  }

  seedDemo(ctx: SandboxContext): void {
    this.world.bind(ctx);
    seedDemo(this.world, { app: { redirectUris: defaultRedirectUris(), ...this.options.demoApp } });
  }

  snapshot(): unknown {
    return { ...structuredClone(this.world.state), sqsQueues: this.sqs.snapshot() };
  }

  restore(state: unknown): void {
    this.processor.close();
    this.world.clearTimers();
    this.router.limiter.reset();
    this.world.state = state ? (structuredClone(state) as AmazonState) : emptyState();
    this.sqs.restore(this.world.state.sqsQueues);
    delete this.world.state.sqsQueues;
    this.processor.restoreAll();
    this.notifications.reset();
  }

  reset(): void {
    this.restore(null);
    this.world.faults = { throttles: {} };
    this.sqs.reset();
    this.world.resetApplicationLimits();
    this.world.resetClock();
  }

  start(ctx: SandboxContext): void {
    this.world.bind(ctx);
    const every = this.options.liveCompetitorsSeconds;
    if (every && every > 0 && !this.liveTimer) {
      this.liveTimer = setInterval(() => this.moveACompetitor(), this.world.ms(every));
      this.liveTimer.unref();
    }
  }

  /** One competitor price moves by up to ±3%, like a repricer somewhere out there. */
  private moveACompetitor(): void {
    const lists = Object.values(this.world.state.competitors).filter((l) => l.length > 0);
    const list = lists[Math.floor(Math.random() * lists.length)];
    const c = list?.[Math.floor(Math.random() * list.length)];
    if (!c) return;
    const bp = BigInt(Math.floor(Math.random() * 601) - 300);
    const current = minorOf(c.price);
    let next = (current * (10_000n + bp)) / 10_000n;
    if (next === current) next += bp < 0n ? -1n : 1n; // always a visible move, at least one minor unit
    if (next > 0n) c.price = priceFromMinor(next, c.price.currency);
    this.world.changed();
  }

  async close(): Promise<void> {
    this.processor.close();
    this.notifications.close();
    this.sqs.close();
    this.world.clearTimers();
    if (this.liveTimer) clearInterval(this.liveTimer);
    this.liveTimer = undefined;
  }
}

export function createAmazonPlatform(options: CreateAmazonPlatformOptions = {}): AmazonPlatform {
  return new AmazonPlatform(options);
}
