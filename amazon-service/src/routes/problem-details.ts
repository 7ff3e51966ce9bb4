// Every error leaves this service as RFC 9457 problem details (the shared error family's wire form).
import { errorSummary } from '../log-errors';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { NotFoundError, PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_PREFIX, PlatformUnavailableError, RateLimitedError, ValidationError, isConnectorError, toProblem, type ProblemDetails } from '@calibr/shared-contracts';
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

/** A problem outside the shared error family (413, 415: HTTP's own, not a connector's). */
function sendHttpProblem(res: Parameters<RequestHandler>[1], problem: ProblemDetails, headers: Record<string, string> = {}): void {
  res.status(problem.status).set(headers).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

export function sendPayloadTooLarge(res: Parameters<RequestHandler>[1], instance: string, limit: number | undefined): void {
  sendHttpProblem(res, {
    type: `${PROBLEM_TYPE_PREFIX}payload-too-large`,
    title: 'Payload too large',
    status: 413,
    code: 'payload_too_large',
    detail: limit ? `The body is larger than ${limit} bytes` : 'The body is too large',
    instance,
    errors: [{ path: 'body', message: limit ? `at most ${limit} bytes` : 'too large', code: 'too_large' }],
  });
}

export function sendUnsupportedMediaType(res: Parameters<RequestHandler>[1], instance: string, given: string | undefined, detail?: string): void {
  sendHttpProblem(
    res,
    {
      type: `${PROBLEM_TYPE_PREFIX}unsupported-media-type`,
      title: 'Unsupported media type',
      status: 415,
      code: 'unsupported_media_type',
      detail: detail ?? `Send the body as application/json${given ? `, not ${given.slice(0, 100)}` : ' (Content-Type is missing)'}`,
      instance,
      errors: [{ path: 'Content-Type', message: 'must be application/json in UTF-8', code: 'unsupported_media_type' }],
    },
    { Accept: 'application/json' },
  );
}

/** A request that carries a body must say it is JSON (415 otherwise), before anything parses it. */
export const requireJsonBody: RequestHandler = (req, res, next) => {
  const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || req.is(['application/json', '+json'])) return next();
  // Nothing of a refused body is parsed or kept; it is read off the socket and dropped, so the client,
  // maybe still sending, gets to read the answer (closing under it would lose it).
  req.resume();
  sendUnsupportedMediaType(res, req.path, req.headers['content-type']);
};

/** body-parser error type of a body whose signature does not match (app.ts's jsonBody); its cause is the refusal. */
export const SIGNATURE_REFUSED = 'signature.refused';

export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) return;
    // body-parser's own errors (bad JSON, too large, a charset other than UTF-8) are the caller's fault.
    const parser = error as { type?: string; status?: number; message?: string; limit?: number; charset?: string };
    if (parser.type === SIGNATURE_REFUSED) return sendProblem(res, (error as { cause: unknown }).cause, req.path);
    if (parser.type === 'entity.parse.failed') return sendProblem(res, ValidationError.field('body', 'body is not valid JSON', 'invalid_json'), req.path);
    // (body-parser has already read off and dropped the rest of the body.)
    if (parser.type === 'entity.too.large') return sendPayloadTooLarge(res, req.path, parser.limit);
    if (parser.type === 'charset.unsupported' || parser.type === 'encoding.unsupported') {
      return sendUnsupportedMediaType(res, req.path, req.headers['content-type'], `${parser.type === 'charset.unsupported' ? 'charset' : 'content encoding'} not supported: ${String(parser.charset ?? req.headers['content-encoding'] ?? '').slice(0, 40)}`);
    }
    if (parser.type === 'request.aborted' || parser.type === 'request.size.invalid' || parser.type === 'stream.encoding.set') {
      return sendProblem(res, ValidationError.field('body', 'the body could not be read', 'unreadable'), req.path);
    }
    if (!isConnectorError(error)) logger.error({ err: errorSummary(error), path: req.path }, 'unexpected error');
    sendProblem(res, error, req.path);
  };
}
