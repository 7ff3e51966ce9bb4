// Catalog Items API 2022-04-01: getCatalogItem and searchCatalogItems (identifiers or keywords).
import { marketplace } from '../marketplaces';
import { amountNumber } from '../money';
import type { CatalogItem } from '../state';
import { SpApiError, invalidInput, invalidMarketplaces } from './errors';
import { decodePageToken, fingerprint, paginate } from './paging';
import type { SpCall, SpHandler } from './router';

/** Catalog data is public: any marketplace of the host's region is fine, participating or not. */
function regionMarketplaces(call: SpCall): string[] {
  const ids = (call.params.marketplaceIds as string[] | undefined) ?? [];
  if (ids.length === 0 || ids.some((id) => marketplace(id)?.region !== call.region)) throw invalidMarketplaces();
  return ids;
}

export function renderCatalogItem(item: CatalogItem, marketplaceIds: string[], includedData: string[]): Record<string, unknown> {
  const mps = marketplaceIds.filter((id) => item.marketplaceIds.includes(id));
  const out: Record<string, unknown> = { asin: item.asin };
  const per = <T>(f: (mp: string) => T) => mps.map(f);
  for (const data of includedData) {
    switch (data) {
      case 'summaries':
        out.summaries = per((marketplaceId) => ({
          marketplaceId,
          brand: item.brand,
          browseClassification: { displayName: item.classificationName, classificationId: item.classificationId },
          ...(item.color ? { color: item.color } : {}),
          itemClassification: 'BASE_PRODUCT',
          itemName: item.itemName,
          manufacturer: item.manufacturer,
          ...(item.size ? { size: item.size } : {}),
          websiteDisplayGroup: item.websiteDisplayGroup,
          websiteDisplayGroupName: item.websiteDisplayGroup.replace(/_display_on_website$/, '').replace(/_/g, ' '),
        }));
        break;
      case 'attributes': {
        const lang = (mp: string) => marketplace(mp)?.defaultLanguageCode ?? 'en_US';
        out.attributes = {
          item_name: per((mp) => ({ value: item.itemName, language_tag: lang(mp), marketplace_id: mp })),
          brand: per((mp) => ({ value: item.brand, language_tag: lang(mp), marketplace_id: mp })),
          manufacturer: per((mp) => ({ value: item.manufacturer, language_tag: lang(mp), marketplace_id: mp })),
          list_price: mps
            .filter((mp) => item.listPrices[mp])
            .map((mp) => ({ value: amountNumber(item.listPrices[mp]!), currency: item.listPrices[mp]!.currency, marketplace_id: mp })),
        };
        break;
      }
      case 'classifications':
        out.classifications = per((marketplaceId) => ({
          marketplaceId,
          classifications: [{ displayName: item.classificationName, classificationId: item.classificationId }],
        }));
        break;
      case 'dimensions':
        out.dimensions = per((marketplaceId) => ({ marketplaceId }));
        break;
      case 'identifiers':
        out.identifiers = per((marketplaceId) => ({
          marketplaceId,
          identifiers: [
            ...(item.upc ? [{ identifierType: 'UPC', identifier: item.upc }] : []),
            ...(item.ean ? [{ identifierType: 'EAN', identifier: item.ean }] : []),
          ],
        }));
        break;
      case 'images':
        out.images = per((marketplaceId) => ({ marketplaceId, images: [{ variant: 'MAIN', link: item.imageUrl, height: 500, width: 500 }] }));
        break;
      case 'productTypes':
        out.productTypes = per((marketplaceId) => ({ marketplaceId, productType: item.productType }));
        break;
      case 'relationships':
        out.relationships = per((marketplaceId) => ({ marketplaceId, relationships: [] }));
        break;
      case 'salesRanks':
        out.salesRanks = per((marketplaceId) => ({
          marketplaceId,
          classificationRanks: [{ classificationId: item.classificationId, title: item.classificationName, rank: item.salesRank }],
          displayGroupRanks: [{ websiteDisplayGroup: item.websiteDisplayGroup, title: item.classificationName, rank: item.salesRank * 7 }],
        }));
        break;
      case 'vendorDetails':
        out.vendorDetails = [];
        break;
    }
  }
  return out;
}

function includedData(call: SpCall): string[] {
  return (call.params.includedData as string[] | undefined) ?? ['summaries'];
}

export const getCatalogItem: SpHandler = (call) => {
  const marketplaceIds = regionMarketplaces(call);
  const asin = String(call.params.asin);
  const item = call.world.state.catalog[asin];
  if (!item || !marketplaceIds.some((id) => item.marketplaceIds.includes(id))) {
    throw new SpApiError(404, 'NOT_FOUND', `Requested item '${asin}' not found in marketplace(s) ${marketplaceIds.join(',')}.`);
  }
  return { status: 200, body: renderCatalogItem(item, marketplaceIds, includedData(call)) };
};

function identifierMatch(call: SpCall, item: CatalogItem, type: string, ids: string[]): boolean {
  switch (type) {
    case 'ASIN':
      return ids.includes(item.asin);
    case 'UPC':
      return Boolean(item.upc && ids.includes(item.upc));
    case 'EAN':
      return Boolean(item.ean && ids.includes(item.ean));
    case 'GTIN':
      return ids.some((id) => id === item.ean || id === item.upc || id === `0${item.upc}`);
    case 'SKU':
      return Object.values(call.seller.listings).some((l) => l.asin === item.asin && ids.includes(l.sku));
    default:
      return false;
  }
}

export const searchCatalogItems: SpHandler = (call) => {
  const p = call.params;
  const marketplaceIds = regionMarketplaces(call);
  const mp = marketplaceIds[0]!;
  const identifiers = p.identifiers as string[] | undefined;
  const keywords = p.keywords as string[] | undefined;
  if (identifiers && keywords) throw invalidInput('Cannot search by identifiers and keywords at the same time.');
  if (!identifiers && !keywords) throw invalidInput('Either identifiers or keywords must be provided.');
  const type = p.identifiersType as string | undefined;
  if (identifiers && !type) throw invalidInput('identifiersType is required when identifiers are provided.');
  if (type === 'SKU' && p.sellerId !== call.seller.sellerId) throw invalidInput('sellerId is required when identifiersType is SKU.');

  const brands = p.brandNames as string[] | undefined;
  const classes = p.classificationIds as string[] | undefined;
  let items = Object.values(call.world.state.catalog).filter((item) => item.marketplaceIds.includes(mp));
  if (identifiers) {
    items = items.filter((item) => identifierMatch(call, item, type!, identifiers));
  } else {
    const words = keywords!.flatMap((k) => k.toLowerCase().split(/\s+/)).filter(Boolean);
    items = items.filter((item) => {
      const text = `${item.itemName} ${item.brand} ${item.classificationName}`.toLowerCase();
      return words.every((w) => text.includes(w));
    });
    if (brands) items = items.filter((item) => brands.includes(item.brand));
    if (classes) items = items.filter((item) => classes.includes(item.classificationId));
  }
  items.sort((a, b) => a.salesRank - b.salesRank || a.asin.localeCompare(b.asin));

  const body: Record<string, unknown> = { numberOfResults: items.length };
  let pageItems = items;
  if (keywords) {
    const pageSize = (p.pageSize as number | undefined) ?? 10;
    const query = fingerprint([mp, keywords, brands, classes]);
    const page = paginate(items, decodePageToken(p.pageToken as string | undefined, query), pageSize, query);
    pageItems = page.items;
    if (page.nextToken || page.previousToken) {
      body.pagination = { ...(page.nextToken ? { nextToken: page.nextToken } : {}), ...(page.previousToken ? { previousToken: page.previousToken } : {}) };
    }
    const count = <K extends string>(key: (i: CatalogItem) => K) =>
      items.reduce((acc, i) => acc.set(key(i), (acc.get(key(i)) ?? 0) + 1), new Map<K, number>());
    body.refinements = {
      brands: [...count((i) => i.brand)].map(([brandName, numberOfResults]) => ({ numberOfResults, brandName })),
      classifications: [...count((i) => i.classificationId)].map(([classificationId, numberOfResults]) => ({
        numberOfResults,
        displayName: items.find((i) => i.classificationId === classificationId)!.classificationName,
        classificationId,
      })),
    };
  }
  body.items = pageItems.map((item) => renderCatalogItem(item, [mp], includedData(call)));
  return { status: 200, body };
};
