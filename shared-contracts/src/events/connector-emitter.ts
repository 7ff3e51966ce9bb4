// The emitter connectors use, with helpers that fill in ids and timestamps and map results to events.
import { randomUUID } from 'node:crypto';
import type { PlatformId } from '../types/platform';
import type { PriceUpdateResult } from '../types';
import type { ConnectorEvent, ConnectorEventMap } from './connector-events';
import { TypedEmitter, type EventSource, type TypedEmitterOptions } from './typed-emitter';

export type ConnectorEventSource = EventSource<ConnectorEventMap>;

/** Distributive Omit, so each union member keeps its own fields. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type ConnectorEventInput = DistributiveOmit<ConnectorEvent, 'eventId' | 'occurredAt' | 'platform' | 'tenantId'>;

export interface ConnectorEmitterOptions extends TypedEmitterOptions {
  platform: PlatformId;
  tenantId?: string;
  /** Clock, for tests. */
  now?: () => Date;
}

export class ConnectorEventEmitter extends TypedEmitter<ConnectorEventMap> implements ConnectorEventSource {
  readonly platform: PlatformId;
  readonly tenantId: string | undefined;
  private readonly now: () => Date;

  constructor(options: ConnectorEmitterOptions) {
    super(options);
    this.platform = options.platform;
    this.tenantId = options.tenantId;
    this.now = options.now ?? (() => new Date());
  }

  /** Emit with `eventId`, `occurredAt`, `platform` and `tenantId` filled in. */
  publish(input: ConnectorEventInput): ConnectorEvent {
    const event = {
      eventId: randomUUID(),
      occurredAt: this.now().toISOString(),
      platform: this.platform,
      ...(this.tenantId === undefined ? {} : { tenantId: this.tenantId }),
      ...input,
    } as ConnectorEvent;
    this.emit(event);
    return event;
  }

  /**
   * The events a result implies, so every connector reports alike:
   * applied -> `price_update.submitted` then `price_update.applied`;
   * pending -> `price_update.submitted` carrying the platform reference (applied/failed follow when the
   * platform finishes, e.g. a processed Amazon feed); failed -> `price_update.failed`.
   */
  priceUpdateResult(result: PriceUpdateResult): void {
    const base = {
      idempotencyKey: result.idempotencyKey,
      externalId: result.externalId,
      ...(result.marketplaceId === undefined ? {} : { marketplaceId: result.marketplaceId }),
    };
    switch (result.status) {
      case 'applied':
        this.publish({ type: 'price_update.submitted', ...base, price: result.price });
        this.publish({
          type: 'price_update.applied',
          ...base,
          price: result.price,
          ...(result.previousPrice === undefined ? {} : { previousPrice: result.previousPrice }),
          ...(result.platformReference === undefined ? {} : { platformReference: result.platformReference }),
        });
        return;
      case 'pending':
        this.publish({
          type: 'price_update.submitted',
          ...base,
          price: result.price,
          platformReference: result.platformReference,
        });
        return;
      case 'failed':
        this.publish({
          type: 'price_update.failed',
          ...base,
          reason: result.reason,
          message: result.message,
          retryable: result.retryable,
          ...(result.errors === undefined ? {} : { errors: result.errors }),
          ...(result.platformError === undefined ? {} : { platformError: result.platformError }),
        });
        return;
    }
  }
}
