// The kit without vitest: import this to run checks from a script (`@calibr/shared-contracts/conformance/run`).
export * from './types';
export { ConformanceFailure, CheckSkipped } from './assertions';
export type { CheckContext } from './context';
export { CONFORMANCE_CHECKS, type ConformanceCheck } from './checks';
export * from './run-conformance';
