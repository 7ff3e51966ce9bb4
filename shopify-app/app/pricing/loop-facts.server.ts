// Between loading the items and evaluating them: the rule each item falls under, the facts that depend
// on it (the platform's fees for a fee-aware floor; the Shopify listing's own price for a Shopify-only
// rule; whether a never-read competition is being read now), and the flags an evaluation raises or
// clears ("price war with X", "fees unavailable").
import type { Prisma } from '@calibr/db';
import { db } from '../db.server';
import { BUY_BOX_INELIGIBLE, buyBoxIneligibleMessage } from './monitor/pricing-health.server';
import { monitoredListings } from './monitor/monitored-listings.server';
import { attachFees, type ConnectorFor } from './item-fees.server';
import type { PricedItem } from './items.server';
import { storedMoney, type CompiledRule, type ListingContext, type PolicyOutcome, type RuleIndex } from './policy';

/** The longest guard window of these rules (minutes): how far back our changes and competitors' moves are read. */
export function guardWindowMinutes(rules: readonly CompiledRule[]): number {
  return Math.max(0, ...rules.map((r) => r.priceWarWindowMinutes ?? 0));
}

export interface ItemPlan {
  rule: CompiledRule | null;
  /** The facts the rule is evaluated on; null when the rule prices a channel the item isn't listed on. */
  context: ListingContext | null;
  /** The listing whose price is decided (the suggestion's listingId). */
  listingId: string;
}

/**
 * Each item's rule and the facts that depend on it. A Shopify-only rule decides the Shopify listing's
 * price from its own current price (the Amazon listings keep theirs); an Amazon-only rule on a product
 * without an Amazon listing has nothing to price. Items whose rule floors at cost + fees + margin get
 * their fees (one batched read per platform and marketplace).
 */
export async function prepareItems(projectId: string, items: readonly PricedItem[], index: RuleIndex, connectorFor?: ConnectorFor): Promise<Map<PricedItem, ItemPlan>> {
  const plans = new Map<PricedItem, ItemPlan>();
  const needFees: PricedItem[] = [];
  const isPending = await pendingReading(projectId, items);
  for (const item of items) {
    const rule = index.select(item.context);
    let context: ListingContext | null = isPending(item) ? { ...item.context, readingPending: true } : item.context;
    let listingId = item.reference.id;
    if (rule?.channel === 'shopify' && item.reference.platform !== 'shopify') {
      const shopify = item.listings.find((l) => l.platform === 'shopify');
      context = shopify
        ? { ...context, platform: 'shopify', currentPrice: shopify.priceAmount ? storedMoney(shopify.priceAmount, shopify.currency) : null }
        : null;
      listingId = shopify?.id ?? listingId;
    } else if (rule?.channel === 'amazon' && !item.listings.some((l) => l.platform !== 'shopify')) {
      context = null;
    }
    if (context && rule?.floorFormula === 'cost_fees_margin') needFees.push(item);
    plans.set(item, { rule, context, listingId });
  }
  if (needFees.length > 0) {
    // Fees are estimated for the listing whose price is decided, near that price.
    const probes = needFees.map((item) => {
      const plan = plans.get(item)!;
      const listing = item.listings.find((l) => l.id === plan.listingId) ?? item.reference;
      return { ...item, reference: listing, context: plan.context! };
    });
    await attachFees(projectId, probes, connectorFor);
    probes.forEach((probe, n) => {
      const plan = plans.get(needFees[n]!)!;
      plan.context = probe.context;
    });
  }
  return plans;
}

/**
 * Which never-read items the monitor is reading now: the reference listing (whose competition the rules
 * read) is one the monitor's round robin picks (monitor/monitored-listings.server.ts, as the listings' "Reading…" says).
 * A product that is read nowhere (not on Amazon, no ASIN) is not pending: nothing is coming.
 */
export async function pendingReading(projectId: string, items: readonly PricedItem[]): Promise<(item: PricedItem) => boolean> {
  const unread = items.some((i) => !i.context.competition && i.reference.platform === 'amazon');
  if (!unread) return () => false;
  const { isMonitored } = await monitoredListings(projectId);
  return (item) => !item.context.competition && isMonitored(item.reference);
}

/** The flags an evaluation round raises and clears. */
export const FLAG_KINDS = ['price_war', 'fees_unavailable'] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];
/** Every flag the console lists: the round's, and the platform's own word (monitor/pricing-health.server.ts). */
export const LISTED_FLAG_KINDS = [...FLAG_KINDS, BUY_BOX_INELIGIBLE] as const;

/**
 * The flags of one evaluation round: an outcome held by the price-war guard raises `price_war` (with the
 * competitor, the moves and the window), one blocked for fees raises `fees_unavailable` (with the reason);
 * an item priced normally again (a suggestion or no change) clears both. Other outcomes leave them.
 */
export class FlagWriter {
  private readonly raised = new Map<string, { item: PricedItem; kind: FlagKind; detail: Prisma.InputJsonValue }>();
  private readonly cleared = new Set<string>();

  constructor(private readonly projectId: string) {}

  note(item: PricedItem, context: ListingContext, outcome: PolicyOutcome): void {
    if (outcome.status === 'skipped' && outcome.reason === 'price_war') {
      const war = outcome.explanation.priceWar;
      this.raised.set(`${item.id}\u0000price_war`, {
        item,
        kind: 'price_war',
        detail: { sellerId: war?.sellerId ?? null, moves: war?.moves ?? null, windowMinutes: war?.windowMinutes ?? null, summary: outcome.explanation.summary },
      });
    } else if (outcome.status === 'blocked' && outcome.reason === 'fees_unavailable') {
      this.raised.set(`${item.id}\u0000fees_unavailable`, { item, kind: 'fees_unavailable', detail: { reason: context.feesError ?? outcome.explanation.summary } });
    } else if (outcome.status === 'suggest' || outcome.status === 'no_change') {
      this.cleared.add(item.id);
    }
  }

  async write(now = new Date()): Promise<void> {
    const cleared = [...this.cleared];
    for (let i = 0; i < cleared.length; i += 500) {
      // Only the round's own kinds: Buy Box eligibility is cleared by what the platform says, not by pricing normally.
      await db.pricingFlag.updateMany({ where: { projectId: this.projectId, itemId: { in: cleared.slice(i, i + 500) }, kind: { in: [...FLAG_KINDS] }, clearedAt: null }, data: { clearedAt: now } });
    }
    for (const { item, kind, detail } of this.raised.values()) {
      const data = { productLinkId: item.productLinkId, listingId: item.reference.id, detail };
      // A flag still up keeps the time it was first raised; a cleared one is raised again now.
      const open = await db.pricingFlag.updateMany({ where: { projectId: this.projectId, itemId: item.id, kind, clearedAt: null }, data });
      if (open.count > 0) continue;
      await db.pricingFlag.upsert({
        where: { projectId_itemId_kind: { projectId: this.projectId, itemId: item.id, kind } },
        create: { projectId: this.projectId, itemId: item.id, kind, ...data, raisedAt: now },
        update: { ...data, raisedAt: now, clearedAt: null },
      });
    }
  }
}

export interface FlagView {
  id: string;
  itemId: string;
  productLinkId: string | null;
  listingId: string | null;
  title: string;
  sku: string | null;
  kind: string;
  detail: unknown;
  /** In words: "Price war with A1…: 6 moves in 60 min" / "Fees unavailable: …" / "Amazon: your offer on … lost Buy Box eligibility: …". */
  message: string;
  raisedAt: string;
  clearedAt: string | null;
}

/** The shop's flags for the console: open ones (default) or every one, newest first. */
export async function listFlags(
  projectId: string,
  options: { includeCleared?: boolean; kind?: string; limit?: number; /** One product page's: its link's flags, or a lone listing's. */ of?: { kind: 'link' | 'listing'; id: string } } = {},
): Promise<FlagView[]> {
  const of = options.of ? (options.of.kind === 'link' ? { productLinkId: options.of.id } : { OR: [{ itemId: options.of.id }, { listingId: options.of.id }] }) : {};
  const rows = await db.pricingFlag.findMany({
    where: { projectId, ...(options.includeCleared ? {} : { clearedAt: null }), ...(options.kind ? { kind: options.kind } : {}), ...of },
    orderBy: [{ raisedAt: 'desc' }, { id: 'asc' }],
    take: Math.min(options.limit ?? 200, 1000),
  });
  const linkIds = [...new Set(rows.map((r) => r.productLinkId).filter((id): id is string => !!id))];
  const listingIds = [...new Set(rows.map((r) => r.listingId).filter((id): id is string => !!id))];
  const [links, listings] = await Promise.all([
    db.productLink.findMany({ where: { projectId, id: { in: linkIds } }, select: { id: true, title: true, sku: true } }),
    db.listing.findMany({ where: { projectId, id: { in: listingIds } }, select: { id: true, title: true, sku: true } }),
  ]);
  const linkById = new Map(links.map((l) => [l.id, l]));
  const listingById = new Map(listings.map((l) => [l.id, l]));
  return rows.map((r) => {
    const named = (r.productLinkId ? linkById.get(r.productLinkId) : undefined) ?? (r.listingId ? listingById.get(r.listingId) : undefined);
    const detail = (r.detail ?? {}) as Record<string, unknown>;
    const message =
      r.kind === 'price_war'
        ? `Price war with ${String(detail.sellerId ?? 'a competitor')}: ${String(detail.moves ?? '?')} moves in ${String(detail.windowMinutes ?? '?')} min`
        : r.kind === BUY_BOX_INELIGIBLE
          ? buyBoxIneligibleMessage(detail)
          : `Fees unavailable: ${String(detail.reason ?? 'unknown')}`;
    return {
      id: r.id,
      itemId: r.itemId,
      productLinkId: r.productLinkId,
      listingId: r.listingId,
      title: named?.title ?? '(deleted product)',
      sku: named?.sku ?? null,
      kind: r.kind,
      detail: r.detail,
      message,
      raisedAt: r.raisedAt.toISOString(),
      clearedAt: r.clearedAt?.toISOString() ?? null,
    };
  });
}
