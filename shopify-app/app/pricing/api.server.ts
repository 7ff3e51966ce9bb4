// The frame of every /api/pricing route: the session token verified and scoped to the shop (H5's
// requireShopApi), the merchant who sent it named for the audit log, problems as problem+json.
import { decodeJwt } from 'jose';
import { asResponse, json, requireShopApi, type ApiContext } from '../lib/api-auth.server';
import { methodNotAllowed } from '../services/platform-api.server';

export { json, methodNotAllowed };

export interface PricingApiContext extends ApiContext {
  /** Who acts, for the audit log: the Shopify staff member of the session token (`user:<id>`). */
  actor: string;
  path: string;
}

export async function pricingApi(request: Request, handler: (ctx: PricingApiContext) => Promise<Response>): Promise<Response> {
  const path = new URL(request.url).pathname;
  try {
    const api = await requireShopApi(request);
    return await handler({ ...api, actor: actorOf(api), path });
  } catch (thrown) {
    return asResponse(thrown, path);
  }
}

/** The token was verified by authenticate.admin; here it is only read for its subject. */
export function actorOf(api: ApiContext): string {
  try {
    const { sub } = decodeJwt(api.sessionToken);
    if (typeof sub === 'string' && sub !== '') return `user:${sub}@${api.shop}`;
  } catch {
    // fall through
  }
  return `shop:${api.shop}`;
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
