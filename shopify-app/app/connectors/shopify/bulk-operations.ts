// Bulk operations: very large price pushes as one `bulkOperationRunMutation` over a staged JSONL file
// of `productVariantsBulkUpdate` variables, and large catalog exports as one `bulkOperationRunQuery`.
// Shopify runs one bulk operation of each type per shop at a time, so each shop's are serialised.
import { PlatformUnavailableError, type PriceUpdateResult } from '@calibr/shared-contracts';
import {
  BULK_OPERATION_RUN_MUTATION,
  BULK_OPERATION_RUN_QUERY,
  BULK_VARIANTS_UPDATE_MUTATION,
  CURRENT_BULK_OPERATION_QUERY,
  STAGED_UPLOADS_CREATE_MUTATION,
} from './documents';
import type { ShopifyGraphqlClient } from './graphql-client';
import { failed, failureFromError, interpretPayload, MAX_VARIANTS_PER_CALL, variantInput, type PreparedChange, type VariantsBulkUpdatePayload } from './variant-price-payload';

export interface BulkOperationStatus {
  id: string;
  status: 'CREATED' | 'RUNNING' | 'COMPLETED' | 'CANCELING' | 'CANCELED' | 'FAILED' | 'EXPIRED';
  errorCode: string | null;
  objectCount: string;
  rootObjectCount: string;
  url: string | null;
  partialDataUrl: string | null;
}

const locks = new Map<string, Promise<unknown>>();

/** Run `task` after any earlier bulk operation of the same shop and type has finished. */
async function exclusive<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(task);
  locks.set(key, run);
  try {
    return await run;
  } finally {
    if (locks.get(key) === run) locks.delete(key);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Upload a JSONL file to a staged target; returns the `stagedUploadPath` Shopify wants. */
export async function stageJsonl(client: ShopifyGraphqlClient, filename: string, jsonl: string): Promise<string> {
  const { data } = await client.request<{
    stagedUploadsCreate: {
      stagedTargets: Array<{ url: string | null; resourceUrl: string | null; parameters: Array<{ name: string; value: string }> }> | null;
      userErrors: Array<{ field: string[] | null; message: string }>;
    };
  }>(STAGED_UPLOADS_CREATE_MUTATION, {
    variables: { input: [{ resource: 'BULK_MUTATION_VARIABLES', filename, mimeType: 'text/jsonl', httpMethod: 'POST' }] },
  });
  const payload = data.stagedUploadsCreate;
  const target = payload.stagedTargets?.[0];
  if (payload.userErrors.length > 0 || !target?.url) {
    throw new PlatformUnavailableError(`stagedUploadsCreate failed: ${payload.userErrors.map((e) => e.message).join('; ') || 'no target'}`, {
      platform: 'shopify',
    });
  }
  const form = new FormData();
  for (const { name, value } of target.parameters) form.append(name, value);
  form.append('file', new Blob([jsonl], { type: 'text/jsonl' }), filename);
  const upload = await fetch(target.url, { method: 'POST', body: form });
  if (!upload.ok) {
    throw new PlatformUnavailableError(`staged upload failed: HTTP ${upload.status}`, { platform: 'shopify' });
  }
  const key = target.parameters.find((p) => p.name === 'key')?.value;
  if (!key) throw new PlatformUnavailableError('staged upload target has no key parameter', { platform: 'shopify' });
  return key;
}

/** Poll `currentBulkOperation` until the operation `id` finishes. */
export async function waitForBulkOperation(
  client: ShopifyGraphqlClient,
  id: string,
  type: 'MUTATION' | 'QUERY',
  pollIntervalMs: number,
  timeoutMs = 30 * 60_000,
): Promise<BulkOperationStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { data } = await client.request<{ currentBulkOperation: BulkOperationStatus | null }>(CURRENT_BULK_OPERATION_QUERY, {
      variables: { type },
    });
    const op = data.currentBulkOperation;
    if (op && op.id === id && !['CREATED', 'RUNNING', 'CANCELING'].includes(op.status)) return op;
    if (op && op.id !== id) {
      throw new PlatformUnavailableError(`bulk operation ${id} was replaced by ${op.id}`, { platform: 'shopify' });
    }
    if (Date.now() > deadline) throw new PlatformUnavailableError(`bulk operation ${id} did not finish in time`, { platform: 'shopify' });
    await sleep(pollIntervalMs);
  }
}

async function downloadJsonl(url: string): Promise<unknown[]> {
  const response = await fetch(url);
  if (!response.ok) throw new PlatformUnavailableError(`bulk result download failed: HTTP ${response.status}`, { platform: 'shopify' });
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

/**
 * Push prepared price changes as one bulk mutation: one JSONL line per product call (≤250 variants),
 * results matched back by `__lineNumber`. Lines with no result fail (retryable).
 */
export async function runBulkVariantPriceUpdate(
  client: ShopifyGraphqlClient,
  prepared: readonly PreparedChange[],
  options: { pollIntervalMs: number; currency: string },
): Promise<Map<number, PriceUpdateResult>> {
  const outcomes = new Map<number, PriceUpdateResult>();
  const lines: PreparedChange[][] = [];
  const byProduct = new Map<string, PreparedChange[]>();
  for (const change of prepared) byProduct.set(change.productId, [...(byProduct.get(change.productId) ?? []), change]);
  for (const group of byProduct.values()) {
    for (let i = 0; i < group.length; i += MAX_VARIANTS_PER_CALL) lines.push(group.slice(i, i + MAX_VARIANTS_PER_CALL));
  }
  try {
    await exclusive(`${client.shop}:MUTATION`, async () => {
      const jsonl = lines
        .map((line) => JSON.stringify({ productId: line[0]!.productId, variants: line.map((c) => variantInput(c.update)) }))
        .join('\n');
      const stagedUploadPath = await stageJsonl(client, 'calibr-variant-prices.jsonl', `${jsonl}\n`);
      const { data } = await client.request<{
        bulkOperationRunMutation: {
          bulkOperation: { id: string; status: string } | null;
          userErrors: Array<{ code: string | null; message: string }>;
        };
      }>(BULK_OPERATION_RUN_MUTATION, {
        variables: { mutation: BULK_VARIANTS_UPDATE_MUTATION, stagedUploadPath, clientIdentifier: 'calibr-prices' },
      });
      const started = data.bulkOperationRunMutation;
      if (!started.bulkOperation) {
        throw new PlatformUnavailableError(
          `bulkOperationRunMutation refused: ${started.userErrors.map((e) => e.message).join('; ')}`,
          { platform: 'shopify' },
        );
      }
      const done = await waitForBulkOperation(client, started.bulkOperation.id, 'MUTATION', options.pollIntervalMs);
      const reference = { kind: 'bulk_operation', id: done.id };
      const rows = done.url ? await downloadJsonl(done.url) : done.partialDataUrl ? await downloadJsonl(done.partialDataUrl) : [];
      for (const row of rows as Array<{ __lineNumber?: number; data?: { productVariantsBulkUpdate?: VariantsBulkUpdatePayload } }>) {
        const line = typeof row.__lineNumber === 'number' ? lines[row.__lineNumber] : undefined;
        const payload = row.data?.productVariantsBulkUpdate;
        if (!line || !payload) continue;
        for (const [index, result] of interpretPayload(payload, line, options.currency)) {
          outcomes.set(index, result.status === 'applied' ? { ...result, platformReference: reference } : result);
        }
      }
      for (const change of prepared) {
        if (!outcomes.has(change.index)) {
          outcomes.set(
            change.index,
            failed(change.update, 'platform_unavailable', `bulk operation ${done.id} ended ${done.status} without a result for this variant`, {
              ...(done.errorCode ? { platformError: { code: done.errorCode, message: done.status } } : {}),
            }),
          );
        }
      }
    });
  } catch (error) {
    for (const change of prepared) if (!outcomes.has(change.index)) outcomes.set(change.index, failureFromError(change.update, error));
  }
  return outcomes;
}

/** Export every product (and its variants) matching `query` as JSONL rows through a bulk query. */
export async function runBulkProductExport(
  client: ShopifyGraphqlClient,
  query: string,
  pollIntervalMs: number,
): Promise<unknown[]> {
  return exclusive(`${client.shop}:QUERY`, async () => {
    const { data } = await client.request<{
      bulkOperationRunQuery: { bulkOperation: { id: string } | null; userErrors: Array<{ message: string }> };
    }>(BULK_OPERATION_RUN_QUERY, { variables: { query } });
    const started = data.bulkOperationRunQuery;
    if (!started.bulkOperation) {
      throw new PlatformUnavailableError(`bulkOperationRunQuery refused: ${started.userErrors.map((e) => e.message).join('; ')}`, {
        platform: 'shopify',
      });
    }
    const done = await waitForBulkOperation(client, started.bulkOperation.id, 'QUERY', pollIntervalMs);
    if (done.status !== 'COMPLETED') {
      throw new PlatformUnavailableError(`bulk export ${done.id} ended ${done.status} (${done.errorCode ?? 'no code'})`, { platform: 'shopify' });
    }
    return done.url ? downloadJsonl(done.url) : [];
  });
}
