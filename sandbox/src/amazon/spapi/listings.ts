// Listings Items API 2021-08-01: get, search (with pagination), patch (incl. purchasable_offer price
// patches), put and delete of the seller's own listings.
import { randomUUID } from 'node:crypto';
import { planAttributes, planDelete, planPatches, type ListingChange, type PatchOperation } from '../listings/changes';
import { acceptChange } from '../listings/go-live';
import { listingMarketplaces, renderListingItem } from '../listings/render';
import type { Listing } from '../state';
import { SpApiError, invalidInput, unauthorized } from './errors';
import { decodePageToken, fingerprint, paginate } from './paging';
import { requireMarketplaces, type SpCall, type SpHandler } from './router';

function ownSeller(call: SpCall): void {
  // A token acts for one selling partner; another seller's id is refused like any unauthorized resource.
  if (call.params.sellerId !== call.seller.sellerId) throw unauthorized();
}

function included(call: SpCall): string[] {
  return (call.params.includedData as string[] | undefined) ?? ['summaries'];
}

function imageOf(call: SpCall, listing: Listing): string | undefined {
  return call.world.state.catalog[listing.asin]?.imageUrl;
}

export const getListingsItem: SpHandler = (call) => {
  ownSeller(call);
  const marketplaceIds = requireMarketplaces(call, call.params.marketplaceIds);
  const sku = String(call.params.sku);
  const listing = call.seller.listings[sku];
  if (!listing || listingMarketplaces(listing, marketplaceIds).length === 0) {
    throw new SpApiError(404, 'NOT_FOUND', `SKU '${sku}' not found in marketplace ${marketplaceIds.join(',')}`);
  }
  return { status: 200, body: renderListingItem(listing, marketplaceIds, included(call), imageOf(call, listing)) };
};

function matchesIdentifier(call: SpCall, listing: Listing, type: string, identifiers: string[]): boolean {
  if (type === 'SKU') return identifiers.includes(listing.sku);
  if (type === 'ASIN') return identifiers.includes(listing.asin);
  const item = call.world.state.catalog[listing.asin];
  if (!item) return false;
  if (type === 'UPC') return Boolean(item.upc && identifiers.includes(item.upc));
  if (type === 'EAN') return Boolean(item.ean && identifiers.includes(item.ean));
  if (type === 'GTIN') return identifiers.some((id) => id === item.upc || id === item.ean || id === `0${item.upc}`);
  return false;
}

/** Most items searchListingsItems returns and pages through for one query, however many match. */
export const SEARCH_RESULTS_CAP = 1000;

export const searchListingsItems: SpHandler = (call) => {
  ownSeller(call);
  const p = call.params;
  const marketplaceIds = requireMarketplaces(call, p.marketplaceIds);
  const identifiers = p.identifiers as string[] | undefined;
  const identifiersType = p.identifiersType as string | undefined;
  if (identifiers && !identifiersType) throw invalidInput('identifiersType is required when identifiers are provided.');
  if (identifiersType && !identifiers) throw invalidInput('identifiers are required when identifiersType is provided.');
  const withStatus = p.withStatus as string[] | undefined;
  const withoutStatus = p.withoutStatus as string[] | undefined;
  const severities = p.withIssueSeverity as string[] | undefined;
  const time = (name: string) => (p[name] === undefined ? undefined : Date.parse(String(p[name])));
  const createdAfter = time('createdAfter');
  const createdBefore = time('createdBefore');
  const updatedAfter = time('lastUpdatedAfter');
  const updatedBefore = time('lastUpdatedBefore');

  const matches = Object.values(call.seller.listings).filter((listing) => {
    const mps = listingMarketplaces(listing, marketplaceIds);
    if (mps.length === 0) return false;
    if (identifiers && identifiersType && !matchesIdentifier(call, listing, identifiersType, identifiers)) return false;
    if (p.variationParentSku !== undefined || p.packageHierarchySku !== undefined) return false; // no variations modelled
    const statuses = new Set(mps.flatMap((id) => listing.offers[id]!.status));
    if (withStatus && !withStatus.every((s) => statuses.has(s as never))) return false;
    if (withoutStatus && withoutStatus.some((s) => statuses.has(s as never))) return false;
    if (severities && !listing.issues.some((i) => severities.includes(i.severity))) return false;
    const created = Date.parse(listing.createdDate);
    const updated = Date.parse(listing.lastUpdatedDate);
    if (createdAfter !== undefined && created < createdAfter) return false;
    if (createdBefore !== undefined && created > createdBefore) return false;
    if (updatedAfter !== undefined && updated < updatedAfter) return false;
    if (updatedBefore !== undefined && updated > updatedBefore) return false;
    return true;
  });

  const sortBy = (p.sortBy as string | undefined) ?? 'lastUpdatedDate';
  const direction = ((p.sortOrder as string | undefined) ?? 'DESC') === 'ASC' ? 1 : -1;
  const key = (l: Listing) => (sortBy === 'sku' ? l.sku : sortBy === 'createdDate' ? l.createdDate : l.lastUpdatedDate);
  matches.sort((a, b) => direction * (key(a).localeCompare(key(b)) || a.sku.localeCompare(b.sku)));

  const pageSize = (p.pageSize as number | undefined) ?? 10;
  if (pageSize < 1) throw invalidInput('pageSize must be at least 1.');
  const { pageToken: _pageToken, pageSize: _pageSize, includedData: _included, issueLocale: _locale, ...filters } = p;
  const query = fingerprint([call.seller.sellerId, filters]);
  const offset = decodePageToken(p.pageToken as string | undefined, query);
  // Amazon's model: "The maximum number of items (SKUs) that can be returned and paged through is 1000."
  // The page that reaches the cap is the last one (no nextToken); numberOfResults still counts them all.
  if (offset >= SEARCH_RESULTS_CAP) throw invalidInput('Invalid pageToken provided.');
  const page = paginate(matches.slice(0, SEARCH_RESULTS_CAP), offset, pageSize, query);
  const body: Record<string, unknown> = {
    numberOfResults: matches.length,
    items: page.items.map((l) => renderListingItem(l, marketplaceIds, included(call), imageOf(call, l))),
  };
  if (page.nextToken || page.previousToken) {
    body.pagination = {
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      ...(page.previousToken ? { previousToken: page.previousToken } : {}),
    };
  }
  return { status: 200, body };
};

function submission(call: SpCall, change: ListingChange, marketplaceIds: string[], plan?: () => ListingChange) {
  const preview = call.params.mode === 'VALIDATION_PREVIEW';
  // Accepted now, visible later (or never, or with an issue raised downstream): see listings/go-live.ts.
  if (!preview && plan && change.valid) acceptChange(call.world, call.seller, change, marketplaceIds, plan, 'patch');
  else if (!preview) change.apply();
  const wants = (call.params.includedData as string[] | undefined) ?? ['issues'];
  const body: Record<string, unknown> = {
    sku: change.sku,
    status: change.valid ? (preview ? 'VALID' : 'ACCEPTED') : 'INVALID',
    submissionId: randomUUID(),
  };
  if (wants.includes('issues')) body.issues = change.issues.map((i) => ({ ...i, marketplaceIds: i.marketplaceIds ?? marketplaceIds }));
  if (preview && wants.includes('identifiers')) {
    body.identifiers = change.draft ? marketplaceIds.map((id) => ({ marketplaceId: id, asin: change.draft!.asin })) : [];
  }
  return { status: 200, body };
}

export const patchListingsItem: SpHandler = (call) => {
  ownSeller(call);
  const marketplaceIds = requireMarketplaces(call, call.params.marketplaceIds);
  const body = call.body as { productType: string; patches: PatchOperation[] };
  const plan = () => planPatches(call.world, call.seller, String(call.params.sku), body.productType, body.patches, marketplaceIds);
  return submission(call, plan(), marketplaceIds, plan);
};

export const putListingsItem: SpHandler = (call) => {
  ownSeller(call);
  const marketplaceIds = requireMarketplaces(call, call.params.marketplaceIds);
  const body = call.body as { productType: string; attributes: Record<string, unknown> };
  const change = planAttributes(call.world, call.seller, String(call.params.sku), body.productType, body.attributes, marketplaceIds, 'UPDATE');
  return submission(call, change, marketplaceIds);
};

export const deleteListingsItem: SpHandler = (call) => {
  ownSeller(call);
  const marketplaceIds = requireMarketplaces(call, call.params.marketplaceIds);
  const change = planDelete(call.world, call.seller, String(call.params.sku), marketplaceIds);
  change.apply();
  return { status: 200, body: { sku: change.sku, status: 'ACCEPTED', submissionId: randomUUID(), issues: [] } };
};
