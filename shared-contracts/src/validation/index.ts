export * from './field-path';
export * from './zod-errors';
export * from './normalize';
export * from './schemas';
export * from './price-updates';
export * from './output-schemas';
