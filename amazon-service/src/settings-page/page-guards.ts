// What protects the settings page besides its signed link and session: who may frame it, and where a
// form post may come from.
import type { Request } from 'express';
import { extendFrameAncestors } from '@calibr/shared-contracts';

/**
 * `frame-ancestors` for a page of the settings: the shop's own Admin and Shopify Admin, the origins Calibrate
 * opens it from (plus the origins the process's hooks add: the sandbox's Admin shell in sandbox mode). A page
 * for no shop (a refused link) may be framed by no one.
 */
export function frameAncestors(shop: string | undefined, extraOrigins: readonly string[] = []): string {
  if (!shop || !/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop)) return "frame-ancestors 'none'";
  return extendFrameAncestors(`frame-ancestors https://${shop} https://admin.shopify.com`, extraOrigins);
}

/**
 * A state-changing request made by a browser must come from this service's own pages: its `Origin` (sent
 * by browsers on every cross-origin and every POST request) must be ours. No Origin at all is allowed
 * (older browsers, same-origin navigations); `null` (sandboxed frames, opaque redirects) is not.
 */
export function sameOrigin(req: Request, publicUrl: string): boolean {
  const origin = req.get('origin');
  if (origin === undefined) return true;
  const own = new Set([new URL(publicUrl).origin, `${req.protocol}://${req.get('host') ?? ''}`]);
  return own.has(origin);
}
