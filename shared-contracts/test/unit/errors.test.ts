import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  AuthorizationError,
  ConflictError,
  ConnectorError,
  NotFoundError,
  PlatformUnavailableError,
  RateLimitedError,
  ValidationError,
  fromProblem,
  toProblem,
} from '../../src';

describe('error family <-> RFC 9457 problem details', () => {
  const samples: ConnectorError[] = [
    new AuthenticationError('token expired', { platform: 'amazon', instance: '/connector/health' }),
    new AuthorizationError('missing scope write_products'),
    new ValidationError([{ path: 'updates[1].price.amount', message: 'too many decimals', code: 'too_many_decimals' }]),
    new NotFoundError('listing SKU-1 not found', { resource: 'listing', resourceId: 'SKU-1' }),
    new RateLimitedError(7, 'throttled', { platformError: { code: 'QuotaExceeded', message: 'You exceeded your quota' } }),
    new ConflictError('idempotency key reused'),
    new PlatformUnavailableError('SP-API 503', { retryAfter: 30 }),
    new ConnectorError('internal', 'boom'),
  ];

  it.each(samples.map((e) => [e.name, e] as const))('%s survives a JSON round trip', (_name, error) => {
    const problem = JSON.parse(JSON.stringify(error.toProblem()));
    expect(problem.type).toMatch(/^urn:calibr:problem:/);
    expect(problem.status).toBe(error.status);
    expect(typeof problem.title).toBe('string');
    const back = fromProblem(problem);
    expect(back).toBeInstanceOf(error.constructor);
    expect(back.toProblem()).toEqual(error.toProblem());
  });

  it('uses the right statuses and extension members', () => {
    expect(samples.map((e) => e.status)).toEqual([401, 403, 400, 404, 429, 409, 503, 500]);
    const rate = samples[4]?.toProblem();
    expect(rate).toMatchObject({ status: 429, retryAfter: 7, platformError: { code: 'QuotaExceeded' } });
    expect(samples[2]?.toProblem().errors).toEqual([
      { path: 'updates[1].price.amount', message: 'too many decimals', code: 'too_many_decimals' },
    ]);
    expect(samples[0]?.toProblem()).toMatchObject({ instance: '/connector/health', platform: 'amazon', detail: 'token expired' });
  });

  it('rounds retryAfter up to whole seconds and never negative', () => {
    expect(new RateLimitedError(1.2).retryAfter).toBe(2);
    expect(new RateLimitedError(-5).retryAfter).toBe(0);
    expect(new RateLimitedError(Number.NaN).retryAfter).toBe(0);
  });

  it('hides unknown errors behind an opaque 500', () => {
    const problem = toProblem(new Error('password=hunter2'), '/x');
    expect(problem).toMatchObject({ status: 500, code: 'internal', instance: '/x' });
    expect(JSON.stringify(problem)).not.toContain('hunter2');
  });

  it('maps foreign problems by status when the type is not ours', () => {
    expect(fromProblem({ type: 'about:blank', status: 429, title: 'Too Many Requests' })).toBeInstanceOf(RateLimitedError);
    expect(fromProblem({ status: 404, title: 'Not Found' })).toBeInstanceOf(NotFoundError);
    expect(fromProblem({ status: 422, detail: 'bad' })).toBeInstanceOf(ValidationError);
    expect(fromProblem('not json at all', 503)).toBeInstanceOf(PlatformUnavailableError);
    expect(fromProblem(null, 418)).toBeInstanceOf(ConnectorError);
    const v = fromProblem({ status: 400, detail: 'missing', errors: [{ path: 'a', message: 'm' }, { bogus: true }] }) as ValidationError;
    expect(v.errors).toEqual([{ path: 'a', message: 'm' }]);
  });
});
