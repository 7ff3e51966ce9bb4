// The settings page's way back: Calibrate inside the shop's Shopify Admin, on the integrations page the
// console opened this page from. Admin addresses an embedded app as
// https://admin.shopify.com/store/{store}/apps/{app handle}/{app path}; in sandbox mode the process's hooks
// send a browser bound for admin.shopify.com to the sandbox's Admin shell, which serves the same paths.
import type { RuntimeHooks } from '@calibr/shared-contracts';

/** Where the console lists the platforms (the Amazon card and its settings link). */
export const CONSOLE_INTEGRATIONS_PATH = '/app/integrations';
const ADMIN_HOST = 'admin.shopify.com';

/** Calibrate's integrations page in this shop's Admin (Admin's home when the shop is not a shop domain). */
export function backToCalibrateUrl(shop: string, appHandle: string, hooks: RuntimeHooks): string {
  const base = (hooks.browserBaseUrl ? hooks.browserBaseUrl(ADMIN_HOST) : `https://${ADMIN_HOST}`).replace(/\/$/, '');
  const store = /^([a-z0-9][a-z0-9-]*)\.myshopify\.com$/.exec(shop)?.[1];
  if (!store) return base;
  return `${base}/store/${store}/apps/${encodeURIComponent(appHandle)}${CONSOLE_INTEGRATIONS_PATH}`;
}
