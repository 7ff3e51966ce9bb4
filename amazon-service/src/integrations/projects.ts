// The tenant: one AmazonTenant per Shopify shop, this service's own record (the app's Project lives in
// the app's database). A shop is named by its domain; the first signed request or link for it creates it.
import { NotFoundError, isShopDomain } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';

export interface Tenant {
  projectId: string;
  shopDomain: string;
}

/** The tenant named by a shop domain (created when missing) or by an existing tenant id. */
export async function resolveTenant(ctx: AmazonContext, tenant: string): Promise<Tenant> {
  if (isShopDomain(tenant)) {
    const known = await ctx.db.amazonTenant.findUnique({ where: { shopDomain: tenant }, select: { id: true, shopDomain: true } });
    if (known) return { projectId: known.id, shopDomain: known.shopDomain };
    const project = await ctx.db.amazonTenant.upsert({
      where: { shopDomain: tenant },
      create: { shopDomain: tenant },
      update: {},
      select: { id: true, shopDomain: true },
    });
    return { projectId: project.id, shopDomain: project.shopDomain };
  }
  const project = await ctx.db.amazonTenant.findUnique({ where: { id: tenant }, select: { id: true, shopDomain: true } });
  if (!project) throw new NotFoundError(`no tenant ${tenant}`, { resource: 'tenant', resourceId: tenant });
  return { projectId: project.id, shopDomain: project.shopDomain };
}
