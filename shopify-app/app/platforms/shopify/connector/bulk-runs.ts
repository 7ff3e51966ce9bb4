// The bulk price runs this app started on a shop, by our own key. Shopify runs up to five bulk mutations at
// once per shop (API 2026-01 on), so "the current one" says nothing about which is ours: each run carries a
// key of ours (in its mutation's operation name, which BulkOperation.query shows, and its clientIdentifier)
// and is recorded before it is asked for, so another instance, or this one after a restart, finds a run
// whose answer was lost and reads its results instead of running the same prices again.
export type BulkRunStatus = 'starting' | 'started' | 'settled' | 'not_started';

export interface BulkRunRecord {
  runKey: string;
  /** The variants the run prices (a retry of a change comes under a new idempotency key, never a new variant). */
  variantIds: string[];
  stagedUploadPath: string;
  /** Shopify's BulkOperation GID, once known. */
  operationId: string | null;
  status: BulkRunStatus;
  createdAt: Date;
}

export interface BulkRunStore {
  /** The shop's runs not yet settled (starting or started), oldest first. */
  open(shop: string): Promise<BulkRunRecord[]>;
  /** Recorded before bulkOperationRunMutation is asked for. */
  begin(shop: string, run: Pick<BulkRunRecord, 'runKey' | 'variantIds' | 'stagedUploadPath'>): Promise<void>;
  started(runKey: string, operationId: string): Promise<void>;
  settle(runKey: string, status: 'settled' | 'not_started'): Promise<void>;
}

/** In-process store: enough for one connector instance (tests, benches); the app keeps its runs in the database. */
export class MemoryBulkRunStore implements BulkRunStore {
  private readonly runs = new Map<string, BulkRunRecord & { shop: string }>();

  async open(shop: string): Promise<BulkRunRecord[]> {
    return [...this.runs.values()].filter((r) => r.shop === shop && (r.status === 'starting' || r.status === 'started')).map(({ shop: _shop, ...r }) => ({ ...r }));
  }

  async begin(shop: string, run: Pick<BulkRunRecord, 'runKey' | 'variantIds' | 'stagedUploadPath'>): Promise<void> {
    this.runs.set(run.runKey, { ...run, shop, operationId: null, status: 'starting', createdAt: new Date() });
  }

  async started(runKey: string, operationId: string): Promise<void> {
    const run = this.runs.get(runKey);
    if (run) Object.assign(run, { operationId, status: 'started' });
  }

  async settle(runKey: string, status: 'settled' | 'not_started'): Promise<void> {
    const run = this.runs.get(runKey);
    if (run) run.status = status;
  }
}
