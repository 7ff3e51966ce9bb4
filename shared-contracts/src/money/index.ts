export * from './currencies';
export * from './money';
export * from './minor-units';
export * from './rounding';
export * from './arithmetic';
export * from './price-endings';
export * from './format';
