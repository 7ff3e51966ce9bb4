// Receiving a webhook, for every webhook route: check the request's shape (POST, JSON, under the size
// limit), verify its HMAC with Shopify's library, hold its unsigned headers against its route and body
// (./delivery-checks.ts: refused with a 400 and a log line), record the delivery by its X-Shopify-Webhook-Id
// and X-Shopify-Event-Id with INSERT … ON CONFLICT DO NOTHING (a duplicate is acknowledged and ignored),
// answer 200 once that row is committed, and leave the work to the processor (./processor.server.ts),
// which runs after the reply.
//
// We call `api.webhooks.validate` rather than `authenticate.webhook`: the latter also loads and may
// refresh the shop's offline session for an Admin client on every delivery, which a webhook we only
// record doesn't need, and it answers malformed JSON with a 500.
import { WebhookValidationErrorReason } from '@shopify/shopify-api';
import { AuthenticationError, PROBLEM_TYPE_PREFIX, ValidationError } from '@calibr/shared-contracts';
import { shopifyBaseApi } from '../shopify-api.server';
import { db } from '../../../db.server';
import { logger } from '../../../lib/logger.server';
import { problem } from '../../../lib/problem';
import { refusalOf } from './delivery-checks';
import { webhookProcessor } from './processor.server';
import { DeliveryRecorder, type DeliveryRecord, type Recorded } from './delivery-recorder.server';
import { readBodyWithLimit, webhookBodyLimit } from './request-body.server';
import { CUSTOMER_DATA_TOPICS, topicName, type WebhookRoute } from './topics';

/** Receive a delivery on `route`, which serves only its own topics (./topics.ts ROUTE_TOPICS). */
export async function receiveShopifyWebhook(request: Request, route: WebhookRoute): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (request.method !== 'POST') {
    return problemOf(405, 'method-not-allowed', 'Method Not Allowed', 'Webhooks are delivered with POST', path, { Allow: 'POST' });
  }
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    return problemOf(415, 'unsupported-media-type', 'Unsupported Media Type', `A webhook body is application/json, not ${contentType || 'untyped'}`, path, { Accept: 'application/json' });
  }
  const limit = webhookBodyLimit();
  const body = await readBodyWithLimit(request, limit);
  if (!body.ok) return problemOf(413, 'payload-too-large', 'Content Too Large', `A webhook body may hold at most ${limit} bytes`, path);

  const check = await shopifyBaseApi().webhooks.validate({ rawBody: body.text, rawRequest: shopifyHeadersOnly(request) });
  if (!check.valid) {
    if (check.reason === WebhookValidationErrorReason.InvalidHmac) {
      return problem(new AuthenticationError('The webhook HMAC does not match its body'), path);
    }
    const missing = 'missingHeaders' in check ? ` (missing: ${(check.missingHeaders as string[]).join(', ')})` : '';
    return problem(new ValidationError(`The webhook can't be verified: ${check.reason}${missing}`), path);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(body.text);
  } catch {
    return problem(ValidationError.field('body', 'The webhook body is not valid JSON', 'malformed_json'), path);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return problem(ValidationError.field('body', 'A webhook body is a JSON object', 'not_an_object'), path);
  }

  const topic = topicName(check.topic);
  const eventId = 'eventId' in check && typeof check.eventId === 'string' && check.eventId ? check.eventId : null;
  const refusal = refusalOf(route, { topic, shop: check.domain, triggeredAt: check.triggeredAt }, payload as Record<string, unknown>);
  if (refusal) {
    logger.warn({ shop: check.domain, topic, route, webhookId: check.webhookId, eventId, reason: refusal.code }, `webhook refused: ${refusal.message}`);
    return problem(ValidationError.field(refusal.field, refusal.message, refusal.code), path);
  }
  const triggeredAt = check.triggeredAt ? new Date(check.triggeredAt) : null;
  const recorded = await recordDelivery({
    webhookId: check.webhookId,
    eventId,
    topic,
    shop: check.domain,
    apiVersion: check.apiVersion,
    triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : null,
    // Customer topics carry customer details; we need none of them, so we don't keep them.
    payload: CUSTOMER_DATA_TOPICS.has(topic) ? null : body.text,
  });
  const processor = webhookProcessor();
  if (!recorded) {
    processor.counters.count(await projectIdOf(check.domain), topic, path, check.webhookId, 'duplicate');
    return new Response(null, { status: 200, headers: { 'X-Calibr-Webhook': 'duplicate' } });
  }
  if (recorded.projectId) projectIds.set(check.domain, { id: recorded.projectId, at: Date.now() });
  processor.counters.count(recorded.projectId, topic, path, check.webhookId, 'received');
  processor.wake();
  return new Response(null, { status: 200 });
}

/**
 * What the library reads of the request (method, URL, headers). It canonicalizes every header it is
 * given (a regex per header, ~0.4 ms per delivery here) and needs only Shopify's own `X-Shopify-*`.
 */
function shopifyHeadersOnly(request: Request): { method: string; url: string; headers: Map<string, string> } {
  const headers = new Map<string, string>();
  request.headers.forEach((value, name) => {
    if (name.startsWith('x-shopify-')) headers.set(name, value);
  });
  return { method: 'POST', url: request.url, headers };
}

// Deliveries are written in groups (./delivery-recorder.server.ts): one statement for all that arrive
// while the previous one runs; each reply still waits for its own row to be committed.
let recorder: DeliveryRecorder | undefined;
function recordDelivery(d: DeliveryRecord): Promise<Recorded> {
  recorder ??= new DeliveryRecorder(() => db);
  return recorder.record(d);
}

// The shop's project id for counting duplicates, remembered from its last recorded delivery (a duplicate
// then costs no query beyond its INSERT). Only for the health counters: a short memory is enough.
const projectIds = new Map<string, { id: string; at: number }>();
const PROJECT_ID_MEMORY_MS = 30_000;

async function projectIdOf(shop: string): Promise<string | null> {
  const known = projectIds.get(shop);
  if (known && Date.now() - known.at < PROJECT_ID_MEMORY_MS) return known.id;
  const project = await db.project.findUnique({ where: { shopDomain: shop }, select: { id: true } });
  return project?.id ?? null;
}

function problemOf(status: number, code: string, title: string, detail: string, instance: string, headers: Record<string, string> = {}): Response {
  return problem({ type: `${PROBLEM_TYPE_PREFIX}${code}`, title, status, code: code.replace(/-/g, '_'), detail, instance }, undefined, headers);
}
