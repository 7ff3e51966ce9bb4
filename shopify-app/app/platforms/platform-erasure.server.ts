// Erase a shop on every registered platform (the contract's `eraseTenant`), for Shopify's shop/redact.
// Each platform keeps its own data (the Amazon service in its own database), so deleting the shop's
// Project here can't reach it: every connector is asked, and any failure throws so the delivery is retried.
import type { TenantErasure } from '@calibr/shared-contracts';
import { logger } from '../lib/logger.server';

/** What each platform erased for the shop's Project, by platform id. */
export async function eraseOnEveryPlatform(projectId: string): Promise<Record<string, TenantErasure['erased']>> {
  // Loaded on first use: the registry brings every platform's code (and Shopify's app configuration) with it,
  // which the webhook processor, importing this module, must not need before a shop/redact arrives.
  const { getPlatformRegistry } = await import('./registry.server');
  const registry = await getPlatformRegistry();
  const erased: Record<string, TenantErasure['erased']> = {};
  for (const registration of registry.all()) {
    const platform = registration.descriptor.platform;
    if (registration.configured?.() === false) {
      // Never reachable from this app, so no shop was connected there (a platform that is down throws below).
      logger.info({ platform, projectId }, 'shop/redact: platform not configured, nothing to erase there');
      continue;
    }
    const connector = await registry.connector(platform, projectId);
    erased[platform] = (await connector.eraseTenant()).erased;
    // The cached connector still believes what it was told before the erasure.
    await registry.evict(platform, projectId);
  }
  return erased;
}
