// What a connector erased for its tenant (`eraseTenant`): Shopify's `shop/redact`, 48 h after uninstall,
// must leave nothing of the shop on any platform, so each platform reports what it removed.

export interface TenantErasure {
  /**
   * Records removed per kind, in the platform's own names (`{ AmazonListing: 120, AmazonIntegration: 1 }`);
   * empty when the tenant held nothing there (unknown or already erased: erasing is idempotent).
   */
  readonly erased: Readonly<Record<string, number>>;
}
