// @calibr/shared-contracts/conformance: the suite every PlatformConnector must pass, for vitest files.
// (Outside vitest, import `@calibr/shared-contracts/conformance/run` instead: vitest can't be loaded there.)
export * from './run';
export * from './describe-conformance';
