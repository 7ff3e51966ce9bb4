export type * from './descriptor';
export * from './connector-registry';
