// Changes to a seller's listing, from patchListingsItem / putListingsItem / deleteListingsItem or a
// JSON_LISTINGS_FEED message: validated on a draft, with Amazon-style issues, applied only when valid.
// `purchasable_offer` (our_price, minimum/maximum_seller_allowed_price) drives the offer's price.
import { comparePrices, parseAmount, type Price } from '../money';
import { marketplace } from '../marketplaces';
import type { Listing, ListingIssue, ListingOffer, Seller } from '../state';
import type { AmazonWorld } from '../world';

export interface PatchOperation {
  op: 'add' | 'replace' | 'merge' | 'delete';
  path: string;
  value?: unknown[];
}

export interface PriceChange {
  sku: string;
  marketplaceId: string;
  from?: string;
  to: string;
  currency: string;
}

export interface ListingChange {
  sku: string;
  issues: ListingIssue[];
  valid: boolean;
  /** The listing after the change (undefined when deleted), for previews and reports. */
  draft?: Listing;
  priceChanges: PriceChange[];
  /** Writes the change into the seller's listings (when valid); `quiet` skips the per-change log entry. */
  apply(options?: { quiet?: boolean }): void;
}

const CONDITION_TYPES = new Set([
  'new_new', 'new_open_box', 'new_oem', 'refurbished_refurbished', 'used_like_new', 'used_very_good', 'used_good',
  'used_acceptable', 'collectible_like_new', 'collectible_very_good', 'collectible_good', 'collectible_acceptable', 'club_club',
]);

function issue(code: string, message: string, attributeNames: string[] = [], category = 'INVALID_ATTRIBUTE'): ListingIssue {
  return { code, message, severity: 'ERROR', attributeNames, categories: [category] };
}

export const issues = {
  missing: (attr: string) => issue('90220', `'${attr}' is required but not supplied.`, [attr.split('.')[0]!], 'MISSING_ATTRIBUTE'),
  invalidValue: (attr: string, detail: string) => issue('99010', `The value provided for '${attr}' is invalid: ${detail}`, [attr.split('.')[0]!]),
  currency: (attr: string, given: string, expected: string, mp: string) =>
    issue('99300', `The currency '${given}' for '${attr}' does not match the currency '${expected}' of marketplace ${mp}.`, [attr.split('.')[0]!]),
  outOfBounds: (mp: string) =>
    issue('99310', `The price in 'purchasable_offer.our_price' for marketplace ${mp} is outside the seller-allowed minimum and maximum prices.`, ['purchasable_offer'], 'INVALID_PRICE'),
  minAboveMax: (mp: string) =>
    issue('99311', `'purchasable_offer.minimum_seller_allowed_price' is greater than 'maximum_seller_allowed_price' for marketplace ${mp}.`, ['purchasable_offer'], 'INVALID_PRICE'),
  marketplaceNotInSubmission: (attr: string, mp: string) =>
    issue('99001', `Marketplace '${mp}' in '${attr}' is not one of the marketplaces of this submission.`, [attr.split('.')[0]!]),
  notInCatalog: (asin: string, mp: string) => issue('90201', `ASIN ${asin} is not available in marketplace ${mp}.`, ['merchant_suggested_asin']),
  unsupportedPath: (path: string) => issue('90003', `The patch path '${path}' is not supported. Use '/attributes/{attributeName}'.`),
  productTypeMismatch: (given: string, actual: string) =>
    issue('90221', `The product type '${given}' does not match the product type '${actual}' of the listing.`, [], 'INVALID_PRODUCT_TYPE'),
  skuNotFound: (sku: string) => issue('90122', `SKU '${sku}' does not exist for this seller; PATCH needs an existing listing.`, [], 'MISSING_LISTING'),
  /** A `merge` names the offer it changes by its whole key (marketplace_id, currency, audience). */
  mergeSelector: (attr: string, selector: string) =>
    issue('90220', `'${attr}.${selector}' is required but not supplied: a merge of '${attr}' must name every selector of the entry it changes (marketplace_id, currency, audience).`, [attr], 'MISSING_ATTRIBUTE'),
  /** The sandbox keeps one offer per marketplace, the standard audience's. */
  audience: (given: string) =>
    issue('99010', `The value provided for 'purchasable_offer.audience' is invalid: '${given}' (the Calibrate sandbox plays only the standard audience 'ALL').`, ['purchasable_offer']),
  /** Raised after acceptance by listings/issue-after-accept (Amazon's pricing health checks run downstream). */
  priceValidation: (mp: string) =>
    issue('99320', `The price in 'purchasable_offer.our_price' for marketplace ${mp} was not applied: it is far from the item's recent prices (potential pricing error). Confirm or correct the price.`, ['purchasable_offer'], 'INVALID_PRICE'),
};

function firstScheduleAmount(value: unknown, currency: string): Price | 'missing' | 'invalid' {
  if (value === undefined) return 'missing';
  if (!Array.isArray(value) || value.length === 0) return 'invalid';
  const schedule = (value[0] as { schedule?: unknown })?.schedule;
  if (!Array.isArray(schedule) || schedule.length === 0) return 'invalid';
  const amount = (schedule[0] as { value_with_tax?: unknown })?.value_with_tax;
  if (amount === undefined) return 'missing';
  const parsed = parseAmount(amount, currency);
  if (!parsed || parsed.minor === '0') return 'invalid';
  return parsed;
}

class Draft {
  readonly issues: ListingIssue[] = [];
  readonly priceChanges: PriceChange[] = [];

  constructor(
    readonly world: AmazonWorld,
    readonly listing: Listing,
    readonly marketplaceIds: string[],
    readonly original?: Listing,
  ) {}

  inScope(attr: string, entry: Record<string, unknown>): string | undefined {
    const mp = entry.marketplace_id;
    if (mp === undefined) return undefined;
    if (typeof mp !== 'string' || !this.marketplaceIds.includes(mp)) {
      this.issues.push(issues.marketplaceNotInSubmission(attr, String(mp)));
      return 'invalid';
    }
    return mp;
  }

  /** Sets or merges one `purchasable_offer` entry. */
  offerEntry(entry: Record<string, unknown>, merge: boolean): void {
    // An offer is keyed by marketplace_id, currency and audience: a merge must name all three (Amazon's
    // "merge operation must provide non empty values for selector fields").
    if (merge) {
      const absent = ['marketplace_id', 'currency', 'audience'].filter((k) => entry[k] === undefined || entry[k] === null || entry[k] === '');
      if (absent.length) return void this.issues.push(...absent.map((k) => issues.mergeSelector('purchasable_offer', k)));
    }
    if (entry.audience !== undefined && entry.audience !== 'ALL') return void this.issues.push(issues.audience(String(entry.audience)));
    const mp = this.inScope('purchasable_offer', entry);
    if (mp === 'invalid') return;
    if (!mp) return void this.issues.push(issues.missing('purchasable_offer.marketplace_id'));
    const market = marketplace(mp)!;
    const item = this.world.state.catalog[this.listing.asin];
    if (!item || !item.marketplaceIds.includes(mp)) return void this.issues.push(issues.notInCatalog(this.listing.asin, mp));
    const current = this.listing.offers[mp];
    const currency = entry.currency;
    if (currency === undefined) return void this.issues.push(issues.missing('purchasable_offer.currency'));
    if (currency !== market.defaultCurrencyCode) {
      return void this.issues.push(issues.currency('purchasable_offer.currency', String(currency), market.defaultCurrencyCode, mp));
    }
    const read = (field: string): Price | undefined | null => {
      const r = firstScheduleAmount(entry[field], market.defaultCurrencyCode);
      if (r === 'missing') return undefined;
      if (r === 'invalid') {
        this.issues.push(issues.invalidValue(`purchasable_offer.${field}`, 'expected [{"schedule":[{"value_with_tax": <positive amount>}]}] with at most the currency\'s decimal digits.'));
        return null;
      }
      return r;
    };
    const ourPrice = read('our_price');
    const min = read('minimum_seller_allowed_price');
    const max = read('maximum_seller_allowed_price');
    if (ourPrice === null || min === null || max === null) return;
    const price = ourPrice ?? (merge ? current?.price : undefined);
    if (!price) return void this.issues.push(issues.missing('purchasable_offer.our_price'));
    const next: ListingOffer = {
      marketplaceId: mp,
      price,
      minPrice: min ?? (merge ? current?.minPrice : undefined),
      maxPrice: max ?? (merge ? current?.maxPrice : undefined),
      status: current?.status ?? ['BUYABLE', 'DISCOVERABLE'],
    };
    if (next.minPrice && next.maxPrice && comparePrices(next.minPrice, next.maxPrice) > 0) return void this.issues.push(issues.minAboveMax(mp));
    if ((next.minPrice && comparePrices(price, next.minPrice) < 0) || (next.maxPrice && comparePrices(price, next.maxPrice) > 0)) {
      return void this.issues.push(issues.outOfBounds(mp));
    }
    const before = this.original?.offers[mp]?.price;
    if (!before || before.minor !== price.minor) {
      this.priceChanges.push({ sku: this.listing.sku, marketplaceId: mp, from: before?.minor, to: price.minor, currency: price.currency });
    }
    if (!next.minPrice) delete next.minPrice;
    if (!next.maxPrice) delete next.maxPrice;
    this.listing.offers[mp] = next;
  }

  deleteOffers(entries: unknown[] | undefined): void {
    const targets = entries?.length
      ? entries.map((e) => (e as Record<string, unknown>).marketplace_id).filter((id): id is string => typeof id === 'string')
      : this.marketplaceIds;
    for (const mp of targets) {
      if (this.marketplaceIds.includes(mp)) delete this.listing.offers[mp];
    }
  }

  attribute(op: PatchOperation['op'], name: string, value: unknown[] | undefined): void {
    const entries = (value ?? []).filter((v): v is Record<string, unknown> => Boolean(v) && typeof v === 'object');
    if (op !== 'delete' && entries.length === 0) return void this.issues.push(issues.missing(name));
    switch (name) {
      case 'purchasable_offer':
        if (op === 'delete') return this.deleteOffers(value);
        for (const entry of entries) this.offerEntry(entry, op === 'merge');
        return;
      case 'fulfillment_availability': {
        if (op === 'delete') return void (this.listing.quantity = 0);
        const entry = entries[0]!;
        if (typeof entry.fulfillment_channel_code !== 'string') return void this.issues.push(issues.missing('fulfillment_availability.fulfillment_channel_code'));
        this.listing.fulfillmentChannelCode = entry.fulfillment_channel_code;
        if (entry.quantity !== undefined) {
          if (!Number.isInteger(entry.quantity) || (entry.quantity as number) < 0) {
            return void this.issues.push(issues.invalidValue('fulfillment_availability.quantity', 'a whole number of 0 or more is expected.'));
          }
          this.listing.quantity = entry.quantity as number;
        }
        return;
      }
      case 'item_name':
      case 'condition_type': {
        if (op === 'delete') return void this.issues.push(issues.missing(name));
        const v = entries[0]!.value;
        if (typeof v !== 'string' || !v) return void this.issues.push(issues.missing(`${name}.value`));
        if (name === 'condition_type') {
          if (!CONDITION_TYPES.has(v)) return void this.issues.push(issues.invalidValue('condition_type', `'${v}' is not a condition type.`));
          this.listing.conditionType = v;
        } else {
          this.listing.itemName = v;
        }
        return;
      }
      case 'merchant_suggested_asin': {
        const v = entries[0]?.value;
        if (op !== 'delete' && v !== this.listing.asin) {
          this.issues.push(issues.invalidValue('merchant_suggested_asin', 'the ASIN of an existing listing cannot change.'));
        }
        return;
      }
      default: {
        if (op === 'delete') return void delete this.listing.attributes[name];
        if (op === 'merge' && this.listing.attributes[name]) {
          const existing = this.listing.attributes[name]!.filter(
            (e) => !entries.some((n) => (n.marketplace_id ?? null) === ((e as Record<string, unknown>).marketplace_id ?? null)),
          );
          this.listing.attributes[name] = [...existing, ...entries];
          return;
        }
        this.listing.attributes[name] = entries;
      }
    }
  }
}

/**
 * A draft copy: the draft replaces offers and attribute arrays, never edits them in place, so copying the
 * two records is enough (and cheap for 25,000-message feeds).
 */
function cloneListing(listing: Listing): Listing {
  return { ...listing, offers: { ...listing.offers }, attributes: { ...listing.attributes } };
}

/** The listing's own product type, or Amazon's generic PRODUCT (used for offer-only changes). */
function productTypeFits(productType: string, listing: Listing): boolean {
  return productType === listing.productType || productType === 'PRODUCT';
}

function attributeName(path: string): string | undefined {
  const m = /^\/attributes\/([A-Za-z0-9_]+)$/.exec(path);
  return m?.[1];
}

function finish(world: AmazonWorld, seller: Seller, sku: string, draft: Draft | undefined, extraIssues: ListingIssue[], remove = false): ListingChange {
  const all = [...extraIssues, ...(draft?.issues ?? [])];
  const valid = !all.some((i) => i.severity === 'ERROR');
  const priceChanges = valid ? (draft?.priceChanges ?? []) : [];
  return {
    sku,
    issues: all,
    valid,
    draft: remove ? undefined : draft?.listing,
    priceChanges,
    apply(options = {}) {
      if (!valid) return;
      if (remove || !draft) {
        delete seller.listings[sku];
      } else {
        draft.listing.lastUpdatedDate = new Date(world.now()).toISOString();
        if (Object.keys(draft.listing.offers).length === 0) delete seller.listings[sku];
        else seller.listings[sku] = draft.listing;
      }
      for (const change of options.quiet ? [] : priceChanges) {
        world.log({ platform: 'amazon', kind: 'event', detail: { priceChange: { sellerId: seller.sellerId, ...change } } });
      }
      world.changed();
    },
  };
}

/** JSON Patch operations on `/attributes/{name}` (patchListingsItem, feed `PATCH`). */
export function planPatches(
  world: AmazonWorld,
  seller: Seller,
  sku: string,
  productType: string,
  patches: PatchOperation[],
  marketplaceIds: string[],
): ListingChange {
  const existing = seller.listings[sku];
  if (!existing) return finish(world, seller, sku, undefined, [issues.skuNotFound(sku)]);
  if (!productTypeFits(productType, existing)) return finish(world, seller, sku, undefined, [issues.productTypeMismatch(productType, existing.productType)]);
  const draft = new Draft(world, cloneListing(existing), marketplaceIds, existing);
  for (const patch of patches) {
    const name = attributeName(patch.path);
    if (!name) {
      draft.issues.push(issues.unsupportedPath(patch.path));
      continue;
    }
    draft.attribute(patch.op, name, patch.value);
  }
  return finish(world, seller, sku, draft, []);
}

/**
 * A full (`UPDATE`, putListingsItem) or partial (`PARTIAL_UPDATE`) attribute submission. A new SKU needs
 * `merchant_suggested_asin` naming a catalog item, and a `purchasable_offer` to be offered.
 */
export function planAttributes(
  world: AmazonWorld,
  seller: Seller,
  sku: string,
  productType: string,
  attributes: Record<string, unknown>,
  marketplaceIds: string[],
  mode: 'UPDATE' | 'PARTIAL_UPDATE',
): ListingChange {
  const existing = seller.listings[sku];
  if (existing && !productTypeFits(productType, existing)) {
    return finish(world, seller, sku, undefined, [issues.productTypeMismatch(productType, existing.productType)]);
  }
  let listing: Listing;
  if (existing) {
    listing = cloneListing(existing);
    if (mode === 'UPDATE') listing.attributes = {};
  } else {
    const suggested = (attributes.merchant_suggested_asin as { value?: unknown }[] | undefined)?.[0]?.value;
    if (mode === 'PARTIAL_UPDATE') return finish(world, seller, sku, undefined, [issues.skuNotFound(sku)]);
    if (typeof suggested !== 'string') return finish(world, seller, sku, undefined, [issues.missing('merchant_suggested_asin')]);
    const item = world.state.catalog[suggested];
    if (!item) return finish(world, seller, sku, undefined, [issues.notInCatalog(suggested, marketplaceIds.join(','))]);
    const now = new Date(world.now()).toISOString();
    listing = {
      sku,
      asin: item.asin,
      productType,
      conditionType: 'new_new',
      itemName: item.itemName,
      createdDate: now,
      lastUpdatedDate: now,
      fulfillmentChannelCode: 'DEFAULT',
      quantity: 0,
      offers: {},
      attributes: {},
      issues: [],
    };
  }
  const draft = new Draft(world, listing, marketplaceIds, existing);
  for (const [name, value] of Object.entries(attributes)) {
    if (!Array.isArray(value)) {
      draft.issues.push(issues.invalidValue(name, 'attribute values are arrays.'));
      continue;
    }
    if (!existing && name === 'merchant_suggested_asin') continue;
    draft.attribute('replace', name, value);
  }
  if (!existing && Object.keys(listing.offers).length === 0 && !draft.issues.length) {
    draft.issues.push(issues.missing('purchasable_offer'));
  }
  return finish(world, seller, sku, draft, []);
}

export function planDelete(world: AmazonWorld, seller: Seller, sku: string, marketplaceIds: string[]): ListingChange {
  const existing = seller.listings[sku];
  if (!existing) return finish(world, seller, sku, undefined, []);
  const listing = cloneListing(existing);
  for (const id of marketplaceIds) delete listing.offers[id];
  if (Object.keys(listing.offers).length === 0) return finish(world, seller, sku, undefined, [], true);
  return finish(world, seller, sku, new Draft(world, listing, marketplaceIds, existing), []);
}
