// Accepted is not live: Amazon validates a patchListingsItem or a JSON_LISTINGS_FEED message up front
// (ACCEPTED / the report's accepted messages), then processes it downstream; the price shows later, and
// downstream checks (pricing health) can still refuse it with an issue on the listing. The control API
// sets how long accepted changes take to show (listings/live-delay) and which SKUs raise an issue after
// acceptance (listings/issue-after-accept).
import type { ListingChange } from './changes';
import { issues } from './changes';
import type { Seller } from '../state';
import type { AmazonWorld } from '../world';

/** A SKU whose next accepted price change raises an issue instead of going live. */
export interface IssueAfterAccept {
  code?: string;
  message?: string;
}

const markKey = (sellerId: string, sku: string) => `${sellerId}\u0000${sku}`;

/** Planned again when it goes live, against the listing as it is by then. */
function goLive(world: AmazonWorld, seller: Seller, sku: string, marketplaceIds: string[], plan: () => ListingChange, quiet: boolean): void {
  const key = markKey(seller.sellerId, sku);
  const mark = world.faults.issuesAfterAccept?.[key];
  const listing = seller.listings[sku];
  if (mark && listing) {
    delete world.faults.issuesAfterAccept![key];
    const mp = marketplaceIds[0]!;
    const base = issues.priceValidation(mp);
    listing.issues = [...listing.issues, { ...base, ...(mark.code ? { code: mark.code } : {}), ...(mark.message ? { message: mark.message } : {}), marketplaceIds }];
    listing.lastUpdatedDate = new Date(world.now()).toISOString();
    world.changed();
    world.log({ platform: 'amazon', kind: 'event', detail: { issueAfterAccept: { sellerId: seller.sellerId, sku, code: mark.code ?? base.code } } });
    return;
  }
  plan().apply({ quiet });
}

/**
 * An accepted change goes live now, after the delay set by listings/live-delay (sandbox seconds), when a
 * test releases it ('held'), or never. `quiet` keeps a feed's per-message log entries out of the log.
 */
export function acceptChange(
  world: AmazonWorld,
  seller: Seller,
  change: ListingChange,
  marketplaceIds: string[],
  plan: () => ListingChange,
  origin: 'patch' | 'feed',
): void {
  const delay = world.faults.acceptedDelay;
  const live = () => goLive(world, seller, change.sku, marketplaceIds, plan, origin === 'feed');
  if (delay === undefined) {
    if (world.faults.issuesAfterAccept?.[markKey(seller.sellerId, change.sku)] && change.priceChanges.length) return live();
    return change.apply({ quiet: origin === 'feed' });
  }
  world.log({ platform: 'amazon', kind: 'event', detail: { patchDelayed: { sellerId: seller.sellerId, sku: change.sku, delaySeconds: delay, origin } } });
  if (delay === 'held') (world.faults.heldChanges ??= []).push(live);
  else if (delay !== 'never') world.later(delay, live);
}

export function markIssueAfterAccept(world: AmazonWorld, sellerId: string, sku: string, mark: IssueAfterAccept): void {
  (world.faults.issuesAfterAccept ??= {})[markKey(sellerId, sku)] = mark;
}

export function forgetIssueAfterAccept(world: AmazonWorld, sellerId: string, sku: string): void {
  delete world.faults.issuesAfterAccept?.[markKey(sellerId, sku)];
}
