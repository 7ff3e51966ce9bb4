// What the Shopify platform's modules share: its state, the app registry, throttling, webhook delivery,
// bulk operations and the sandbox context (base URL, time scale, log, persistence).
import type { GraphQLSchema } from 'graphql';
import type { SandboxContext } from '../platform';
import type { AppRegistry } from './apps';
import type { ThrottleBuckets } from './admin-api/throttle';
import type { BulkOperations } from './bulk/operations';
import type { ShopifyState } from './state';
import type { WebhookDispatcher } from './webhooks/dispatcher';

export interface ShopifyRuntime {
  state: ShopifyState;
  readonly ctx: SandboxContext;
  apps: AppRegistry;
  throttle: ThrottleBuckets;
  webhooks: WebhookDispatcher;
  bulk: BulkOperations;
  schema: GraphQLSchema;
  markDirty(): void;
}
