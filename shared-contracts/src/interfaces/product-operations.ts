import type { NormalizedProduct, ProductFilter, ProductPage, SyncOptions, SyncResult } from '../types';

export interface ProductOperations {
  /** One page of products matching the filter. */
  list(filter?: ProductFilter): Promise<ProductPage>;
  /** One product by its platform id; NotFoundError if there is none. */
  get(externalId: string): Promise<NormalizedProduct>;
  /** One step of a catalog sync; repeat with `nextCursor` until it is null. Emits sync events. */
  sync(options: SyncOptions): Promise<SyncResult>;
}
