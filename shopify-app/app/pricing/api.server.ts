// The /api/pricing routes run in the one API frame (lib/api-auth.server.ts's apiRoute).
import { actorOf, apiRoute, json, methodNotAllowed, type ApiRouteContext } from '../lib/api-auth.server';
import { rememberStaffMember } from '../shopify.server';

export { actorOf, json, methodNotAllowed };

export type PricingApiContext = ApiRouteContext;

/**
 * A pricing route. When a staff member acts (anything but a read), their name is recorded first (once an
 * hour per process), so approvals, rollbacks and the audit log show who, by name (staff-names.server.ts).
 */
export function pricingApi(request: Request, handler: (ctx: PricingApiContext) => Promise<Response>): Promise<Response> {
  if (request.method === 'GET' || request.method === 'HEAD') return apiRoute(request, handler);
  return apiRoute(request, async (ctx) => {
    await rememberStaffMember(ctx);
    return handler(ctx);
  });
}

export function searchParams(request: Request): URLSearchParams {
  return new URL(request.url).searchParams;
}

/**
 * A CSV download streamed as it is written (the exports read the database a batch at a time). An error
 * after the first bytes can't become a problem response any more: the stream is cut, so the download
 * fails visibly rather than ending short.
 */
export function csv(filename: string, body: AsyncIterable<unknown> & { destroy?: (error?: Error) => void }): Response {
  const encoder = new TextEncoder();
  const iterator = body[Symbol.asyncIterator]();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(typeof value === 'string' ? encoder.encode(value) : new Uint8Array(value as ArrayBuffer));
      } catch (error) {
        controller.error(error);
      }
    },
    cancel() {
      body.destroy?.();
    },
  });
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'no-store',
    },
  });
}
