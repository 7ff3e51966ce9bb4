// The demo seed: Calibrate's SP-API app, two sellers (NA: US + CA + MX, EU: UK + DE) whose listings share SKUs
// with the demo Shopify store (from the shared demo catalog), the catalog items, and competitors on every
// ASIN so the Buy Box sometimes is ours and sometimes isn't. Identities are derived deterministically so
// `GET /_sandbox/seed` stays the same across restarts.
import { createHash } from 'node:crypto';
import { amazonCatalog, DEMO_CATALOG, type CatalogProduct, type CatalogVariant, type CurrencyCode } from '../seed/catalog';
import { marketplace, type Region } from './marketplaces';
import { price, priceFromMinor, minorOf } from './money';
import type { CatalogItem, CompetitorOffer, Listing, Seller, SpApp } from './state';
import { offerKey } from './state';
import { createRefreshToken, deterministicRefreshToken } from './lwa/tokens';
import type { AmazonWorld } from './world';
import { recordIssuedSecret } from '../core/secret-audit';

function hex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

function hashInt(seed: string): number {
  return parseInt(hex(seed, 8), 16);
}

export interface DemoAppInput {
  name?: string;
  redirectUris?: string[];
  published?: boolean;
}

/** Calibrate's SP-API application with deterministic sandbox credentials. */
export function demoApp(input: DemoAppInput = {}): SpApp {
  const id = hex('calibrate-app', 32);
  return {
    applicationId: `amzn1.sp.solution.${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`,
    name: input.name ?? 'Calibrate',
    clientId: `amzn1.application-oa2-client.${hex('calibrate-client-id', 32)}`,
    clientSecret: `amzn1.oa2-cs.v1.${hex('calibrate-client-secret', 64)}`,
    redirectUris: input.redirectUris ?? [],
    published: input.published ?? false,
  };
}

const PRODUCT_TYPES: Record<string, string> = {
  Shoes: 'SHOES', Drinkware: 'BOTTLE', Socks: 'SOCKS', Coffee: 'COFFEE_MAKER', Jackets: 'COAT', Bags: 'BACKPACK',
  Tents: 'TENT', Stoves: 'PORTABLE_STOVE', Hats: 'HAT', Hydration: 'WATER_FILTRATION_UNIT', Hammocks: 'HAMMOCK',
  Eyewear: 'SUNGLASSES', Poles: 'TREKKING_POLE', Lighting: 'FLASHLIGHT', 'Sleeping Bags': 'SLEEPING_BAG',
  Climbing: 'SPORTING_GOODS', 'Camp Kitchen': 'KITCHEN', Furniture: 'CHAIR', Accessories: 'SPORTING_GOODS',
  Gloves: 'GLOVES', Fleece: 'SWEATSHIRT', Navigation: 'COMPASS', Optics: 'BINOCULAR', Bundles: 'KITCHEN',
};

function catalogItem(product: CatalogProduct, variant: CatalogVariant, marketplaceIds: string[]): CatalogItem {
  const value = variant.optionValues[0];
  const listPrices: CatalogItem['listPrices'] = {};
  for (const id of marketplaceIds) {
    const currency = marketplace(id)!.defaultCurrencyCode as CurrencyCode;
    const compareAt = variant.compareAtPrice?.[currency];
    if (compareAt) listPrices[id] = price(compareAt, currency);
  }
  return {
    asin: variant.asin,
    itemName: value ? `${product.title}, ${value}` : product.title,
    brand: product.vendor,
    manufacturer: product.vendor,
    productType: PRODUCT_TYPES[product.productType] ?? 'PRODUCT',
    classificationId: String(2_000_000_000 + (hashInt(product.productType) % 900_000_000)),
    classificationName: product.productType,
    websiteDisplayGroup: 'sports_display_on_website',
    salesRank: 100 + (hashInt(variant.asin) % 50_000),
    upc: variant.barcode,
    ...(product.options[0] === 'Color' && value ? { color: value } : {}),
    ...(product.options[0] === 'Size' && value ? { size: value } : {}),
    imageUrl: `https://m.media-amazon.com/images/I/${hex(variant.asin, 11)}.jpg`,
    marketplaceIds,
    listPrices,
  };
}

export interface SellerSeed {
  sellerId: string;
  storeName: string;
  region: Region;
  marketplaceIds: string[];
  countryCode: string;
  /** Which catalog entries the seller lists (index in amazonCatalog()). */
  include: (index: number, product: CatalogProduct) => boolean;
}

export const DEMO_SELLERS: SellerSeed[] = [
  {
    sellerId: 'A2CALIBRDEMONA',
    storeName: 'Calibrate Demo Outfitters',
    region: 'na',
    marketplaceIds: ['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2', 'A1AM78C64UM0Y8'],
    countryCode: 'US',
    include: () => true,
  },
  {
    sellerId: 'A2CALIBRDEMOEU',
    storeName: 'Calibrate Demo Outfitters EU',
    region: 'eu',
    marketplaceIds: ['A1F83G8C2ARO7P', 'A1PA6795UKMFR9'],
    countryCode: 'DE',
    // The EU seller carries the first twelve products, like the EU demo shop.
    include: (_i, product) => DEMO_CATALOG.indexOf(product) < 12,
  },
];

function listingFor(seller: SellerSeed, product: CatalogProduct, variant: CatalogVariant, index: number, item: CatalogItem): Listing {
  const offers: Listing['offers'] = {};
  seller.marketplaceIds.forEach((id, i) => {
    // The other marketplaces carry two thirds of the SKUs, so some SKUs sell in one marketplace only.
    if (i > 0 && index % 3 === 2) return;
    const currency = marketplace(id)!.defaultCurrencyCode as CurrencyCode;
    const amount = variant.price[currency];
    if (!amount) return;
    offers[id] = { marketplaceId: id, price: price(amount, currency), status: ['BUYABLE', 'DISCOVERABLE'] };
  });
  const created = Date.parse(product.createdAt);
  return {
    sku: variant.sku,
    asin: variant.asin,
    productType: item.productType,
    conditionType: 'new_new',
    itemName: item.itemName,
    createdDate: new Date(created).toISOString(),
    lastUpdatedDate: new Date(created + (index + 1) * 3_600_000).toISOString(),
    fulfillmentChannelCode: index % 3 === 0 ? `AMAZON_${seller.region.toUpperCase()}` : 'DEFAULT',
    quantity: variant.inventory,
    offers,
    attributes: {
      brand: [{ value: product.vendor, marketplace_id: seller.marketplaceIds[0] }],
      externally_assigned_product_identifier: [{ type: 'upc', value: variant.barcode, marketplace_id: seller.marketplaceIds[0] }],
    },
    issues: [],
  };
}

const COMPETITORS = [
  { sellerId: 'A1TRAILSIDE7Q2', sellerName: 'Trailside Traders', fulfillment: 'MFN', feedbackPercent: 96, feedbackCount: 8420, prime: false },
  { sellerId: 'A3PEAKVALUE9XK', sellerName: 'PeakValue Outlet', fulfillment: 'AFN', feedbackPercent: 99, feedbackCount: 23110, prime: true },
  { sellerId: 'A9BUDGETBASE4M', sellerName: 'Budget Basecamp', fulfillment: 'MFN', feedbackPercent: 84, feedbackCount: 312, prime: false },
] as const;

/** Two or three competitors around our price: a steady spread so some Buy Boxes are ours, some not. */
function competitorsFor(asin: string, marketplaceId: string, ours: ReturnType<typeof price>): CompetitorOffer[] {
  const mp = marketplace(marketplaceId)!;
  const h = hashInt(`${asin}|${marketplaceId}`);
  const base = minorOf(ours);
  const scaled = (bp: number) => {
    // Keep ".99"-style endings: round to whole units, minus one minor unit.
    const raw = (base * BigInt(10_000 + bp)) / 10_000n;
    const unit = mp.defaultCurrencyCode === 'JPY' ? 1n : 100n;
    const rounded = ((raw + unit / 2n) / unit) * unit - (unit === 1n ? 0n : 1n);
    return priceFromMinor(rounded > 0n ? rounded : 1n, ours.currency);
  };
  const shipping = (minor: bigint) => priceFromMinor(minor, ours.currency);
  const offers: CompetitorOffer[] = [];
  const spreads = [(h % 900) - 500, (h % 700) - 100, -1500];
  COMPETITORS.forEach((c, i) => {
    if (i === 1 && h % 4 === 0) return; // not every ASIN has the FBA competitor
    offers.push({
      sellerId: c.sellerId,
      sellerName: c.sellerName,
      asin,
      marketplaceId,
      condition: i === 2 && h % 2 === 0 ? 'Used' : 'New',
      subCondition: i === 2 && h % 2 === 0 ? 'good' : 'new',
      fulfillment: c.fulfillment,
      price: scaled(spreads[i]!),
      shipping: shipping(c.fulfillment === 'MFN' && i === 0 && h % 3 === 0 ? 499n : 0n),
      feedbackPercent: c.feedbackPercent,
      feedbackCount: c.feedbackCount,
      shipsFromCountry: mp.countryCode,
      prime: c.prime,
    });
  });
  return offers;
}

export interface DemoSeedOptions {
  app?: DemoAppInput;
}

/** Loads the demo app, sellers (each with a refresh token authorized for the app), catalog and competitors. */
export function seedDemo(world: AmazonWorld, options: DemoSeedOptions = {}): void {
  const app = demoApp(options.app);
  recordIssuedSecret('LWA client secret', app.clientSecret);
  world.state.apps[app.applicationId] = { ...app, clientSecretIssuedAt: new Date(world.now()).toISOString() };
  const entries = amazonCatalog();
  const allMarketplaces = DEMO_SELLERS.flatMap((s) => s.marketplaceIds);
  for (const { product, variant } of entries) {
    world.state.catalog[variant.asin] = catalogItem(product, variant, allMarketplaces);
  }
  for (const s of DEMO_SELLERS) {
    const seller: Seller = {
      sellerId: s.sellerId,
      storeName: s.storeName,
      region: s.region,
      marketplaceIds: s.marketplaceIds,
      businessName: `${s.storeName} LLC`,
      countryCode: s.countryCode,
      listings: {},
    };
    entries.forEach(({ product, variant }, index) => {
      if (!s.include(index, product)) return;
      const listing = listingFor(s, product, variant, index, world.state.catalog[variant.asin]!);
      seller.listings[listing.sku] = listing;
      for (const offer of Object.values(listing.offers)) {
        world.state.competitors[offerKey(listing.asin, offer.marketplaceId)] = competitorsFor(listing.asin, offer.marketplaceId, offer.price);
      }
    });
    world.state.sellers[seller.sellerId] = seller;
    createRefreshToken(world, seller.sellerId, app.clientId, deterministicRefreshToken(seller.sellerId, app.clientId));
  }
  world.changed();
}

/** What `GET /_sandbox/seed` lists for Amazon: the app and each seller's LWA credentials. */
export function seedIdentities(world: AmazonWorld): unknown {
  const apps = Object.values(world.state.apps);
  return {
    apps: apps.map((a) => ({
      applicationId: a.applicationId,
      name: a.name,
      clientId: a.clientId,
      clientSecret: a.clientSecret,
      redirectUris: a.redirectUris,
      draft: !a.published,
    })),
    sellers: Object.values(world.state.sellers).map((s) => {
      const tokens = Object.values(world.state.refreshTokens).filter((t) => t.sellerId === s.sellerId && !t.revoked);
      const token = tokens[0];
      const app = apps.find((a) => a.clientId === token?.clientId) ?? apps[0];
      return {
        sellerId: s.sellerId,
        storeName: s.storeName,
        region: s.region,
        marketplaceIds: s.marketplaceIds,
        lwa: { clientId: app?.clientId, clientSecret: app?.clientSecret, refreshToken: token?.token },
        skus: Object.keys(s.listings).length,
      };
    }),
  };
}
