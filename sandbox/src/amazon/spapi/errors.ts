// SP-API errors: `{errors:[{code, message, details}]}` with the status Amazon uses for each.
import { APPLICATION_QUOTA_MESSAGE, SELLER_QUOTA_MESSAGE } from './application-limits';

export class SpApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details = '',
  ) {
    super(message);
  }

  toBody(): { errors: { code: string; message: string; details: string }[] } {
    return { errors: [{ code: this.code, message: this.message, details: this.details }] };
  }
}

export const invalidInput = (message: string, details = '') => new SpApiError(400, 'InvalidInput', message, details);

export const invalidMarketplaces = (name = 'marketplaceIds') => invalidInput(`Invalid '${name}' provided.`);

export const notFound = (message: string, code = 'NotFound') => new SpApiError(404, code, message);

export const ACCESS_DENIED = 'Access to requested resource is denied.';

export const unauthorized = (details = '') => new SpApiError(403, 'Unauthorized', ACCESS_DENIED, details);

/** 429 at the selling partner + application pair's usage plan. */
export const quotaExceeded = () => new SpApiError(429, 'QuotaExceeded', SELLER_QUOTA_MESSAGE);

/** 429 at the application's own limit (all its sellers together), in Amazon's words for that level. */
export const applicationQuotaExceeded = () => new SpApiError(429, 'QuotaExceeded', APPLICATION_QUOTA_MESSAGE);
