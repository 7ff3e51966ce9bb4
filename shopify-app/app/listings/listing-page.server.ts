// One product's page (/app/listings/:itemId, the console's one page per product: a product link, or a
// listing no link holds, shown alone): its competitors in the latest reading as its rule sees them
// (followed, or ignored and why: the policy's own competition functions, with the rule's filters), its
// fees (the platform's latest estimate, through the registry's connector), what its rule decides now and
// why (the policy's own explanation: "not read yet: reading them now" before the first reading), its
// prices over time (our price per channel, the Buy Box, the lowest eligible offer) and its price changes, and
// its open flags in words (a price war, fees unavailable, an Amazon offer that lost Buy Box eligibility on price).
import type { CompetitiveOffer } from '@calibr/shared-contracts';
import { NotFoundError } from '@calibr/shared-contracts';
import { db } from '../db.server';
import { priceHistory, type PriceHistory } from '../pricing/history.server';
import { attachFees, type ConnectorFor } from '../pricing/item-fees.server';
import { loadPricedItems, type PricedItem } from '../pricing/items.server';
import { listFlags, pendingReading, type FlagView } from '../pricing/loop-facts.server';
import { evaluateWithRule, RuleIndex, type CompiledRule, type PolicyOutcome } from '../pricing/policy';
import { competitionOf, DEFAULT_FILTERS } from '../pricing/policy/competition';
import { readMinor, scaleOf } from '../pricing/policy/minor-units';
import { activeRules } from '../pricing/rules.server';
import { listingRows, loneListingRow, type ListingRowView } from './workspace.server';

export interface CompetitorView {
  sellerId: string | null;
  fulfillment: 'AFN' | 'MFN';
  feedback: { percentage: number | null; count: number | null } | null;
  landed: string;
  currency: string;
  isOurs: boolean;
  isBuyBoxWinner: boolean;
  followed: boolean;
  /** Why the rule ignores it; null when followed. */
  reason: string | null;
}

export interface MarketView {
  /** The Amazon marketplace (or "" for a product read nowhere). */
  marketplaceId: string;
  currency: string;
  ruleName: string | null;
  readAt: string | null;
  competitors: CompetitorView[];
  /** The offer the rule reads as the one to beat, after its filters. */
  lowestEligible: string | null;
  fees: { price: string; total: string; lines: Array<{ type: string; amount: string }>; estimatedAt: string } | null;
  /** Why there are no fees: Shopify charges none we read, or the platform couldn't tell. */
  feesNote: string | null;
  /** What the rule decides for this market now, and why (its explanation's summary and when the competition it read was read). */
  pricing: { status: PolicyOutcome['status']; reason: string | null; summary: string; readAt: string | null };
}

export interface ListingPage {
  row: ListingRowView;
  markets: MarketView[];
  history: PriceHistory;
  /** Open flags, newest first: `message` in words, `detail` with Money as decimal strings and their currency. */
  flags: Array<Pick<FlagView, 'id' | 'kind' | 'message' | 'detail' | 'listingId' | 'raisedAt'>>;
}

/** What a product page shows: a product link, or a listing no link holds (on its own). */
export interface ProductPageTarget {
  id: string;
  kind: 'link' | 'listing';
}

/**
 * The product page showing `id`: a product link's own; for a listing, its link's when a link holds it
 * (one page per product), else the listing's own. Another shop's id, or none at all, is a NotFoundError.
 */
export async function productPageOf(projectId: string, id: string): Promise<ProductPageTarget> {
  const link = await db.productLink.findFirst({ where: { id, projectId }, select: { id: true } });
  if (link) return { id: link.id, kind: 'link' };
  const listing = await db.listing.findFirst({ where: { id, projectId }, select: { id: true, productLinkId: true } });
  if (!listing) throw new NotFoundError('No such listing in this shop', { resource: 'listing', resourceId: id });
  return listing.productLinkId ? { id: listing.productLinkId, kind: 'link' } : { id: listing.id, kind: 'listing' };
}

export async function listingPage(projectId: string, id: string, options: { connectorFor?: ConnectorFor } = {}): Promise<ListingPage> {
  const target = await productPageOf(projectId, id);
  const itemId = target.id;
  const rowOf = target.kind === 'link' ? listingRows(projectId, [itemId]).then(([row]) => row ?? null) : loneListingRow(projectId, itemId);
  const [row, items, { rules }, history, flags] = await Promise.all([
    rowOf,
    loadPricedItems(projectId, { ids: [itemId] }),
    activeRules(projectId),
    priceHistory(projectId, itemId),
    listFlags(projectId, { of: target }),
  ]);
  if (!row) throw new NotFoundError('No such listing in this shop', { resource: 'listing', resourceId: id });
  const index = new RuleIndex(rules);
  const withFees = items.map((item) => ({ ...item }));
  // Fees are asked for every market's reference listing (Shopify is asked nothing: no fees apply).
  await attachFees(projectId, withFees, options.connectorFor).catch(() => undefined);
  const isPending = await pendingReading(projectId, withFees);
  const markets = withFees.map((item) => marketOf(isPending(item) ? { ...item, context: { ...item.context, readingPending: true } } : item, index.select(item.context)));
  return {
    row,
    markets,
    history: { ...history, series: withLowestEligible(history, markets) },
    flags: flags.map(({ id: flagId, kind, message, detail, listingId, raisedAt }) => ({ id: flagId, kind, message, detail, listingId, raisedAt })),
  };
}

function marketOf(item: PricedItem, rule: CompiledRule | null): MarketView {
  const outcome = evaluateWithRule(rule, item.context);
  const reading = item.context.competition ?? null;
  const currency = item.reference.currency;
  const scale = scaleOf(currency);
  // An offer below our floor is "not followed down" only when the rule says so: the floor it means is the
  // outcome's effective one (the highest lower limit but the step), read from the rule's own explanation.
  let lowerLimit: bigint | null = null;
  if (rule?.filters.ignoreBelowFloor) {
    const limits = outcome.explanation.limits.filter((l) => l.side === 'lower' && l.guardrail !== 'step_down');
    for (const l of limits) {
      const minor = readMinor({ amount: l.amount, currency }, scale);
      if (lowerLimit === null || minor > lowerLimit) lowerLimit = minor;
    }
  }
  const competition = competitionOf(reading, rule?.filters ?? DEFAULT_FILTERS, lowerLimit, scale, rule?.kind === 'win_buy_box');
  const ignored = new Map(competition.ignored.map((i) => [i.offer, i.reason]));
  const offers: readonly CompetitiveOffer[] = reading?.offers ?? [];
  const competitors = offers.map((offer): CompetitorView => {
    const reason = ignored.get(offer) ?? null;
    return {
      sellerId: offer.sellerId,
      fulfillment: offer.fulfillment,
      feedback: offer.feedback ?? null,
      landed: offer.landed.amount,
      currency: offer.landed.currency,
      isOurs: offer.isOurs,
      isBuyBoxWinner: offer.isBuyBoxWinner === true,
      followed: reason === null && !offer.isOurs,
      reason: offer.isOurs ? 'our own offer' : reason,
    };
  });
  const fees = item.context.fees ?? null;
  return {
    marketplaceId: item.reference.marketplaceId,
    currency,
    ruleName: rule?.name ?? null,
    readAt: reading?.observedAt ?? null,
    competitors,
    lowestEligible: competition.lowestOffer?.amount ?? null,
    fees: fees?.total ? { price: fees.price.amount, total: fees.total.amount, lines: fees.fees.map((l) => ({ type: l.type, amount: l.amount.amount })), estimatedAt: fees.estimatedAt } : null,
    feesNote: fees?.total ? null : (item.context.feesError ?? (item.reference.platform === 'shopify' ? 'No platform fees: Shopify charges no per-sale fee Calibrate reads' : 'No fee estimate yet')),
    pricing: { status: outcome.status, reason: 'reason' in outcome ? outcome.reason : null, summary: outcome.explanation.summary, readAt: outcome.explanation.inputs.readAt ?? null },
  };
}

/**
 * The chart's "lowest offer" is the lowest eligible one today (the rule's filters applied to the latest
 * reading); older points keep the lowest competing offer Amazon's readings recorded, the best known then.
 */
function withLowestEligible(history: PriceHistory, markets: readonly MarketView[]): PriceHistory['series'] {
  const market = markets.find((m) => m.currency === history.currency && m.readAt);
  return history.series.map((s) => {
    if (s.key !== 'lowest_offer') return s;
    const points = market?.lowestEligible && market.readAt ? s.points.map((p) => (p.at >= market.readAt! ? { ...p, value: market.lowestEligible } : p)) : s.points;
    return { ...s, name: 'Lowest eligible offer', points };
  });
}
