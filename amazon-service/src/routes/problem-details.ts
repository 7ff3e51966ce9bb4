// Every error leaves this service as RFC 9457 problem details (the shared error family's wire form).
import { errorSummary } from '../log-errors';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { NotFoundError, PROBLEM_CONTENT_TYPE, PlatformUnavailableError, RateLimitedError, ValidationError, isConnectorError, toProblem } from '@calibr/shared-contracts';
import type { Logger } from 'pino';

export function sendProblem(res: Parameters<RequestHandler>[1], error: unknown, instance: string): void {
  const problem = toProblem(error, instance);
  if (error instanceof RateLimitedError) res.setHeader('Retry-After', String(error.retryAfter));
  else if (error instanceof PlatformUnavailableError && error.retryAfter !== undefined) res.setHeader('Retry-After', String(error.retryAfter));
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

export const notFound: RequestHandler = (req, res) => {
  sendProblem(res, new NotFoundError(`nothing at ${req.method} ${req.path}`, { resource: 'route' }), req.path);
};

export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) return;
    // body-parser's own errors (bad JSON, too large) are the caller's fault.
    const parser = error as { type?: string; status?: number; message?: string };
    if (parser.type === 'entity.parse.failed') return sendProblem(res, ValidationError.field('body', 'body is not valid JSON', 'invalid_json'), req.path);
    if (parser.type === 'entity.too.large') return sendProblem(res, ValidationError.field('body', 'body is too large', 'too_large'), req.path);
    if (!isConnectorError(error)) logger.error({ err: errorSummary(error), path: req.path }, 'unexpected error');
    sendProblem(res, error, req.path);
  };
}
