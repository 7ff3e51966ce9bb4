// How a processing failure is classified (app/platforms/shopify/webhooks/failures.ts) for the errors of a delivery that asks
// Shopify before it acts (an app/uninstalled confirming the token, an unknown product read from the Admin
// API): Shopify unavailable or throttling is transient (retried with backoff, up to 12 attempts), not a
// bug retried 3 times; an authentication error is not transient (the checks decide what a refusal means).
import { AuthenticationError, PlatformUnavailableError, RateLimitedError, ValidationError } from '@calibr/shared-contracts';
import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, classifyFailure } from '../../app/platforms/shopify/webhooks/failures';

describe('webhook failure classification', () => {
  it('Shopify unavailable or throttling is transient; a bad payload permanent; anything else unknown', () => {
    expect(classifyFailure(new PlatformUnavailableError('Shopify answered 503', { platform: 'shopify' }))).toBe('transient');
    expect(classifyFailure(new RateLimitedError(2, 'Shopify kept throttling this request', { platform: 'shopify' }))).toBe('transient');
    expect(classifyFailure(ValidationError.field('body', 'no product id'))).toBe('permanent');
    expect(classifyFailure(new AuthenticationError('refused', { platform: 'shopify' }))).toBe('unknown');
    expect(MAX_ATTEMPTS.transient).toBeGreaterThan(MAX_ATTEMPTS.unknown);
  });
});
