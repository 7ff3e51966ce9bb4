// A form post to one of the app's pages from another origin is refused by Remix too, but as a 500 "Application
// Error" (throwIfPotentialCSRFAttack throws a plain Error). Both servers (production's Express, Vite's dev
// server behind `npm start` and the tests) refuse it first, as what it is: a 403 problem. Same rule as
// Remix's: the Origin's host must be the request's (X-Forwarded-Host, else Host).
import type { IncomingMessage, ServerResponse } from 'node:http';

export function refuseCrossOriginPageWrites(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const origin = req.headers.origin;
  if (!origin || req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (!(path === '/app' || path.startsWith('/app/') || path.startsWith('/auth/'))) return next();
  let originHost: string | null;
  try {
    originHost = origin === 'null' ? null : new URL(origin).host;
  } catch {
    originHost = null;
  }
  const forwarded = req.headers['x-forwarded-host'];
  const host = (String(forwarded ?? '').split(',')[0]?.trim() || req.headers.host) ?? '';
  if (originHost && originHost === host) return next();
  res.statusCode = 403;
  res.setHeader('content-type', 'application/problem+json; charset=utf-8');
  res.end(
    JSON.stringify({
      type: 'urn:calibr:problem:authorization',
      title: 'Not allowed',
      status: 403,
      code: 'authorization',
      detail: 'This page does not accept form posts from another origin.',
      instance: path,
    }),
  );
}
