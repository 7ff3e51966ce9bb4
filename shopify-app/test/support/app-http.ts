// The HTTP the app's test worlds all speak: the sandbox's control API (/_sandbox/…) and app routes called
// as App Bridge calls them (a session token as Bearer, a browser's user agent). Each world and several
// suites had their own copy of these; one copy keeps them saying the same thing.

/** Shopify's library answers bots (Node's default user agent among them) with 410 and no auth. */
export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';

/** The body as JSON, or an error that shows what came instead. */
export async function readJson<T>(res: Response): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`expected JSON from ${res.url}, got ${res.status}: ${text.slice(0, 300)}`);
  }
}

/** GET (no body) or POST (a JSON body) to the sandbox's control API; an error status throws with its answer. */
export async function sandboxControl<T = unknown>(sandbox: { url: string }, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sandbox.url}/_sandbox/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${await res.text()}`);
  return readJson<T>(res);
}

/**
 * fetch an app route with a session token as `Authorization: Bearer` and a browser's user agent (unless
 * the caller gives one); `json` is sent as the body, POST unless another method is given.
 */
export function fetchWithSessionToken(url: string, token: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  headers.set('authorization', `Bearer ${token}`);
  if (!headers.has('user-agent')) headers.set('user-agent', BROWSER_UA);
  if (json !== undefined) headers.set('content-type', 'application/json');
  return fetch(url, {
    ...rest,
    ...(json !== undefined ? { method: rest.method ?? 'POST', body: JSON.stringify(json) } : {}),
    headers,
  });
}
