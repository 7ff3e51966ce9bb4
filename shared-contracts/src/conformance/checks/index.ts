import type { ConformanceCheck } from './check';
import { competitiveOfferChecks } from './competitive-offers';
import { connectionChecks } from './connection';
import { erasureChecks } from './erasure';
import { eventChecks } from './events';
import { feeEstimateChecks } from './fee-estimates';
import { offerChangeChecks } from './offer-changes';
import { pricingChecks } from './pricing';
import { productChecks } from './products';
import { rateLimitChecks } from './rate-limits';
import { updateResultChecks } from './update-results';

export type { ConformanceCheck } from './check';

/** Every check, in the order they run. */
export const CONFORMANCE_CHECKS: readonly ConformanceCheck[] = [
  ...connectionChecks,
  ...productChecks,
  ...pricingChecks,
  ...updateResultChecks,
  ...competitiveOfferChecks,
  ...feeEstimateChecks,
  ...offerChangeChecks,
  ...rateLimitChecks,
  ...eventChecks,
  // Last: it leaves the tenant with nothing.
  ...erasureChecks,
];
