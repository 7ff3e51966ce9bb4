// Which rule governs a listing: the most specific one. A rule for the product itself wins over a rule
// for one of its collections or tags (one level: collection and tag rules compete on priority), which
// wins over the shop default. Within a level the higher priority wins, then the older rule, then the id,
// so the choice never depends on the order rules were loaded in.
//
// A rule with a currency governs only listings priced in it (a rule in USD never prices a CAD listing of
// the same product in another marketplace); a rule without one governs any currency.
import type { Money } from '@calibr/shared-contracts';
import type { CompiledRule, ListingContext } from './types';

/** The best rule of one scope key per currency (null: any currency); usually one. */
type Candidates = CompiledRule[];

export class RuleIndex {
  private readonly byProduct = new Map<string, Candidates>();
  private readonly byCollection = new Map<string, Candidates>();
  private readonly byTag = new Map<string, Candidates>();
  private readonly shopDefault: Candidates = [];

  /** Inactive rules must be left out by the caller (compileRule doesn't see isActive's meaning). */
  constructor(rules: Iterable<CompiledRule>) {
    for (const rule of rules) {
      switch (rule.scope) {
        case 'product':
          keepBest(this.byProduct, rule.productLinkId ?? '', rule);
          break;
        case 'collection':
          keepBest(this.byCollection, rule.scopeValue ?? '', rule);
          break;
        case 'tag':
          keepBest(this.byTag, tagKey(rule.scopeValue ?? ''), rule);
          break;
        case 'shop':
          keepBestOf(this.shopDefault, rule);
          break;
      }
    }
  }

  /** `currentPrice` says the listing's currency; without it, rules of any currency compete. */
  select(listing: Pick<ListingContext, 'productLinkId' | 'collectionIds' | 'tags'> & { readonly currentPrice?: Money | null }): CompiledRule | null {
    const currency = listing.currentPrice?.currency ?? null;
    if (listing.productLinkId) {
      const own = bestFor(this.byProduct.get(listing.productLinkId), currency);
      if (own) return own;
    }
    let best: CompiledRule | null = null;
    if (this.byCollection.size > 0 && listing.collectionIds) {
      for (const id of listing.collectionIds) {
        const rule = bestFor(this.byCollection.get(id), currency);
        if (rule && (!best || beats(rule, best))) best = rule;
      }
    }
    if (this.byTag.size > 0 && listing.tags) {
      for (const tag of listing.tags) {
        // Keys are normalized, so a tag found as written is already normalized; only a miss is retried.
        let rules = this.byTag.get(tag);
        if (!rules) {
          const key = tagKey(tag);
          if (key !== tag) rules = this.byTag.get(key);
        }
        const rule = bestFor(rules, currency);
        if (rule && (!best || beats(rule, best))) best = rule;
      }
    }
    return best ?? bestFor(this.shopDefault, currency);
  }
}

/** True when `a` should govern instead of `b` at the same level. */
export function beats(a: CompiledRule, b: CompiledRule): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.createdAtMs !== b.createdAtMs) return a.createdAtMs < b.createdAtMs;
  return a.id < b.id;
}

/** Shopify treats tags case-insensitively ("Sale" and "sale" are one tag). */
function tagKey(tag: string): string {
  return tag.trim().toLowerCase();
}

function keepBest(map: Map<string, Candidates>, key: string, rule: CompiledRule): void {
  const candidates = map.get(key);
  if (candidates) keepBestOf(candidates, rule);
  else map.set(key, [rule]);
}

/** Keeps `rule` in place of the candidate of its currency it beats (or beside the others). */
function keepBestOf(candidates: Candidates, rule: CompiledRule): void {
  const i = candidates.findIndex((c) => c.currency === rule.currency);
  if (i < 0) candidates.push(rule);
  else if (beats(rule, candidates[i]!)) candidates[i] = rule;
}

/** The best candidate that may price `currency` (any, when the currency is unknown). */
function bestFor(candidates: Candidates | undefined, currency: string | null): CompiledRule | null {
  if (!candidates) return null;
  if (candidates.length === 1) {
    const only = candidates[0]!;
    return currency === null || only.currency === null || only.currency === currency ? only : null;
  }
  let best: CompiledRule | null = null;
  for (const rule of candidates) {
    if (currency !== null && rule.currency !== null && rule.currency !== currency) continue;
    if (!best || beats(rule, best)) best = rule;
  }
  return best;
}
