// The naive client the bench compares against: one productVariantsBulkUpdate per variant, sent through
// Shopify's @shopify/admin-api-client with its default retry (none: it retries only HTTP 429/503 when
// asked, and THROTTLED comes back as HTTP 200), and a THROTTLED reply simply retried after the
// library's default retry wait (1 s of platform time). As many requests in flight as our scheduler allows.
import { createAdminApiClient } from '@shopify/admin-api-client';
import { VARIANTS_BULK_UPDATE_MUTATION } from '../../shopify-app/app/platforms/shopify/connector/documents';

export interface NaiveResult {
  applied: number;
  requests: number;
  throttled: number;
  failed: number;
}

const LIBRARY_RETRY_WAIT_MS = 1000;

export async function naivePush(options: {
  shop: string;
  accessToken: string;
  apiVersion: string;
  changes: ReadonlyArray<{ productId: string; variantId: string; price: string }>;
  concurrency: number;
  timeScale: number;
}): Promise<NaiveResult> {
  const client = createAdminApiClient({ storeDomain: options.shop, apiVersion: options.apiVersion, accessToken: options.accessToken });
  const result: NaiveResult = { applied: 0, requests: 0, throttled: 0, failed: 0 };
  let next = 0;
  const worker = async () => {
    while (next < options.changes.length) {
      const change = options.changes[next++]!;
      for (;;) {
        result.requests++;
        const response = await client.request(VARIANTS_BULK_UPDATE_MUTATION, {
          variables: { productId: change.productId, variants: [{ id: change.variantId, price: change.price }] },
        });
        if (response.errors?.graphQLErrors?.some((e) => e.extensions?.code === 'THROTTLED')) {
          result.throttled++;
          await new Promise((r) => setTimeout(r, LIBRARY_RETRY_WAIT_MS / options.timeScale));
          continue;
        }
        const payload = (response.data as { productVariantsBulkUpdate?: { userErrors: unknown[] } } | undefined)?.productVariantsBulkUpdate;
        if (payload && payload.userErrors.length === 0) result.applied++;
        else result.failed++;
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return result;
}
