export * from './problem-details';
export * from './error-codes';
export * from './connector-errors';
export * from './problem-mapping';
