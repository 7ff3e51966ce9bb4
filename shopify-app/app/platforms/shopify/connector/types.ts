// Shapes of the Admin GraphQL data the connector reads (what documents.ts selects).

export interface ShopifyVariantNode {
  id: string;
  sku: string | null;
  title: string;
  /** Shopify's `Money` scalar: a decimal string in the shop's currency. */
  price: string;
  compareAtPrice: string | null;
  updatedAt: string;
  product?: { id: string };
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface ShopifyProductNode {
  id: string;
  title: string;
  handle: string;
  status: 'ACTIVE' | 'DRAFT' | 'ARCHIVED' | string;
  vendor: string | null;
  productType: string | null;
  updatedAt: string;
  variants: { pageInfo: PageInfo; nodes: ShopifyVariantNode[] };
}

export interface ShopInfo {
  name: string;
  myshopifyDomain: string;
  currencyCode: string;
  /** The shop's time zone as its settings say ("Asia/Tokyo"): where its day starts. */
  ianaTimezone: string;
}
