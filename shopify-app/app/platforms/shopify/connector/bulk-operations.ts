// Bulk operations: very large price pushes as one `bulkOperationRunMutation` over a staged JSONL file
// of `productVariantsBulkUpdate` variables, and large catalog exports as one `bulkOperationRunQuery`.
// Since API 2026-01 Shopify runs up to five of each type at once per shop, so runs are told apart by id
// (`bulkOperation(id)`), and a price run whose answer was lost by the key of ours its document carries
// (`bulkOperations`); the runs we start are recorded (BulkRunStore) so every instance knows them.
import { randomBytes } from 'node:crypto';
import { PlatformUnavailableError, toMinorUnits, type PriceUpdateResult } from '@calibr/shared-contracts';
import type { BulkRunRecord, BulkRunStore } from './bulk-runs';
import { shopifyMoney } from './normalize';
import {
  BULK_OPERATION_RUN_MUTATION,
  BULK_OPERATION_RUN_QUERY,
  BULK_OPERATION_STATUS_QUERY,
  BULK_PRICE_RUN_NAME,
  bulkVariantsUpdateMutation,
  FIND_PRICE_RUN_QUERY,
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

/** Poll `bulkOperation(id)` until the operation finishes. */
export async function waitForBulkOperation(
  client: ShopifyGraphqlClient,
  id: string,
  pollIntervalMs: number,
  timeoutMs = 30 * 60_000,
): Promise<BulkOperationStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let op: BulkOperationStatus | null;
    try {
      ({ data: { bulkOperation: op } } = await client.request<{ bulkOperation: BulkOperationStatus | null }>(BULK_OPERATION_STATUS_QUERY, { variables: { id } }));
    } catch (error) {
      // The operation runs on Shopify whether or not a poll is answered: keep asking until the deadline.
      if (!isTransient(error) || Date.now() > deadline) throw error;
      await sleep(pollIntervalMs);
      continue;
    }
    if (!op) throw new PlatformUnavailableError(`Shopify knows no bulk operation ${id} of this app`, { platform: 'shopify' });
    if (!RUNNING.includes(op.status)) return op;
    if (Date.now() > deadline) throw new PlatformUnavailableError(`bulk operation ${id} did not finish in time`, { platform: 'shopify' });
    await sleep(pollIntervalMs);
  }
}

type BulkOperationPage = { bulkOperations: { nodes: BulkOperationStatus[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

/** The key our run's document carries in its operation name (`CalibrBulkVariantsUpdate_<key>(`). */
const carriesRunKey = (op: BulkOperationStatus, runKey: string): boolean => !!op.query && op.query.includes(`${BULK_PRICE_RUN_NAME}_${runKey}(`);

/**
 * The bulk mutation carrying our run key among the shop's since `since` (Shopify's clock may differ from
 * ours: a minute of slack), or null when Shopify never started it.
 */
async function findPriceRun(client: ShopifyGraphqlClient, runKey: string, since: Date): Promise<BulkOperationStatus | null> {
  const query = `operation_type:mutation created_at:>=${new Date(since.getTime() - 60_000).toISOString()}`;
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    const { data }: { data: BulkOperationPage } = await client.request<BulkOperationPage>(FIND_PRICE_RUN_QUERY, { variables: { query, after } });
    const found = data.bulkOperations.nodes.find((op) => carriesRunKey(op, runKey));
    if (found) return found;
    if (!data.bulkOperations.pageInfo.hasNextPage) return null;
    after = data.bulkOperations.pageInfo.endCursor;
  }
  return null;
}

/** A new run key: letters and digits only (it goes into a GraphQL operation name). */
const newRunKey = (): string => `r${randomBytes(8).toString('hex')}`;

/** How long a run asked for but never seen at Shopify may still be on its way (its request not yet answered). */
const STARTING_GRACE_MS = 2 * 60_000;

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

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
 * Answers can be lost after Shopify acted (the connection dropped), and Shopify runs up to five bulk
 * mutations per shop at once (ours from other instances, or another app's), so a run is known only by
 * its id or by the key of ours its document carries, and every run is recorded in `runs` before it is
 * asked for. Nothing is run twice:
 * - a run of ours (from any instance, or before a restart) not yet settled that prices any of these
 *   variants is found at Shopify (by id, or by its key) and waited for, and its results read; only what it
 *   did not apply goes into a new run. One we cannot read yet stops the send (retryable);
 * - a lost `bulkOperationRunMutation` answer: Shopify's bulk mutations are searched for our run's key;
 *   found, it is followed as if answered; not found, nothing ran and the prices go again later;
 * - the sixth run at once is refused by Shopify (OPERATION_IN_PROGRESS): the prices go again later;
 * - a lost `stagedUploadsCreate` answer runs nothing (the prices go again later); a lost upload answer
 *   goes on, and Shopify's NO_SUCH_FILE says the file never arrived;
 * - lost status polls are asked again until the operation is done.
 */
export async function runBulkVariantPriceUpdate(
  client: ShopifyGraphqlClient,
  prepared: readonly PreparedChange[],
  options: { pollIntervalMs: number; currency: string; runs: BulkRunStore },
): Promise<Map<number, PriceUpdateResult>> {
  const { runs } = options;
  const outcomes = new Map<number, PriceUpdateResult>();
  try {
    let remaining = prepared;
    // 1. Our unsettled runs pricing any of these variants (this change sent before under another key, or an
    // older change of the same variant, which must not land after ours): waited for, their results first.
    const variants = new Set(prepared.map((c) => c.update.externalId));
    for (const run of await runs.open(client.shop)) {
      if (!run.variantIds.some((id) => variants.has(id))) continue;
      const done = await followRecordedRun(client, run, options.pollIntervalMs, runs);
      if (!done) continue;
      for (const [index, result] of await appliedByVariant(done, remaining, options.currency)) outcomes.set(index, result);
      await runs.settle(run.runKey, 'settled');
      remaining = remaining.filter((c) => !outcomes.has(c.index));
      if (remaining.length === 0) return outcomes;
    }

    // 2. A run of our own for the rest.
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
    const runKey = newRunKey();
    const askedAt = new Date();
    await runs.begin(client.shop, { runKey, variantIds: [...new Set(remaining.map((c) => c.update.externalId))], stagedUploadPath: staged.stagedUploadPath });
    let operationId: string;
    try {
      const { data } = await client.request<{
        bulkOperationRunMutation: {
          bulkOperation: { id: string; status: string } | null;
          userErrors: Array<{ code: string | null; message: string }>;
        };
      }>(BULK_OPERATION_RUN_MUTATION, {
        variables: { mutation: bulkVariantsUpdateMutation(runKey), stagedUploadPath: staged.stagedUploadPath, clientIdentifier: `calibr-prices-${runKey}` },
      });
      const started = data.bulkOperationRunMutation;
      if (!started.bulkOperation) {
        await runs.settle(runKey, 'not_started');
        if (staged.uploadAnswerLost && started.userErrors.some((e) => e.code === 'NO_SUCH_FILE')) {
          throw new PlatformUnavailableError(
            `the JSONL upload got no answer (${staged.uploadAnswerLost}) and Shopify has no file; no bulk operation was run, the prices go again`,
            { platform: 'shopify' },
          );
        }
        if (started.userErrors.some((e) => e.code === 'OPERATION_IN_PROGRESS')) {
          throw new PlatformUnavailableError(`Shopify is running as many bulk mutations for this shop as it allows; the prices go after them (${started.userErrors.map((e) => e.message).join('; ')})`, {
            platform: 'shopify',
          });
        }
        throw new PlatformUnavailableError(`bulkOperationRunMutation refused: ${started.userErrors.map((e) => e.message).join('; ')}`, { platform: 'shopify' });
      }
      operationId = started.bulkOperation.id;
    } catch (error) {
      if (!(error instanceof AnswerLostError)) throw error;
      // Shopify may have started it: ours is the one whose document carries our key.
      const found = await findPriceRun(client, runKey, askedAt).catch((lookup: unknown) => {
        throw new PlatformUnavailableError(
          `Shopify's answer to bulkOperationRunMutation was lost and Shopify's bulk operations could not be read (${describe(lookup)}); a run of ours still going is waited for before anything is sent again`,
          { platform: 'shopify' },
        );
      });
      if (!found) {
        await runs.settle(runKey, 'not_started');
        throw new PlatformUnavailableError("Shopify's answer to bulkOperationRunMutation was lost and no bulk operation of ours started; the prices go again", {
          platform: 'shopify',
        });
      }
      operationId = found.id;
    }
    await runs.started(runKey, operationId);
    const done = await waitForBulkOperation(client, operationId, options.pollIntervalMs);
    const reference = { kind: 'bulk_operation', id: done.id };
    for (const row of await resultRows(done)) {
      const line = typeof row.__lineNumber === 'number' ? lines[row.__lineNumber] : undefined;
      const payload = row.data?.productVariantsBulkUpdate;
      if (!line || !payload) continue;
      for (const [index, result] of interpretPayload(payload, line, options.currency)) {
        outcomes.set(index, result.status === 'applied' ? { ...result, platformReference: reference } : result);
      }
    }
    await runs.settle(runKey, 'settled');
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
  } catch (error) {
    for (const change of prepared) if (!outcomes.has(change.index)) outcomes.set(change.index, failureFromError(change.update, error));
  }
  return outcomes;
}

/**
 * A recorded run of ours, followed to its end: by its id, or (its answer lost) by its key among Shopify's
 * bulk mutations. Null when Shopify never started it (then recorded so). Throws (retryable) while it
 * cannot be told whether the run exists, or it may still be on its way.
 */
async function followRecordedRun(client: ShopifyGraphqlClient, run: BulkRunRecord, pollIntervalMs: number, runs: BulkRunStore): Promise<BulkOperationStatus | null> {
  let operationId = run.operationId;
  if (!operationId) {
    const found = await findPriceRun(client, run.runKey, run.createdAt).catch((lookup: unknown) => {
      throw new PlatformUnavailableError(
        `a bulk price run of ours (${run.runKey}) may still be going and Shopify's bulk operations could not be read (${describe(lookup)}); nothing is sent again until it can be`,
        { platform: 'shopify' },
      );
    });
    if (!found) {
      if (Date.now() - run.createdAt.getTime() < STARTING_GRACE_MS) {
        throw new PlatformUnavailableError(`a bulk price run of ours (${run.runKey}) for these prices is being started; the prices go after it`, { platform: 'shopify' });
      }
      await runs.settle(run.runKey, 'not_started');
      return null;
    }
    operationId = found.id;
    await runs.started(run.runKey, operationId);
  }
  return waitForBulkOperation(client, operationId, pollIntervalMs);
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
  const { data } = await client.request<{
    bulkOperationRunQuery: { bulkOperation: { id: string } | null; userErrors: Array<{ message: string }> };
  }>(BULK_OPERATION_RUN_QUERY, { variables: { query } });
  const started = data.bulkOperationRunQuery;
  if (!started.bulkOperation) {
    throw new PlatformUnavailableError(`bulkOperationRunQuery refused: ${started.userErrors.map((e) => e.message).join('; ')}`, {
      platform: 'shopify',
    });
  }
  const done = await waitForBulkOperation(client, started.bulkOperation.id, pollIntervalMs);
  if (done.status !== 'COMPLETED') {
    throw new PlatformUnavailableError(`bulk export ${done.id} ended ${done.status} (${done.errorCode ?? 'no code'})`, { platform: 'shopify' });
  }
  return done.url ? downloadJsonl(done.url) : [];
}
