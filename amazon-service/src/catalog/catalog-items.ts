// Catalog details of an ASIN (Catalog Items API 2022-04-01): title, brand, image, product type.
import type { SpApiClient } from '../sp-api/sp-api-client';

export interface CatalogItemDetails {
  asin: string;
  title?: string;
  brand?: string;
  imageUrl?: string;
  productType?: string;
}

interface CatalogAnswer {
  asin: string;
  summaries?: { marketplaceId: string; itemName?: string; brand?: string; brandName?: string }[];
  images?: { marketplaceId: string; images?: { link: string; variant?: string }[] }[];
  productTypes?: { marketplaceId: string; productType: string }[];
}

export async function getCatalogItem(client: SpApiClient, asin: string, marketplaceId: string): Promise<CatalogItemDetails> {
  const answer = await client.call<CatalogAnswer>({
    operation: 'catalogItems.getCatalogItem',
    path: { asin },
    query: { marketplaceIds: [marketplaceId], includedData: ['summaries', 'images', 'productTypes'] },
    version: '2022-04-01',
  });
  const summary = answer.summaries?.find((s) => s.marketplaceId === marketplaceId) ?? answer.summaries?.[0];
  const image = answer.images?.find((i) => i.marketplaceId === marketplaceId)?.images?.find((i) => i.variant === 'MAIN') ?? answer.images?.[0]?.images?.[0];
  const productType = answer.productTypes?.find((p) => p.marketplaceId === marketplaceId)?.productType;
  return {
    asin: answer.asin ?? asin,
    ...(summary?.itemName ? { title: summary.itemName } : {}),
    ...((summary?.brand ?? summary?.brandName) ? { brand: (summary?.brand ?? summary?.brandName)! } : {}),
    ...(image?.link ? { imageUrl: image.link } : {}),
    ...(productType ? { productType } : {}),
  };
}
