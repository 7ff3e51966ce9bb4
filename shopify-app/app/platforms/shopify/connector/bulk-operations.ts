// Bulk operations: very large price pushes as one `bulkOperationRunMutation` over a staged JSONL file
// of `productVariantsBulkUpdate` variables, and large catalog exports as one `bulkOperationRunQuery`.
// Shopify runs one bulk operation of each type per shop at a time, so each shop's are serialised.
import { PlatformUnavailableError, toMinorUnits, type PriceUpdateResult } from '@calibr/shared-contracts';
import { shopifyMoney } from './normalize';
import {
  BULK_OPERATION_RUN_MUTATION,
  BULK_OPERATION_RUN_QUERY,
  BULK_VARIANTS_UPDATE_MUTATION,
  CURRENT_BULK_OPERATION_QUERY,
  CURRENT_PRICE_RUN_QUERY,
  STAGED_UPLOADS_CREATE_MUTATION,
} from './documents';
import { AnswerLostError, type ShopifyGraphqlClient } from './graphql-client';
import { failed, failureFromError, interpretPayload, MAX_VARIANTS_PER_CALL, variantInput, type PreparedChange, type VariantsBulkUpdatePayload } from './variant-price-payload';

export interface BulkOperationStatus {
  id: string;
  status: 'CREATED' | 'RUNNING' | 'COMPLETED' | 'CANCELING' | 'CANCELED' | 'FAILED' | 'EXPIRED';
  errorCode: string | null;
  objectCount: string;
  rootObjectCount: string;
  url: string | null;
  partialDataUrl: string | null;
  completedAt?: string | null;
  /** The query, or for a mutation the mutation document, the operation runs. */
  query?: string;
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

/**
 * Upload a JSONL file to a staged target; returns the `stagedUploadPath` Shopify wants, and why the upload's
 * answer was lost when it was (the file may or may not be there).
 */
export async function stageJsonl(
  client: ShopifyGraphqlClient,
  filename: string,
  jsonl: string,
): Promise<{ stagedUploadPath: string; uploadAnswerLost?: string }> {
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
  const key = target.parameters.find((p) => p.name === 'key')?.value;
  if (!key) throw new PlatformUnavailableError('staged upload target has no key parameter', { platform: 'shopify' });
  let upload: Response;
  try {
    upload = await fetch(target.url, { method: 'POST', body: form });
  } catch (error) {
    // No answer: the file may be stored all the same. bulkOperationRunMutation says which (NO_SUCH_FILE).
    return { stagedUploadPath: key, uploadAnswerLost: error instanceof Error ? error.message : String(error) };
  }
  if (!upload.ok) {
    throw new PlatformUnavailableError(`staged upload failed: HTTP ${upload.status}`, { platform: 'shopify' });
  }
  return { stagedUploadPath: key };
}

/** The statuses of a bulk operation that has not finished. */
const RUNNING = ['CREATED', 'RUNNING', 'CANCELING'];

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
    let op: BulkOperationStatus | null;
    try {
      op = await currentBulkOperation(client, type);
    } catch (error) {
      // The operation runs on Shopify whether or not a poll is answered: keep asking until the deadline.
      if (!isTransient(error) || Date.now() > deadline) throw error;
      await sleep(pollIntervalMs);
      continue;
    }
    if (op && op.id === id && !RUNNING.includes(op.status)) return op;
    if (op && op.id !== id) {
      throw new PlatformUnavailableError(`bulk operation ${id} was replaced by ${op.id}`, { platform: 'shopify' });
    }
    if (Date.now() > deadline) throw new PlatformUnavailableError(`bulk operation ${id} did not finish in time`, { platform: 'shopify' });
    await sleep(pollIntervalMs);
  }
}

/** The shop's newest bulk operation of this type (running or finished), for this app. */
async function currentBulkOperation(client: ShopifyGraphqlClient, type: 'MUTATION' | 'QUERY'): Promise<BulkOperationStatus | null> {
  const { data } = await client.request<{ currentBulkOperation: BulkOperationStatus | null }>(CURRENT_BULK_OPERATION_QUERY, {
    variables: { type },
  });
  return data.currentBulkOperation;
}

/** The shop's newest bulk mutation, asked apart from the status polls (so a fault aimed at those spares it). */
async function currentPriceRun(client: ShopifyGraphqlClient): Promise<BulkOperationStatus | null> {
  const { data } = await client.request<{ currentBulkOperation: BulkOperationStatus | null }>(CURRENT_PRICE_RUN_QUERY);
  return data.currentBulkOperation;
}

/** Our price mutation, known by its operation name in the document Shopify runs. */
const isOurPriceRun = (op: BulkOperationStatus): boolean => !!op.query && /\bCalibrBulkVariantsUpdate\b/.test(op.query);

function isTransient(error: unknown): boolean {
  return error instanceof PlatformUnavailableError || (error instanceof Error && 'code' in error && error.code === 'rate_limited');
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
 *
 * Answers can be lost after Shopify acted (the connection dropped). Shopify runs one bulk mutation per shop
 * and app at a time, and `currentBulkOperation(type: MUTATION)` names it, so nothing is run twice:
 * - a price run of ours still running when we start (an earlier send whose answer was lost) is waited for
 *   and its results read; only what it did not apply goes into a new run;
 * - a lost `bulkOperationRunMutation` answer: the current operation tells whether Shopify started ours
 *   (then it is followed as if answered) or not (the prices go again later);
 * - a lost `stagedUploadsCreate` answer runs nothing (the prices go again later); a lost upload answer
 *   goes on, and Shopify's NO_SUCH_FILE says the file never arrived;
 * - lost status polls are asked again until the operation is done.
 */
export async function runBulkVariantPriceUpdate(
  client: ShopifyGraphqlClient,
  prepared: readonly PreparedChange[],
  options: { pollIntervalMs: number; currency: string },
): Promise<Map<number, PriceUpdateResult>> {
  const outcomes = new Map<number, PriceUpdateResult>();
  try {
    await exclusive(`${client.shop}:MUTATION`, async () => {
      const current = await currentPriceRun(client);
      let remaining = prepared;
      if (current && RUNNING.includes(current.status)) {
        if (!isOurPriceRun(current)) {
          throw new PlatformUnavailableError(`Shopify is running another bulk mutation (${current.id}) for this shop; the prices go after it`, {
            platform: 'shopify',
          });
        }
        const done = await waitForBulkOperation(client, current.id, 'MUTATION', options.pollIntervalMs);
        for (const [index, result] of await appliedByVariant(done, remaining, options.currency)) outcomes.set(index, result);
        remaining = remaining.filter((c) => !outcomes.has(c.index));
        if (remaining.length === 0) return;
      }

      const lines = productLines(remaining);
      const jsonl = lines
        .map((line) => JSON.stringify({ productId: line[0]!.productId, variants: line.map((c) => variantInput(c.update)) }))
        .join('\n');
      let staged: Awaited<ReturnType<typeof stageJsonl>>;
      try {
        staged = await stageJsonl(client, 'calibr-variant-prices.jsonl', `${jsonl}\n`);
      } catch (error) {
        if (error instanceof AnswerLostError) {
          throw new PlatformUnavailableError("Shopify's answer to stagedUploadsCreate was lost; no bulk operation was run, the prices go again", {
            platform: 'shopify',
          });
        }
        throw error;
      }
      let operationId: string;
      try {
        const { data } = await client.request<{
          bulkOperationRunMutation: {
            bulkOperation: { id: string; status: string } | null;
            userErrors: Array<{ code: string | null; message: string }>;
          };
        }>(BULK_OPERATION_RUN_MUTATION, {
          variables: { mutation: BULK_VARIANTS_UPDATE_MUTATION, stagedUploadPath: staged.stagedUploadPath, clientIdentifier: 'calibr-prices' },
        });
        const started = data.bulkOperationRunMutation;
        if (!started.bulkOperation) {
          if (staged.uploadAnswerLost && started.userErrors.some((e) => e.code === 'NO_SUCH_FILE')) {
            throw new PlatformUnavailableError(
              `the JSONL upload got no answer (${staged.uploadAnswerLost}) and Shopify has no file; no bulk operation was run, the prices go again`,
              { platform: 'shopify' },
            );
          }
          throw new PlatformUnavailableError(
            `bulkOperationRunMutation refused: ${started.userErrors.map((e) => e.message).join('; ')}`,
            { platform: 'shopify' },
          );
        }
        operationId = started.bulkOperation.id;
      } catch (error) {
        if (!(error instanceof AnswerLostError)) throw error;
        // Shopify may have started it: a new price run of ours as the current mutation operation is ours.
        const now = await currentPriceRun(client).catch((lookup: unknown) => {
          throw new PlatformUnavailableError(
            `Shopify's answer to bulkOperationRunMutation was lost and its current bulk operation could not be read (${lookup instanceof Error ? lookup.message : String(lookup)}); a run of ours still going is waited for before anything is sent again`,
            { platform: 'shopify' },
          );
        });
        if (!now || !isOurPriceRun(now) || now.id === current?.id) {
          throw new PlatformUnavailableError("Shopify's answer to bulkOperationRunMutation was lost and no bulk operation of ours started; the prices go again", {
            platform: 'shopify',
          });
        }
        operationId = now.id;
      }
      const done = await waitForBulkOperation(client, operationId, 'MUTATION', options.pollIntervalMs);
      const reference = { kind: 'bulk_operation', id: done.id };
      for (const row of await resultRows(done)) {
        const line = typeof row.__lineNumber === 'number' ? lines[row.__lineNumber] : undefined;
        const payload = row.data?.productVariantsBulkUpdate;
        if (!line || !payload) continue;
        for (const [index, result] of interpretPayload(payload, line, options.currency)) {
          outcomes.set(index, result.status === 'applied' ? { ...result, platformReference: reference } : result);
        }
      }
      for (const change of remaining) {
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

/** One line per product call: a product's changes in runs of at most 250 variants. */
function productLines(prepared: readonly PreparedChange[]): PreparedChange[][] {
  const lines: PreparedChange[][] = [];
  const byProduct = new Map<string, PreparedChange[]>();
  for (const change of prepared) byProduct.set(change.productId, [...(byProduct.get(change.productId) ?? []), change]);
  for (const group of byProduct.values()) {
    for (let i = 0; i < group.length; i += MAX_VARIANTS_PER_CALL) lines.push(group.slice(i, i + MAX_VARIANTS_PER_CALL));
  }
  return lines;
}

type ResultRow = { __lineNumber?: number; data?: { productVariantsBulkUpdate?: VariantsBulkUpdatePayload } };

async function resultRows(done: BulkOperationStatus): Promise<ResultRow[]> {
  const url = done.url ?? done.partialDataUrl;
  return url ? ((await downloadJsonl(url)) as ResultRow[]) : [];
}

/**
 * Changes an earlier run (whose lines we no longer hold) applied: the variant is in its results at our
 * price. The others were not applied by it and may be sent.
 */
async function appliedByVariant(done: BulkOperationStatus, changes: readonly PreparedChange[], currency: string): Promise<Map<number, PriceUpdateResult>> {
  const prices = new Map<string, string>();
  for (const row of await resultRows(done)) {
    for (const variant of row.data?.productVariantsBulkUpdate?.productVariants ?? []) prices.set(variant.id, variant.price);
  }
  const applied = new Map<number, PriceUpdateResult>();
  const appliedAt = new Date().toISOString();
  for (const change of changes) {
    const price = prices.get(change.update.externalId);
    if (price === undefined) continue;
    const money = shopifyMoney(price, currency);
    if (toMinorUnits(money) !== toMinorUnits(change.update.price)) continue;
    applied.set(change.index, {
      status: 'applied',
      idempotencyKey: change.update.idempotencyKey,
      externalId: change.update.externalId,
      price: money,
      previousPrice: change.previousPrice,
      appliedAt: done.completedAt ?? appliedAt,
      platformReference: { kind: 'bulk_operation', id: done.id },
    });
  }
  return applied;
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
