// node(id) / nodes(ids): look a GID up by its type, within the calling shop and app.
import { GraphQLError } from 'graphql';
import { parseGid } from '../../ids';
import { findVariant } from '../../state';
import type { AdminContext } from '../context';
import { requireScope } from '../context';
import { productById } from './products';
import type { ResolverMap } from './types';
import { tagged } from './types';

function lookup(ctx: AdminContext, id: string): object | null {
  const ref = parseGid(id);
  if (!ref) return null;
  switch (ref.type) {
    case 'Product': {
      requireScope(ctx, 'read_products', 'node');
      const p = productById(ctx.shop, ref.id);
      return p ? tagged('Product', p) : null;
    }
    case 'ProductVariant': {
      requireScope(ctx, 'read_products', 'node');
      const found = findVariant(ctx.shop, ref.id);
      return found ? tagged('ProductVariant', found.variant) : null;
    }
    case 'BulkOperation': {
      const op = ctx.rt.bulk.byId(ctx.shop.domain, ctx.app.apiKey, ref.id);
      return op ? tagged('BulkOperation', op) : null;
    }
    case 'WebhookSubscription': {
      const sub = ctx.rt.state.webhookSubscriptions.find((s) => s.id === ref.id && s.shop === ctx.shop.domain && s.apiKey === ctx.app.apiKey);
      return sub ? tagged('WebhookSubscription', sub) : null;
    }
    case 'Shop':
      return ref.id === ctx.shop.id ? tagged('Shop', ctx.shop) : null;
    default:
      return null;
  }
}

export const nodeResolvers: ResolverMap = {
  QueryRoot: {
    node: (_r, args: { id: string }, ctx) => lookup(ctx, args.id),
    nodes: (_r, args: { ids: string[] }, ctx) => {
      if (args.ids.length > 250) {
        throw new GraphQLError(`The input array size of ${args.ids.length} is greater than the maximum allowed of 250.`, { extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' } });
      }
      return args.ids.map((id) => lookup(ctx, id));
    },
  },
};
