export * from './fingerprint';
export * from './idempotency-store';
export * from './run-idempotent';
