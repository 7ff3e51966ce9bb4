// Server rendering, with the headers Shopify needs on every document (frame-ancestors CSP, …), and the
// app's background work for the server that loads the build (server/production.ts starts and stops it).
import { PassThrough } from 'node:stream';
import { createReadableStreamFromReadable, type EntryContext } from '@remix-run/node';
import { RemixServer } from '@remix-run/react';
import { isbot } from 'isbot';
import { renderToPipeableStream } from 'react-dom/server';
import { extendFrameAncestors, runtimeHooks } from '@calibr/shared-contracts';
import { addDocumentResponseHeaders } from './shopify.server';
import { errorMessage, logger } from './lib/logger.server';

export { startBackground, stopBackground } from './startup.server';

export const streamTimeout = 5000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  addDocumentResponseHeaders(request, responseHeaders);
  // Shopify's helper sets frame-ancestors only when the URL names a valid shop; a document without one
  // (the landing page, a request with a mangled ?shop=) may still be framed by Shopify Admin, by no one else.
  if (!responseHeaders.has('Content-Security-Policy')) responseHeaders.set('Content-Security-Policy', 'frame-ancestors https://admin.shopify.com;');
  // Origins the process's hooks add (the sandbox's Admin shell in sandbox mode; none in production).
  responseHeaders.set('Content-Security-Policy', extendFrameAncestors(responseHeaders.get('Content-Security-Policy')!, runtimeHooks().frameAncestors));
  const callbackName = isbot(request.headers.get('user-agent') ?? '') ? 'onAllReady' : 'onShellReady';
  return new Promise<Response>((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        responseHeaders.set('Content-Type', 'text/html');
        resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error: unknown) {
        reject(error);
      },
      onError(error: unknown) {
        responseStatusCode = 500;
        logger.error({ err: errorMessage(error) }, 'rendering failed');
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
}
