// Webhook payloads in Shopify's REST shapes: products/update carries the REST product with its variants,
// app/uninstalled the REST shop. Timestamps use the shop's UTC offset, as Shopify writes them.
import { gid } from '../ids';
import type { ProductRecord, ShopRecord } from '../state';

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** "2024-01-08T09:30:00-05:00" in the shop's time zone. */
export function shopTime(iso: string, timeZone: string): string {
  const d = new Date(iso);
  const parts = Object.fromEntries(formatFor(timeZone).formatToParts(d).map((p) => [p.type, p.value]));
  const offset = String(parts.timeZoneName ?? 'GMT').replace('GMT', '') || '+00:00';
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

export function productPayload(shop: ShopRecord, p: ProductRecord): Record<string, unknown> {
  const t = (iso: string | null) => (iso ? shopTime(iso, shop.ianaTimezone) : null);
  const optionNames = p.options.length ? p.options : ['Title'];
  return {
    admin_graphql_api_id: gid('Product', p.id),
    body_html: p.descriptionHtml,
    created_at: t(p.createdAt),
    handle: p.handle,
    id: p.id,
    product_type: p.productType,
    published_at: t(p.publishedAt),
    template_suffix: null,
    title: p.title,
    updated_at: t(p.updatedAt),
    vendor: p.vendor,
    status: p.status.toLowerCase(),
    published_scope: 'global',
    tags: p.tags.join(', '),
    variants: p.variants.map((v) => ({
      admin_graphql_api_id: gid('ProductVariant', v.id),
      barcode: v.barcode,
      compare_at_price: v.compareAtPrice,
      created_at: t(v.createdAt),
      id: v.id,
      inventory_policy: v.inventoryPolicy.toLowerCase(),
      position: v.position,
      price: v.price,
      product_id: p.id,
      sku: v.sku,
      taxable: v.taxable,
      title: v.title,
      updated_at: t(v.updatedAt),
      option1: v.optionValues[0] ?? null,
      option2: v.optionValues[1] ?? null,
      option3: v.optionValues[2] ?? null,
      image_id: null,
      inventory_item_id: v.inventoryItemId,
      inventory_quantity: v.inventoryQuantity,
      old_inventory_quantity: v.inventoryQuantity,
    })),
    options: optionNames.map((name, i) => ({
      name,
      id: p.optionIds[i] ?? p.id * 10 + i,
      product_id: p.id,
      position: i + 1,
      values: [...new Set(p.variants.map((v) => v.optionValues[i] ?? 'Default Title'))],
    })),
    images: [],
    image: null,
    media: [],
    variant_gids: p.variants.map((v) => ({ admin_graphql_api_id: gid('ProductVariant', v.id), updated_at: new Date(v.updatedAt).toISOString() })),
    has_variants_that_requires_components: false,
    category: null,
  };
}

export function shopPayload(shop: ShopRecord): Record<string, unknown> {
  const t = (iso: string) => shopTime(iso, shop.ianaTimezone);
  return {
    id: shop.id,
    name: shop.name,
    email: shop.email,
    domain: shop.domain,
    province: null,
    country: null,
    address1: null,
    zip: null,
    city: null,
    source: null,
    phone: null,
    latitude: null,
    longitude: null,
    primary_locale: 'en',
    address2: null,
    created_at: t(shop.createdAt),
    updated_at: t(shop.updatedAt),
    country_code: null,
    country_name: null,
    currency: shop.currencyCode,
    customer_email: shop.email,
    timezone: `(GMT${shopTime(new Date().toISOString(), shop.ianaTimezone).slice(-6)}) ${shop.ianaTimezone}`,
    iana_timezone: shop.ianaTimezone,
    shop_owner: `${shop.staff[0]?.firstName ?? ''} ${shop.staff[0]?.lastName ?? ''}`.trim(),
    money_format: '${{amount}}',
    money_with_currency_format: `\${{amount}} ${shop.currencyCode}`,
    weight_unit: 'kg',
    province_code: null,
    taxes_included: null,
    auto_configure_tax_inclusivity: null,
    tax_shipping: null,
    county_taxes: true,
    plan_display_name: shop.plan,
    plan_name: shop.plan,
    has_discounts: false,
    has_gift_cards: false,
    myshopify_domain: shop.domain,
    google_apps_domain: null,
    google_apps_login_enabled: null,
    money_in_emails_format: '${{amount}}',
    money_with_currency_in_emails_format: `\${{amount}} ${shop.currencyCode}`,
    eligible_for_payments: true,
    requires_extra_payments_agreement: false,
    password_enabled: false,
    has_storefront: true,
    finances: true,
    primary_location_id: null,
    checkout_api_supported: true,
    multi_location_enabled: true,
    setup_required: false,
    pre_launch_enabled: false,
    enabled_presentment_currencies: shop.enabledPresentmentCurrencies,
    marketing_sms_consent_enabled_at_checkout: false,
    transactional_sms_disabled: false,
  };
}
