// The demo catalog shared by both halves of the sandbox: the Shopify demo store and the Amazon demo seller
// sell from it. H4 (Amazon): read DEMO_CATALOG / amazonCatalog() from here; a variant's `channels` says
// where it is listed, `asin` and `price[currency]` give the Amazon side. Pure data: no platform code.
//
// Prices are decimal strings per currency (never floats). Some SKUs exist on one side only, on purpose.

export type CurrencyCode = 'USD' | 'CAD' | 'MXN' | 'GBP' | 'EUR';

export interface CatalogVariant {
  sku: string;
  /** Values for the product's options, in order (empty for a single-variant product). */
  optionValues: string[];
  price: Record<CurrencyCode, string>;
  compareAtPrice: Record<CurrencyCode, string> | null;
  /** UPC-A (12 digits, valid check digit). */
  barcode: string;
  asin: string;
  inventory: number;
  /** Where this SKU is listed. */
  channels: { shopify: boolean; amazon: boolean };
}

export interface CatalogProduct {
  handle: string;
  title: string;
  vendor: string;
  productType: string;
  tags: string[];
  descriptionHtml: string;
  /** Option names, e.g. ["Size"]; empty for a single-variant product (Shopify shows "Title"). */
  options: string[];
  variants: CatalogVariant[];
  /** Creation date, ISO-8601 UTC. */
  createdAt: string;
}

export const MARKETPLACES = {
  US: { marketplaceId: 'ATVPDKIKX0DER', currency: 'USD', countryCode: 'US', region: 'na' },
  CA: { marketplaceId: 'A2EUQ1WTGCTBG2', currency: 'CAD', countryCode: 'CA', region: 'na' },
  MX: { marketplaceId: 'A1AM78C64UM0Y8', currency: 'MXN', countryCode: 'MX', region: 'na' },
  UK: { marketplaceId: 'A1F83G8C2ARO7P', currency: 'GBP', countryCode: 'GB', region: 'eu' },
  DE: { marketplaceId: 'A1PA6795UKMFR9', currency: 'EUR', countryCode: 'DE', region: 'eu' },
} as const;

/** The demo Shopify stores: the main one sells in USD, the EU one in EUR (a subset of the catalog). */
export const DEMO_SHOPS = [
  {
    domain: 'calibr-demo.myshopify.com',
    name: 'Calibrate Demo Outfitters',
    email: 'owner@calibr-demo.example',
    currencyCode: 'USD' as CurrencyCode,
    enabledPresentmentCurrencies: ['USD', 'CAD'] as CurrencyCode[],
    ianaTimezone: 'America/New_York',
    plan: 'standard' as const,
    /** Every SKU whose channels.shopify is true. */
    catalog: 'all' as const,
  },
  {
    domain: 'calibr-demo-eu.myshopify.com',
    name: 'Calibrate Demo Outfitters EU',
    email: 'owner-eu@calibr-demo.example',
    currencyCode: 'EUR' as CurrencyCode,
    enabledPresentmentCurrencies: ['EUR', 'GBP'] as CurrencyCode[],
    ianaTimezone: 'Europe/Berlin',
    plan: 'advanced' as const,
    /** The first twelve products only. */
    catalog: 12,
  },
];

// Conversion used only to derive the other currencies' list prices from USD, in basis points (integer math).
const RATE_BP: Record<CurrencyCode, number> = { USD: 10_000, CAD: 13_600, MXN: 171_000, GBP: 7_900, EUR: 9_200 };

/** "49.99" in USD cents -> a ".99" price in each currency. */
function pricesFromUsd(usdCents: number): Record<CurrencyCode, string> {
  const out = {} as Record<CurrencyCode, string>;
  for (const cur of Object.keys(RATE_BP) as CurrencyCode[]) {
    const cents = cur === 'USD' ? usdCents : Math.max(99, Math.round((usdCents * RATE_BP[cur]) / 10_000 / 100) * 100 - 1);
    out[cur] = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  }
  return out;
}

function upc(n: number): string {
  const body = `8${String(60_000_000_000 + n).slice(-10)}`; // 11 digits
  let sum = 0;
  for (let i = 0; i < 11; i++) sum += Number(body[i]) * (i % 2 === 0 ? 3 : 1);
  return body + String((10 - (sum % 10)) % 10);
}

/** The ASIN the sandbox gives a SKU that names none (stable across runs). */
export function asinForSku(sku: string): string {
  let h = 2166136261;
  for (const ch of sku) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `B0${h.toString(36).toUpperCase().padStart(8, '0').slice(-8)}`;
}

type Row = [
  handle: string,
  title: string,
  vendor: string,
  productType: string,
  tags: string,
  option: string, // "" for a single variant
  // value, usd price in cents, compare-at cents (0 = none), where ("b" both, "s" Shopify only, "a" Amazon only)
  variants: Array<[string, number, number, 'b' | 's' | 'a']>,
];

const ROWS: Row[] = [
  ['trailhead-running-shoe', 'Trailhead Running Shoe', 'Northbound', 'Shoes', 'running, trail', 'Size', [['8', 12900, 14900, 'b'], ['9', 12900, 14900, 'b'], ['10', 12900, 14900, 'b'], ['11', 12900, 14900, 'b'], ['12', 12900, 14900, 'a']]],
  ['summit-insulated-bottle', 'Summit Insulated Bottle 750 ml', 'Alpenglow', 'Drinkware', 'hydration', 'Color', [['Slate', 3499, 0, 'b'], ['Sage', 3499, 0, 'b'], ['Sand', 3499, 0, 's']]],
  ['ridge-merino-crew-sock', 'Ridge Merino Crew Sock', 'Northbound', 'Socks', 'merino, socks', 'Size', [['S', 2199, 0, 'b'], ['M', 2199, 0, 'b'], ['L', 2199, 0, 'b']]],
  ['basecamp-pour-over-kettle', 'Basecamp Pour-Over Kettle', 'Ember & Oak', 'Coffee', 'coffee, camp kitchen', '', [['', 5900, 6900, 'b']]],
  ['alpine-down-jacket', 'Alpine Down Jacket', 'Alpenglow', 'Jackets', 'down, insulation', 'Size', [['S', 27900, 0, 'b'], ['M', 27900, 0, 'b'], ['L', 27900, 0, 'b'], ['XL', 28900, 0, 's']]],
  ['canyon-hip-pack', 'Canyon Hip Pack', 'Switchback Supply', 'Bags', 'packs', 'Color', [['Rust', 4500, 0, 'b'], ['Black', 4500, 0, 'b']]],
  ['drift-ultralight-tent-2p', 'Drift Ultralight Tent 2P', 'Switchback Supply', 'Tents', 'tents, ultralight', '', [['', 44900, 49900, 'b']]],
  ['harbor-canvas-tote', 'Harbor Canvas Tote', 'Tidewater Goods', 'Bags', 'everyday', '', [['', 3800, 0, 's']]],
  ['ember-camp-stove', 'Ember Camp Stove', 'Ember & Oak', 'Stoves', 'camp kitchen', '', [['', 8900, 0, 'b']]],
  ['northwind-rain-shell', 'Northwind Rain Shell', 'Alpenglow', 'Jackets', 'rain, shell', 'Size', [['S', 18900, 21900, 'b'], ['M', 18900, 21900, 'b'], ['L', 18900, 21900, 'b']]],
  ['pinecrest-wool-beanie', 'Pinecrest Wool Beanie', 'Northbound', 'Hats', 'merino, hats', 'Color', [['Heather Grey', 2900, 0, 'b'], ['Forest', 2900, 0, 'b'], ['Ochre', 2900, 0, 'a']]],
  ['cascade-water-filter', 'Cascade Water Filter', 'Tidewater Goods', 'Hydration', 'hydration, backcountry', '', [['', 4999, 0, 'b']]],
  ['meadow-hammock', 'Meadow Hammock', 'Switchback Supply', 'Hammocks', 'hammocks', '', [['', 6999, 0, 'b']]],
  ['glacier-sunglasses', 'Glacier Sunglasses', 'Vista Optics', 'Eyewear', 'eyewear', 'Lens', [['Polarized', 11900, 0, 'b'], ['Standard', 8900, 0, 'b']]],
  ['timberline-trekking-poles', 'Timberline Trekking Poles', 'Switchback Supply', 'Poles', 'hiking', '', [['', 9900, 11900, 'b']]],
  ['cobalt-enamel-mug-set', 'Cobalt Enamel Mug Set', 'Ember & Oak', 'Drinkware', 'camp kitchen', 'Pack', [['2-pack', 2800, 0, 'b'], ['4-pack', 4900, 0, 'b']]],
  ['firefly-headlamp', 'Firefly Headlamp', 'Vista Optics', 'Lighting', 'lighting', '', [['', 3999, 0, 'b']]],
  ['ridgeway-daypack-22l', 'Ridgeway Daypack 22 L', 'Switchback Supply', 'Bags', 'packs, hiking', 'Color', [['Navy', 8900, 0, 'b'], ['Olive', 8900, 0, 'b']]],
  ['aurora-sleeping-bag', 'Aurora Sleeping Bag', 'Alpenglow', 'Sleeping Bags', 'sleep', 'Length', [['Regular', 21900, 0, 'b'], ['Long', 23900, 0, 'b']]],
  ['quarry-climbing-chalk', 'Quarry Climbing Chalk', 'Northbound', 'Climbing', 'climbing', 'Weight', [['100 g', 999, 0, 'b'], ['250 g', 1999, 0, 'b']]],
  ['backcountry-spork', 'Backcountry Titanium Spork', 'Ember & Oak', 'Camp Kitchen', 'camp kitchen, ultralight', '', [['', 1295, 0, 'b']]],
  ['tidewater-dry-bag', 'Tidewater Dry Bag', 'Tidewater Goods', 'Bags', 'water', 'Volume', [['10 L', 2499, 0, 'b'], ['20 L', 3299, 0, 'b']]],
  ['granite-camp-chair', 'Granite Camp Chair', 'Switchback Supply', 'Furniture', 'camp', '', [['', 7499, 0, 'b']]],
  ['lumen-solar-lantern', 'Lumen Solar Lantern', 'Vista Optics', 'Lighting', 'lighting, solar', '', [['', 4499, 0, 'b']]],
  ['switchback-gaiters', 'Switchback Gaiters', 'Switchback Supply', 'Accessories', 'hiking', 'Size', [['S/M', 3999, 0, 'b'], ['L/XL', 3999, 0, 'b']]],
  ['bramble-work-gloves', 'Bramble Work Gloves', 'Tidewater Goods', 'Gloves', 'gloves', 'Size', [['M', 2499, 0, 'b'], ['L', 2499, 0, 's']]],
  ['fjord-fleece-pullover', 'Fjord Fleece Pullover', 'Alpenglow', 'Fleece', 'fleece', 'Size', [['S', 8900, 9900, 'b'], ['M', 8900, 9900, 'b'], ['L', 8900, 9900, 'b']]],
  ['compass-navigator', 'Compass Navigator', 'Vista Optics', 'Navigation', 'navigation', '', [['', 3499, 0, 'b']]],
  ['vista-binoculars-8x42', 'Vista Binoculars 8x42', 'Vista Optics', 'Optics', 'optics', '', [['', 19900, 22900, 'b']]],
  ['riverstone-coffee-grinder', 'Riverstone Hand Coffee Grinder', 'Ember & Oak', 'Coffee', 'coffee', '', [['', 7900, 0, 'b']]],
  ['camp-kitchen-bundle', 'Camp Kitchen Bundle', 'Ember & Oak', 'Bundles', 'bundle', '', [['', 14900, 0, 'a']]],
  ['gift-card', 'Calibrate Outfitters Gift Card', 'Calibrate Demo Outfitters', 'Gift Cards', 'gift card', 'Denomination', [['$25', 2500, 0, 's'], ['$50', 5000, 0, 's']]],
];

function skuFor(handle: string, value: string): string {
  const stem = handle
    .split('-')
    .filter((w) => !/^\d/.test(w))
    .slice(0, 2)
    .map((w) => w.slice(0, 4).toUpperCase())
    .join('-');
  const suffix = value.replace(/[^A-Za-z0-9]/g, '').toUpperCase().slice(0, 6);
  return suffix ? `CAL-${stem}-${suffix}` : `CAL-${stem}`;
}

let barcodeSeq = 0;
export const DEMO_CATALOG: CatalogProduct[] = ROWS.map(([handle, title, vendor, productType, tags, option, variants], i) => ({
  handle,
  title,
  vendor,
  productType,
  tags: tags.split(',').map((t) => t.trim()).filter(Boolean),
  descriptionHtml: `<p>${title} by ${vendor}.</p>`,
  options: option ? [option] : [],
  createdAt: new Date(Date.UTC(2024, 0, 8 + i * 3, 14, 30)).toISOString(),
  variants: variants.map(([value, usd, compareAt, where]) => {
    const sku = skuFor(handle, value);
    return {
      sku,
      optionValues: value ? [value] : [],
      price: pricesFromUsd(usd),
      compareAtPrice: compareAt ? pricesFromUsd(compareAt) : null,
      barcode: upc(++barcodeSeq),
      asin: asinForSku(sku),
      inventory: 5 + ((barcodeSeq * 37) % 120),
      channels: { shopify: where !== 'a', amazon: where !== 's' },
    };
  }),
}));

/** Products as the Shopify demo store lists them (variants listed on Amazon only are left out). */
export function shopifyCatalog(limit?: number): CatalogProduct[] {
  const products = limit === undefined ? DEMO_CATALOG : DEMO_CATALOG.slice(0, limit);
  return products
    .map((p) => ({ ...p, variants: p.variants.filter((v) => v.channels.shopify) }))
    .filter((p) => p.variants.length > 0);
}

/** Variants as the Amazon demo seller lists them, with their product. */
export function amazonCatalog(): Array<{ product: CatalogProduct; variant: CatalogVariant }> {
  return DEMO_CATALOG.flatMap((product) =>
    product.variants.filter((v) => v.channels.amazon).map((variant) => ({ product, variant })),
  );
}
