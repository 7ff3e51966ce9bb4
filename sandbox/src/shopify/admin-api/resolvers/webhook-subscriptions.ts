// webhookSubscription(s) and webhookSubscriptionCreate/Update/Delete: subscriptions an app makes through
// the API (shopify.app.toml subscriptions are app-level and not listed here, as at Shopify).
import { gid, parseGid } from '../../ids';
import type { ApiWebhookSubscription } from '../../state';
import { nextId } from '../../state';
import { paginate, type ConnectionArgs } from '../connection';
import type { AdminContext } from '../context';
import type { ResolverMap } from './types';
import { tagged } from './types';

interface SubscriptionInput {
  callbackUrl?: string | null;
  format?: 'JSON' | 'XML' | null;
  includeFields?: string[] | null;
  filter?: string | null;
  metafieldNamespaces?: string[] | null;
}

function mine(ctx: AdminContext): ApiWebhookSubscription[] {
  return ctx.rt.state.webhookSubscriptions.filter((s) => s.shop === ctx.shop.domain && s.apiKey === ctx.app.apiKey);
}

function checkCallbackUrl(url: string | null | undefined): string | null {
  if (!url) return "Address can't be blank";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Address is invalid';
  }
  // Shopify requires https; the sandbox also accepts http on loopback so local apps can subscribe.
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) return `Address protocol ${parsed.protocol}// is not supported`;
  return null;
}

export const webhookSubscriptionResolvers: ResolverMap = {
  QueryRoot: {
    webhookSubscription: (_r, args: { id: string }, ctx) => {
      const ref = parseGid(args.id, 'WebhookSubscription');
      const sub = ref && mine(ctx).find((s) => s.id === ref.id);
      return sub ? tagged('WebhookSubscription', sub) : null;
    },
    webhookSubscriptions: (
      _r,
      args: ConnectionArgs & { sortKey?: string; topics?: string[] | null; callbackUrl?: string | null; format?: string | null },
      ctx,
    ) => {
      let subs = mine(ctx);
      if (args.topics?.length) subs = subs.filter((s) => args.topics!.includes(s.topic));
      if (args.callbackUrl) subs = subs.filter((s) => s.callbackUrl === args.callbackUrl);
      if (args.format) subs = subs.filter((s) => s.format === args.format);
      const byCreated = args.sortKey !== 'ID';
      return paginate(subs.map((s) => tagged('WebhookSubscription', s)), args, (s) => ({ id: s.id, value: byCreated ? s.createdAt : s.id }), ctx.unbounded);
    },
  },
  Mutation: {
    webhookSubscriptionCreate: (_r, args: { topic: string; webhookSubscription: SubscriptionInput }, ctx) => {
      const input = args.webhookSubscription;
      const problem = checkCallbackUrl(input.callbackUrl);
      if (problem) return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'callbackUrl'], message: problem }] };
      if (mine(ctx).some((s) => s.topic === args.topic && s.callbackUrl === input.callbackUrl)) {
        return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'callbackUrl'], message: 'Address for this topic has already been taken' }] };
      }
      const now = new Date().toISOString();
      const sub: ApiWebhookSubscription = {
        id: nextId(ctx.rt.state, 'webhookSubscription', 1_200_000_000),
        shop: ctx.shop.domain,
        apiKey: ctx.app.apiKey,
        topic: args.topic,
        callbackUrl: input.callbackUrl!,
        format: input.format ?? 'JSON',
        includeFields: input.includeFields ?? [],
        metafieldNamespaces: input.metafieldNamespaces ?? [],
        filter: input.filter ?? null,
        apiVersion: ctx.apiVersion,
        createdAt: now,
        updatedAt: now,
      };
      ctx.rt.state.webhookSubscriptions.push(sub);
      ctx.rt.markDirty();
      return { webhookSubscription: tagged('WebhookSubscription', sub), userErrors: [] };
    },
    webhookSubscriptionUpdate: (_r, args: { id: string; webhookSubscription: SubscriptionInput }, ctx) => {
      const ref = parseGid(args.id, 'WebhookSubscription');
      const sub = ref && mine(ctx).find((s) => s.id === ref.id);
      if (!sub) return { webhookSubscription: null, userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }] };
      const input = args.webhookSubscription;
      if (input.callbackUrl !== undefined) {
        const problem = checkCallbackUrl(input.callbackUrl);
        if (problem) return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'callbackUrl'], message: problem }] };
        sub.callbackUrl = input.callbackUrl!;
      }
      if (input.format) sub.format = input.format;
      if (input.includeFields) sub.includeFields = input.includeFields;
      if (input.metafieldNamespaces) sub.metafieldNamespaces = input.metafieldNamespaces;
      if (input.filter !== undefined) sub.filter = input.filter;
      sub.updatedAt = new Date().toISOString();
      ctx.rt.markDirty();
      return { webhookSubscription: tagged('WebhookSubscription', sub), userErrors: [] };
    },
    webhookSubscriptionDelete: (_r, args: { id: string }, ctx) => {
      const ref = parseGid(args.id, 'WebhookSubscription');
      const sub = ref && mine(ctx).find((s) => s.id === ref.id);
      if (!sub) return { deletedWebhookSubscriptionId: null, userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }] };
      ctx.rt.state.webhookSubscriptions = ctx.rt.state.webhookSubscriptions.filter((s) => s !== sub);
      ctx.rt.markDirty();
      return { deletedWebhookSubscriptionId: gid('WebhookSubscription', sub.id), userErrors: [] };
    },
  },
  WebhookSubscription: {
    id: (s: ApiWebhookSubscription) => gid('WebhookSubscription', s.id),
    legacyResourceId: (s: ApiWebhookSubscription) => String(s.id),
    endpoint: (s: ApiWebhookSubscription) => tagged('WebhookHttpEndpoint', { callbackUrl: s.callbackUrl }),
    apiVersion: (s: ApiWebhookSubscription) => ({ handle: s.apiVersion, displayName: s.apiVersion, supported: true }),
  },
};
