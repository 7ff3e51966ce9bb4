// The pricing policy engine: rules, guardrails and explained suggestions. Pure: no I/O.
export * from './types';
export { compileRule, validateRule } from './compile-rule';
export { RuleIndex } from './rule-selection';
export { evaluateCatalog, evaluateListing, evaluateWithRule, isWithinAutoApprove } from './engine';
export { describeTrigger } from './explanation';
export { percentChangeMinor, storedMoney } from './minor-units';
export { checkManualPrice, type ManualPriceCheck } from './decision';
export { AMAZON_RETAIL_SELLER_ID, DEFAULT_FILTERS } from './competition';
export { feeEstimatePrice, feeFloorFor, isReferralFee, type FeeFloor, type FeeFloorResult } from './fee-floor';
export { checkGuard, priceWar, type GuardFinding } from './price-war';
export { channelPrices, type ChannelListing } from './channels';
