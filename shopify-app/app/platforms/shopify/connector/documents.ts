// Every Admin GraphQL document the app sends. They live in one file so a test can validate each one
// against Shopify's published schema (../shared/reference/shopify/admin_schema_2025-01.json.gz).

const VARIANT_FIELDS = `#graphql
  fragment CalibrVariant on ProductVariant {
    id
    sku
    title
    price
    compareAtPrice
    updatedAt
  }
`;

// A page of a product's variants: the products page, one product and the variants page all read the same.
const VARIANT_PAGE_FIELDS = `#graphql
  fragment CalibrVariantPage on ProductVariantConnection {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      ...CalibrVariant
    }
  }
  ${VARIANT_FIELDS}
`;

const PRODUCT_FIELDS = `#graphql
  fragment CalibrProduct on Product {
    id
    title
    handle
    status
    vendor
    productType
    updatedAt
  }
`;

export const SHOP_QUERY = `#graphql
  query CalibrShop {
    shop {
      name
      myshopifyDomain
      currencyCode
      ianaTimezone
    }
  }
`;

/** The access scopes the merchant granted the app on this shop (what the token can do now). */
export const ACCESS_SCOPES_QUERY = `#graphql
  query CalibrAccessScopes {
    currentAppInstallation {
      accessScopes {
        handle
      }
    }
  }
`;

/** A page of products with their variants (a product has at most 250 variants at most plans' limits). */
export const PRODUCTS_PAGE_QUERY = `#graphql
  query CalibrProductsPage($first: Int!, $after: String, $query: String, $variantsFirst: Int!) {
    products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...CalibrProduct
        variants(first: $variantsFirst) {
          ...CalibrVariantPage
        }
      }
    }
  }
  ${PRODUCT_FIELDS}
  ${VARIANT_PAGE_FIELDS}
`;

/** The rest of a product's variants when it has more than one page of them. */
export const PRODUCT_VARIANTS_PAGE_QUERY = `#graphql
  query CalibrProductVariantsPage($id: ID!, $first: Int!, $after: String) {
    product(id: $id) {
      variants(first: $first, after: $after) {
        ...CalibrVariantPage
      }
    }
  }
  ${VARIANT_PAGE_FIELDS}
`;

export const PRODUCT_QUERY = `#graphql
  query CalibrProduct($id: ID!, $variantsFirst: Int!) {
    product(id: $id) {
      ...CalibrProduct
      variants(first: $variantsFirst) {
        ...CalibrVariantPage
      }
    }
  }
  ${PRODUCT_FIELDS}
  ${VARIANT_PAGE_FIELDS}
`;

/** Variants by id, with their product: used to read prices and to group a price batch per product. */
export const VARIANTS_BY_ID_QUERY = `#graphql
  query CalibrVariantsById($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on ProductVariant {
        ...CalibrVariant
        product {
          id
        }
      }
    }
  }
  ${VARIANT_FIELDS}
`;

/** One product's variant prices; at most 250 variants a call (Shopify's input limit). */
export const VARIANTS_BULK_UPDATE_MUTATION = `#graphql
  mutation CalibrVariantsBulkUpdate($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
    productVariantsBulkUpdate(productId: $productId, variants: $variants, allowPartialUpdates: true) {
      productVariants {
        id
        price
        compareAtPrice
        updatedAt
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`;

/**
 * The mutation a bulk operation runs once per JSONL line. Shopify takes it as a string, so it is also
 * validated as a document of its own. Each run names it with its own key (`bulkVariantsUpdateMutation`):
 * BulkOperation.query shows the document, so the key tells our run from the others Shopify runs at once.
 */
export const BULK_VARIANTS_UPDATE_MUTATION = `#graphql
  mutation CalibrBulkVariantsUpdate($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
    productVariantsBulkUpdate(productId: $productId, variants: $variants, allowPartialUpdates: true) {
      productVariants {
        id
        price
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`;

/** The operation names of our price runs: `CalibrBulkVariantsUpdate_<run key>`. */
export const BULK_PRICE_RUN_NAME = 'CalibrBulkVariantsUpdate';

/** The run's mutation, its operation name carrying the run key (letters, digits and `_` only). */
export function bulkVariantsUpdateMutation(runKey: string): string {
  if (!/^\w+$/.test(runKey)) throw new Error(`not a run key: ${runKey}`);
  return BULK_VARIANTS_UPDATE_MUTATION.replace(`mutation ${BULK_PRICE_RUN_NAME}(`, `mutation ${BULK_PRICE_RUN_NAME}_${runKey}(`);
}

export const STAGED_UPLOADS_CREATE_MUTATION = `#graphql
  mutation CalibrStagedUploadsCreate($input: [StagedUploadInput!]!) {
    stagedUploadsCreate(input: $input) {
      stagedTargets {
        url
        resourceUrl
        parameters {
          name
          value
        }
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export const BULK_OPERATION_RUN_MUTATION = `#graphql
  mutation CalibrBulkOperationRunMutation($mutation: String!, $stagedUploadPath: String!, $clientIdentifier: String) {
    bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $stagedUploadPath, clientIdentifier: $clientIdentifier) {
      bulkOperation {
        id
        status
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`;

export const BULK_OPERATION_RUN_QUERY = `#graphql
  mutation CalibrBulkOperationRunQuery($query: String!) {
    bulkOperationRunQuery(query: $query) {
      bulkOperation {
        id
        status
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`;

// What a status poll and the price-run check both read of a bulk operation.
const BULK_OPERATION_FIELDS = `#graphql
  fragment CalibrBulkOperation on BulkOperation {
    id
    status
    errorCode
    objectCount
    rootObjectCount
    url
    partialDataUrl
    completedAt
    query
  }
`;

/** A status poll: one bulk operation by id (2026-01; currentBulkOperation names only the newest). */
export const BULK_OPERATION_STATUS_QUERY = `#graphql
  query CalibrBulkOperationStatus($id: ID!) {
    bulkOperation(id: $id) {
      ...CalibrBulkOperation
    }
  }
  ${BULK_OPERATION_FIELDS}
`;

/**
 * Our runs among the shop's bulk mutations since a moment (newest first), to find the one whose answer was
 * lost by the key in its document; not a status poll, so a fault aimed at those spares it.
 */
export const FIND_PRICE_RUN_QUERY = `#graphql
  query CalibrFindPriceRun($query: String!, $after: String) {
    bulkOperations(first: 50, after: $after, query: $query, sortKey: CREATED_AT) {
      nodes {
        ...CalibrBulkOperation
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${BULK_OPERATION_FIELDS}
`;

/**
 * The query a bulk export runs (products and their variants, flattened to JSONL with `__parentId`).
 * Bulk queries take no variables: the `updated_at` filter is written into the query string.
 */
export function bulkProductsQuery(search: string | undefined): string {
  const args = search ? `(query: ${JSON.stringify(search)})` : '';
  return `#graphql
  {
    products${args} {
      edges {
        node {
          id
          title
          handle
          status
          vendor
          productType
          updatedAt
          variants {
            edges {
              node {
                id
                sku
                title
                price
                compareAtPrice
                updatedAt
              }
            }
          }
        }
      }
    }
  }
`;
}

/** Every document, by name, for the schema-validation test. */
export const ALL_DOCUMENTS: Readonly<Record<string, string>> = {
  SHOP_QUERY,
  ACCESS_SCOPES_QUERY,
  PRODUCTS_PAGE_QUERY,
  PRODUCT_VARIANTS_PAGE_QUERY,
  PRODUCT_QUERY,
  VARIANTS_BY_ID_QUERY,
  VARIANTS_BULK_UPDATE_MUTATION,
  BULK_VARIANTS_UPDATE_MUTATION,
  STAGED_UPLOADS_CREATE_MUTATION,
  BULK_OPERATION_RUN_MUTATION,
  BULK_OPERATION_RUN_QUERY,
  BULK_OPERATION_STATUS_QUERY,
  FIND_PRICE_RUN_QUERY,
  BULK_PRICE_RUN_EXAMPLE: bulkVariantsUpdateMutation('r0123456789abcdef'),
  BULK_PRODUCTS_QUERY_EXAMPLE: bulkProductsQuery('updated_at:>\'2025-01-01T00:00:00Z\''),
};
