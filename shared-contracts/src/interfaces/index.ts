export type * from './platform-connector';
export type * from './product-operations';
export type * from './pricing-operations';
export type * from './auth-operations';
