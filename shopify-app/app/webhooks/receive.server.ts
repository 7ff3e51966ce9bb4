// Receiving a webhook: verify its HMAC (Shopify's `authenticate.webhook`: 401 when it doesn't verify),
// record the delivery by its X-Shopify-Webhook-Id (a duplicate is acknowledged and ignored), answer at
// once, and process after the response (Shopify wants an answer within 5 s).
import { isPrismaError } from '@calibr/db';
import { db } from '../db.server';
import { authenticate } from '../shopify.server';
import { processWebhookSoon } from './process.server';
import { CUSTOMER_DATA_TOPICS, topicName } from './topics';

export async function receiveShopifyWebhook(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  const context = await authenticate.webhook(request);
  const topic = topicName(context.topic);
  const shop = context.shop;
  const project = await db.project.findUnique({ where: { shopDomain: shop }, select: { id: true } });
  const triggeredAt = 'triggeredAt' in context && context.triggeredAt ? new Date(context.triggeredAt) : null;

  let deliveryId: string;
  try {
    const row = await db.processedWebhook.create({
      data: {
        webhookId: context.webhookId,
        platform: 'shopify',
        topic,
        shop,
        projectId: project?.id ?? null,
        apiVersion: context.apiVersion,
        triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : null,
        status: 'received',
        // Customer topics carry customer details; we need none of them, so we don't keep them.
        payload: CUSTOMER_DATA_TOPICS.has(topic) ? undefined : (context.payload as object),
      },
    });
    deliveryId = row.id;
  } catch (error) {
    if (isPrismaError(error, 'P2002')) {
      await countDelivery(project?.id, topic, path, context.webhookId, 'duplicate');
      return new Response(null, { status: 200, headers: { 'X-Calibr-Webhook': 'duplicate' } });
    }
    throw error;
  }
  await countDelivery(project?.id, topic, path, context.webhookId, 'received');
  processWebhookSoon(deliveryId);
  return new Response(null, { status: 200 });
}

/** Delivery health per subscription (topic + endpoint path) for the console. */
async function countDelivery(projectId: string | undefined, topic: string, uri: string, webhookId: string, kind: 'received' | 'duplicate') {
  if (!projectId) return;
  await db.shopifyWebhookSubscription.updateMany({
    where: { projectId, topic, uri },
    data:
      kind === 'received'
        ? { deliveriesReceived: { increment: 1 }, lastDeliveryAt: new Date(), lastWebhookId: webhookId }
        : { duplicatesIgnored: { increment: 1 } },
  });
}
