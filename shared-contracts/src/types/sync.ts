// Product sync: a resumable pull of the platform's catalog into normalized products.
import type { NormalizedProduct } from './product';

export type SyncMode = 'full' | 'incremental';

export interface SyncOptions {
  readonly mode: SyncMode;
  /** Incremental: only changes at or after this ISO 8601 instant (usually the last `checkpoint`). */
  readonly since?: string;
  /** Continue a sync: the previous result's `nextCursor`. */
  readonly cursor?: string;
  /** Only these products. */
  readonly productIds?: readonly string[];
  readonly marketplaceId?: string;
  /** Products per call, 1..250 (default 50). */
  readonly limit?: number;
}

export type SyncStatus = 'completed' | 'partial' | 'failed';

export interface SyncItemError {
  readonly externalId?: string;
  readonly message: string;
  readonly code?: string;
}

/**
 * One sync call's outcome. A connector returns at most `limit` products per call; while `nextCursor`
 * is not null, call `sync` again with it (this works the same in-process and over HTTP).
 */
export interface SyncResult {
  /** Stable across the calls of one sync (carried in the cursor). */
  readonly syncId: string;
  readonly mode: SyncMode;
  readonly status: SyncStatus;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly products: readonly NormalizedProduct[];
  readonly itemsSynced: number;
  readonly itemsFailed: number;
  readonly errors: readonly SyncItemError[];
  readonly nextCursor: string | null;
  /** Pass as `since` to the next incremental sync (set on the last page). */
  readonly checkpoint?: string;
}
