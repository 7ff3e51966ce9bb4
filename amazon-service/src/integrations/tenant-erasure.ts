// Erasing a tenant (the contract's `eraseTenant`, asked by the app for Shopify's shop/redact): every row
// of the shop in this service's tables goes in one transaction, and its cached LWA access tokens with
// them. A tenant with nothing left (unknown, or already erased) erases nothing and still succeeds.
import type { TenantErasure } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { keepForUnsubscribe } from '../notifications/unsubscribe-credentials';
import { notificationsFollow } from './integration-store';

export async function eraseTenantData(ctx: AmazonContext, projectId: string): Promise<TenantErasure> {
  const where = { projectId };
  const integrations = await ctx.db.amazonIntegration.findMany({
    where,
    select: { id: true, sellingPartnerId: true, lwaClientId: true, region: true, status: true, lwaClientSecretCiphertext: true },
  });
  const held = integrations.filter((i) => i.status !== 'disconnected');
  // Children first, so the counts are what each table really lost (not hidden behind the cascades).
  const [offerChanges, feeEstimates, updates, feeds, listings, authStates, integrationRows] = await ctx.db.$transaction([
    ctx.db.amazonOfferChange.deleteMany({ where }),
    ctx.db.amazonFeeEstimate.deleteMany({ where }),
    ctx.db.amazonPriceUpdate.deleteMany({ where }),
    ctx.db.amazonPriceFeed.deleteMany({ where }),
    ctx.db.amazonListing.deleteMany({ where }),
    ctx.db.amazonAuthorizationState.deleteMany({ where }),
    ctx.db.amazonIntegration.deleteMany({ where }),
    // The tenant's own record (its shop domain). Not counted: any signed call for the shop creates it
    // again (resolveTenant), so counting it would make a repeated erasure look like it found data.
    ctx.db.amazonTenant.deleteMany({ where: { id: projectId } }),
    // A seller's own app's secret outlives the shop's rows only until its subscriptions are deleted (then erased).
    ...keepForUnsubscribe(ctx, ctx.db, held),
  ]);
  for (const { id } of integrations) ctx.tokens.invalidate(id);
  // Sellers no other shop holds lose their subscriptions (seller-wide at Amazon, not the shop's).
  await notificationsFollow(
    ctx,
    held.map(({ sellingPartnerId, lwaClientId, region }) => ({ unsubscribe: { sellingPartnerId, lwaClientId, region } })),
  );
  const counts: Record<string, number> = {
    AmazonOfferChange: offerChanges.count,
    AmazonFeeEstimate: feeEstimates.count,
    AmazonPriceUpdate: updates.count,
    AmazonPriceFeed: feeds.count,
    AmazonListing: listings.count,
    AmazonAuthorizationState: authStates.count,
    AmazonIntegration: integrationRows.count,
  };
  return { erased: Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0)) };
}
