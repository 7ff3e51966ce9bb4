// The common frame of the /api/platforms and /api/product-links routes: the session token is verified
// and scoped to the shop (H5's requireShopApi), the platform named in the path must be registered (404
// problem otherwise), and whatever goes wrong becomes a problem+json response.
import { ConnectorError } from '@calibr/shared-contracts';
import { asResponse, json, requireShopApi, type ApiContext } from '../lib/api-auth.server';
import type { AppPlatformRegistration } from '../registry/platform-registration';
import { getPlatformRegistry, type PlatformRegistry } from '../registry/registry.server';

export { json };

export interface PlatformApiContext extends ApiContext {
  registry: PlatformRegistry;
  path: string;
}

export async function shopApi(request: Request, handler: (ctx: PlatformApiContext) => Promise<Response>): Promise<Response> {
  const path = new URL(request.url).pathname;
  try {
    const api = await requireShopApi(request);
    const registry = await getPlatformRegistry();
    return await handler({ ...api, registry, path });
  } catch (thrown) {
    return asResponse(thrown, path);
  }
}

/** Like shopApi, for routes under /api/platforms/:platform. */
export function platformApi(
  request: Request,
  platform: string | undefined,
  handler: (ctx: PlatformApiContext & { registration: AppPlatformRegistration; platform: string }) => Promise<Response>,
): Promise<Response> {
  return shopApi(request, async (ctx) => {
    const id = (platform ?? '').toLowerCase();
    const registration = ctx.registry.registration(id);
    return handler({ ...ctx, registration, platform: registration.descriptor.platform });
  });
}

export function methodNotAllowed(request: Request, allow: string): Response {
  const path = new URL(request.url).pathname;
  const body = { ...new ConnectorError('validation', `${request.method} is not allowed here; use ${allow}`).toProblem(path), status: 405, title: 'Method not allowed' };
  return new Response(JSON.stringify(body), { status: 405, headers: { 'Content-Type': 'application/problem+json', Allow: allow } });
}
