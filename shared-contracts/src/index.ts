// @calibr/shared-contracts: the contract between Calibrate and every platform connector.
export * from './money';
export * from './errors';
export * from './types';
export * from './interfaces';
export * from './events';
export * from './validation';
export * from './registry';
export * from './idempotency';
export * from './remote';
export * from './runtime-hooks';
