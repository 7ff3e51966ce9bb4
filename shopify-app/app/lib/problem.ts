// The one builder of problem+json responses (RFC 9457) for every route of the app: from a connector
// error (its own problem document) or from a problem document written out by the caller.
import { PROBLEM_CONTENT_TYPE, isConnectorError, type ConnectorError, type ProblemDetails } from '@calibr/shared-contracts';

export function problem(source: ConnectorError | ProblemDetails, instance?: string, headers?: HeadersInit): Response {
  const body = isConnectorError(source) ? source.toProblem(instance) : instance === undefined ? source : { ...source, instance };
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, ...Object.fromEntries(new Headers(headers)) },
  });
}
