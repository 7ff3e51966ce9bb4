export * from './platform';
export * from './listing';
export * from './product';
export * from './price';
export * from './sync';
export * from './credentials';
export * from './integration';
export * from './competitive-offer';
