// The per-request context handed to resolvers, and the scope checks Shopify applies per field.
import { GraphQLError } from 'graphql';
import type { AppConfig } from '../app-config';
import type { ShopifyRuntime } from '../runtime';
import type { ShopRecord } from '../state';

export interface AdminContext {
  rt: ShopifyRuntime;
  shop: ShopRecord;
  app: AppConfig;
  scopes: string[];
  apiVersion: string;
  /** Bulk query mode: connections ignore first/last and return everything. */
  unbounded: boolean;
  /** Set while a bulk mutation runs its lines (no webhook per line is different: Shopify still fires them). */
  bulk: boolean;
}

/** write_X implies read_X, as Shopify grants it. */
export function hasScope(ctx: AdminContext, scope: string): boolean {
  if (ctx.scopes.includes(scope)) return true;
  if (scope.startsWith('read_')) return ctx.scopes.includes(`write_${scope.slice(5)}`);
  return false;
}

export function requireScope(ctx: AdminContext, scope: string, field: string): void {
  if (hasScope(ctx, scope)) return;
  throw new GraphQLError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, {
    extensions: {
      code: 'ACCESS_DENIED',
      documentation: 'https://shopify.dev/api/usage/access-scopes',
      requiredAccess: `\`${scope}\` access scope.`,
    },
  });
}
