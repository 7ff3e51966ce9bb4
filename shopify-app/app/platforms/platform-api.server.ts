// The /api/platforms and /api/product-links routes run in the one API frame (lib/api-auth.server.ts's
// apiRoute) with the platform registry at hand; under /api/platforms/:platform the platform named in the
// path must be registered (a 404 problem otherwise).
import { apiRoute, json, methodNotAllowed, type ApiRouteContext } from '../lib/api-auth.server';
import type { AppPlatformRegistration } from './platform-registration';
import { getPlatformRegistry, type PlatformRegistry } from './registry.server';

export { json, methodNotAllowed };

export interface PlatformApiContext extends ApiRouteContext {
  registry: PlatformRegistry;
}

export function shopApi(request: Request, handler: (ctx: PlatformApiContext) => Promise<Response>): Promise<Response> {
  return apiRoute(request, async (ctx) => handler({ ...ctx, registry: await getPlatformRegistry() }));
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
