// Mount a ConnectorHandler on node:http or Express. Mount it before any body parser: the signature
// covers the raw body bytes. A request whose signature headers are missing or stale is answered before
// its body is read, and its connection closed rather than read to the end.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ValidationError } from '../errors';
import { problemResponse, type ConnectorHandler } from './connector-handler';

/** Bodies above this are refused with 413 (a 1000-item batch is well under 1 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface NodeAdapterOptions {
  maxBodyBytes?: number;
}

/** `(req, res) => void` for `http.createServer(...)` or `app.use(...)` in Express. */
export function toNodeHandler(handler: ConnectorHandler, options: NodeAdapterOptions = {}) {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse): void => {
    void (async () => {
      const path = req.originalUrl ?? req.url ?? '/';
      let response;
      try {
        handler.checkHeaders(req.headers);
      } catch (error) {
        const refused = problemResponse(error, path.split('?')[0]);
        res.writeHead(refused.status, { ...refused.headers, connection: 'close' });
        res.end(refused.body);
        return;
      }
      try {
        const rawBody = await readBody(req, limit);
        response = await handler({ method: req.method ?? 'GET', path, headers: req.headers, rawBody });
      } catch (error) {
        const tooLarge = error instanceof PayloadTooLargeError;
        response = problemResponse(error, path.split('?')[0], tooLarge ? 413 : undefined);
      }
      res.writeHead(response.status, response.headers);
      res.end(response.body);
    })();
  };
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limit) {
      req.resume();
      throw new PayloadTooLargeError(limit);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** A body over the limit: answered 413, naming the body and the limit. */
class PayloadTooLargeError extends ValidationError {
  constructor(limit: number) {
    super([{ path: 'body', message: `request body exceeds ${limit} bytes`, code: 'too_large' }]);
  }
}
