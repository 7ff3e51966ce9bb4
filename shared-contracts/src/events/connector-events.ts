// The events a connector emits, so the app can log, persist (PlatformSyncLog, price-change attempts)
// and show progress without each connector knowing about the database.
import type { FieldError, PlatformErrorInfo } from '../errors';
import type { Money } from '../money';
import type { PlatformReference, PriceUpdateFailureReason, SyncMode, SyncStatus } from '../types';
import type { PlatformId } from '../types/platform';

interface EventBase {
  /** Unique per event (UUID). */
  readonly eventId: string;
  /** ISO 8601. */
  readonly occurredAt: string;
  readonly platform: PlatformId;
  /** Tenant the connector serves, when known. */
  readonly tenantId?: string;
}

export interface SyncStartedEvent extends EventBase {
  readonly type: 'sync.started';
  readonly syncId: string;
  readonly mode: SyncMode;
}

export interface SyncFinishedEvent extends EventBase {
  readonly type: 'sync.finished';
  readonly syncId: string;
  readonly mode: SyncMode;
  readonly status: SyncStatus;
  readonly itemsSynced: number;
  readonly itemsFailed: number;
  /** False while more pages remain (`nextCursor` set). */
  readonly done: boolean;
}

interface PriceEventBase extends EventBase {
  readonly idempotencyKey: string;
  readonly externalId: string;
  readonly marketplaceId?: string;
}

/** The update left us (sent to the platform); `platformReference` set when the platform queued it. */
export interface PriceUpdateSubmittedEvent extends PriceEventBase {
  readonly type: 'price_update.submitted';
  readonly price: Money;
  readonly platformReference?: PlatformReference;
}

export interface PriceUpdateAppliedEvent extends PriceEventBase {
  readonly type: 'price_update.applied';
  readonly price: Money;
  readonly previousPrice?: Money | null;
  readonly platformReference?: PlatformReference;
}

export interface PriceUpdateFailedEvent extends PriceEventBase {
  readonly type: 'price_update.failed';
  readonly reason: PriceUpdateFailureReason;
  readonly message: string;
  readonly retryable: boolean;
  readonly errors?: readonly FieldError[];
  readonly platformError?: PlatformErrorInfo;
}

export type ConnectorEvent =
  | SyncStartedEvent
  | SyncFinishedEvent
  | PriceUpdateSubmittedEvent
  | PriceUpdateAppliedEvent
  | PriceUpdateFailedEvent;

export type ConnectorEventType = ConnectorEvent['type'];

/** Event type -> event, for typed subscriptions. */
export type ConnectorEventMap = { [E in ConnectorEvent as E['type']]: E };

export const CONNECTOR_EVENT_TYPES: readonly ConnectorEventType[] = [
  'sync.started',
  'sync.finished',
  'price_update.submitted',
  'price_update.applied',
  'price_update.failed',
];
