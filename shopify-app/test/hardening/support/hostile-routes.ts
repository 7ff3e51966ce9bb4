// The hostile-input sweep's map of the app's routes: one entry per route file, with a path that reaches
// it and the methods it answers. The inventory test compares this list with app/routes/ so a new route
// can't be added without being swept.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROUTES_DIR = fileURLToPath(new URL('../../../app/routes/', import.meta.url));

/** How a route is reached: with the App Bridge session token, Shopify's own flows, or HMAC webhooks. */
export type RouteKind = 'api' | 'document' | 'auth' | 'public' | 'webhook';

export interface SweptRoute {
  /** The file (or folder) under app/routes/. */
  file: string;
  kind: RouteKind;
  /** A path that reaches the route (ids are fake: the sweep never needs a real one). */
  path: string;
  /** Methods that read no body. */
  reads: readonly string[];
  /** Methods whose JSON body the route reads (swept with hostile bodies). */
  bodies: readonly string[];
}

const FAKE = 'cm0hostile0000000000000000';

export const SWEPT_ROUTES: readonly SweptRoute[] = [
  { file: 'api.integrations.shopify.install.ts', kind: 'public', path: '/api/integrations/shopify/install', reads: ['GET'], bodies: [] },
  { file: 'api.integrations.shopify.oauth.callback.ts', kind: 'public', path: '/api/integrations/shopify/oauth/callback', reads: ['GET'], bodies: [] },
  { file: 'api.integrations.shopify.products.ts', kind: 'api', path: '/api/integrations/shopify/products', reads: ['GET'], bodies: [] },
  { file: 'api.integrations.shopify.scopes.ts', kind: 'api', path: '/api/integrations/shopify/scopes', reads: ['GET', 'POST'], bodies: [] },
  { file: 'api.integrations.shopify.status.ts', kind: 'api', path: '/api/integrations/shopify/status', reads: ['GET'], bodies: [] },
  { file: 'api.integrations.shopify.sync.ts', kind: 'api', path: '/api/integrations/shopify/sync', reads: ['GET'], bodies: ['POST'] },
  { file: 'api.integrations.shopify.webhooks.ts', kind: 'webhook', path: '/api/integrations/shopify/webhooks', reads: [], bodies: ['POST'] },
  { file: 'api.listings.$itemId.ts', kind: 'api', path: `/api/listings/${FAKE}`, reads: ['GET'], bodies: ['PATCH'] },
  { file: 'api.listings.ts', kind: 'api', path: '/api/listings', reads: ['GET'], bodies: [] },
  { file: 'api.platforms.$platform.connect.ts', kind: 'api', path: '/api/platforms/amazon/connect', reads: ['GET'], bodies: ['POST'] },
  { file: 'api.platforms.$platform.disconnect.ts', kind: 'api', path: '/api/platforms/amazon/disconnect', reads: ['GET', 'POST'], bodies: [] },
  { file: 'api.platforms.$platform.settings.ts', kind: 'api', path: '/api/platforms/amazon/settings', reads: ['GET', 'POST'], bodies: [] },
  { file: 'api.platforms.$platform.status.ts', kind: 'api', path: '/api/platforms/shopify/status', reads: ['GET', 'POST'], bodies: [] },
  { file: 'api.platforms.$platform.sync.ts', kind: 'api', path: '/api/platforms/amazon/sync', reads: ['GET'], bodies: ['POST'] },
  { file: 'api.platforms.$platform.ts', kind: 'api', path: '/api/platforms/shopify?live=0', reads: ['GET', 'POST'], bodies: [] },
  { file: 'api.platforms.registry.ts', kind: 'api', path: '/api/platforms/registry', reads: ['GET', 'POST'], bodies: [] },
  { file: 'api.platforms.ts', kind: 'api', path: '/api/platforms?live=0', reads: ['GET', 'POST'], bodies: [] },
  { file: 'api.pricing.audit.ts', kind: 'api', path: '/api/pricing/audit', reads: ['GET'], bodies: [] },
  { file: 'api.pricing.changes.$changeId.retry.ts', kind: 'api', path: `/api/pricing/changes/${FAKE}/retry`, reads: ['POST'], bodies: [] },
  { file: 'api.pricing.changes.$changeId.rollback.ts', kind: 'api', path: `/api/pricing/changes/${FAKE}/rollback`, reads: ['POST'], bodies: [] },
  { file: 'api.pricing.changes.ts', kind: 'api', path: '/api/pricing/changes', reads: ['GET'], bodies: [] },
  { file: 'api.pricing.costs.import.ts', kind: 'api', path: '/api/pricing/costs/import', reads: [], bodies: ['POST'] },
  { file: 'api.pricing.dry-run.ts', kind: 'api', path: '/api/pricing/dry-run', reads: [], bodies: ['POST'] },
  { file: 'api.pricing.export.$kind.ts', kind: 'api', path: '/api/pricing/export/audit', reads: ['GET'], bodies: [] },
  { file: 'api.pricing.flags.ts', kind: 'api', path: '/api/pricing/flags', reads: ['GET'], bodies: [] },
  { file: 'api.pricing.live.ts', kind: 'api', path: '/api/pricing/live', reads: ['GET'], bodies: [] },
  { file: 'api.pricing.monitor.ts', kind: 'api', path: '/api/pricing/monitor', reads: [], bodies: ['POST'] },
  { file: 'api.pricing.products.$itemId.history.ts', kind: 'api', path: `/api/pricing/products/${FAKE}/history`, reads: ['GET'], bodies: [] },
  { file: 'api.pricing.progress.ts', kind: 'api', path: '/api/pricing/progress', reads: ['GET'], bodies: [] },
  { file: 'api.pricing.rules.$ruleId.ts', kind: 'api', path: `/api/pricing/rules/${FAKE}`, reads: ['DELETE'], bodies: ['PATCH'] },
  { file: 'api.pricing.rules.ts', kind: 'api', path: '/api/pricing/rules', reads: ['GET'], bodies: ['POST'] },
  { file: 'api.pricing.suggestions.generate.ts', kind: 'api', path: '/api/pricing/suggestions/generate', reads: [], bodies: ['POST'] },
  { file: 'api.pricing.suggestions.ts', kind: 'api', path: '/api/pricing/suggestions', reads: ['GET'], bodies: ['POST'] },
  { file: 'api.product-links.$linkId.ts', kind: 'api', path: `/api/product-links/${FAKE}`, reads: ['GET', 'DELETE'], bodies: ['PATCH'] },
  { file: 'api.product-links.ts', kind: 'api', path: '/api/product-links', reads: ['GET'], bodies: ['POST'] },
  { file: 'app._index.tsx', kind: 'document', path: '/app', reads: ['GET'], bodies: [] },
  { file: 'app.integrations._index.tsx', kind: 'document', path: '/app/integrations', reads: ['GET'], bodies: [] },
  { file: 'app.integrations.shopify.tsx', kind: 'document', path: '/app/integrations/shopify', reads: ['GET'], bodies: ['POST'] },
  { file: 'app.listings.$itemId.tsx', kind: 'document', path: `/app/listings/${FAKE}`, reads: ['GET'], bodies: [] },
  { file: 'app.listings._index.tsx', kind: 'document', path: '/app/listings', reads: ['GET'], bodies: [] },
  { file: 'app.pricing._index.tsx', kind: 'document', path: '/app/pricing', reads: ['GET'], bodies: [] },
  { file: 'app.pricing.changes.tsx', kind: 'document', path: '/app/pricing/changes', reads: ['GET'], bodies: [] },
  { file: 'app.pricing.costs.tsx', kind: 'document', path: '/app/pricing/costs', reads: ['GET'], bodies: [] },
  { file: 'app.pricing.history.tsx', kind: 'document', path: '/app/pricing/history', reads: ['GET'], bodies: [] },
  // The product page's old address: it redirects to /app/listings/:itemId (query kept), after authenticating.
  { file: 'app.pricing.products.$itemId.tsx', kind: 'document', path: `/app/pricing/products/${FAKE}`, reads: ['GET'], bodies: [] },
  { file: 'app.pricing.rules.tsx', kind: 'document', path: '/app/pricing/rules', reads: ['GET'], bodies: [] },
  { file: 'app.pricing.tsx', kind: 'document', path: '/app/pricing', reads: ['GET'], bodies: [] },
  { file: 'app.tsx', kind: 'document', path: '/app', reads: ['GET'], bodies: [] },
  { file: 'auth.$.tsx', kind: 'auth', path: '/auth/session-token', reads: ['GET'], bodies: [] },
  { file: 'auth.login', kind: 'public', path: '/auth/login', reads: ['GET'], bodies: ['POST'] },
  { file: '_index', kind: 'public', path: '/', reads: ['GET'], bodies: [] },
  { file: 'webhooks.app.scopes_update.tsx', kind: 'webhook', path: '/webhooks/app/scopes_update', reads: [], bodies: ['POST'] },
  { file: 'webhooks.app.uninstalled.tsx', kind: 'webhook', path: '/webhooks/app/uninstalled', reads: [], bodies: ['POST'] },
  { file: 'webhooks.customers.data_request.tsx', kind: 'webhook', path: '/webhooks/customers/data_request', reads: [], bodies: ['POST'] },
  { file: 'webhooks.customers.redact.tsx', kind: 'webhook', path: '/webhooks/customers/redact', reads: [], bodies: ['POST'] },
  { file: 'webhooks.products.create.tsx', kind: 'webhook', path: '/webhooks/products/create', reads: [], bodies: ['POST'] },
  { file: 'webhooks.products.delete.tsx', kind: 'webhook', path: '/webhooks/products/delete', reads: [], bodies: ['POST'] },
  { file: 'webhooks.products.update.tsx', kind: 'webhook', path: '/webhooks/products/update', reads: [], bodies: ['POST'] },
  { file: 'webhooks.shop.redact.tsx', kind: 'webhook', path: '/webhooks/shop/redact', reads: [], bodies: ['POST'] },
  { file: 'webhooks.shop.update.tsx', kind: 'webhook', path: '/webhooks/shop/update', reads: [], bodies: ['POST'] },
];

/** The route modules on disk (files and flat-route folders), as Remix's flat routes see them. */
export function routeFilesOnDisk(): string[] {
  return readdirSync(ROUTES_DIR).filter((name) => !name.startsWith('.')).sort();
}

export const apiRoutes = () => SWEPT_ROUTES.filter((r) => r.kind === 'api');
export const apiBodyTargets = () => apiRoutes().flatMap((r) => r.bodies.map((method) => ({ route: r, method })));
export const apiTargets = () => apiRoutes().flatMap((r) => [...r.reads, ...r.bodies].map((method) => ({ route: r, method })));
