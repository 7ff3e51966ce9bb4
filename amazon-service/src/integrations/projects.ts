// The tenant: one Project per Shopify shop. The app and this service share the database; a shop the
// service hears about first (through a signed link) gets its Project here.
import { NotFoundError, isShopDomain } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';

export interface Tenant {
  projectId: string;
  shopDomain: string;
}

/** The tenant named by a shop domain (created when missing) or by an existing Project id. */
export async function resolveTenant(ctx: AmazonContext, tenant: string): Promise<Tenant> {
  if (isShopDomain(tenant)) {
    const known = await ctx.db.project.findUnique({ where: { shopDomain: tenant }, select: { id: true, shopDomain: true } });
    if (known) return { projectId: known.id, shopDomain: known.shopDomain };
    const project = await ctx.db.project.upsert({
      where: { shopDomain: tenant },
      create: { shopDomain: tenant },
      update: {},
      select: { id: true, shopDomain: true },
    });
    return { projectId: project.id, shopDomain: project.shopDomain };
  }
  const project = await ctx.db.project.findUnique({ where: { id: tenant }, select: { id: true, shopDomain: true } });
  if (!project) throw new NotFoundError(`no tenant ${tenant}`, { resource: 'tenant', resourceId: tenant });
  return { projectId: project.id, shopDomain: project.shopDomain };
}
