// Which rule governs a listing: the most specific one. A rule for the product itself wins over a rule
// for one of its collections or tags (one level: collection and tag rules compete on priority), which
// wins over the shop default. Within a level the higher priority wins, then the older rule, then the id,
// so the choice never depends on the order rules were loaded in.
import type { CompiledRule, ListingContext } from './types';

export class RuleIndex {
  private readonly byProduct = new Map<string, CompiledRule>();
  private readonly byCollection = new Map<string, CompiledRule>();
  private readonly byTag = new Map<string, CompiledRule>();
  private shopDefault: CompiledRule | null = null;

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
          if (!this.shopDefault || beats(rule, this.shopDefault)) this.shopDefault = rule;
          break;
      }
    }
  }

  select(listing: Pick<ListingContext, 'productLinkId' | 'collectionIds' | 'tags'>): CompiledRule | null {
    if (listing.productLinkId) {
      const own = this.byProduct.get(listing.productLinkId);
      if (own) return own;
    }
    let best: CompiledRule | null = null;
    if (this.byCollection.size > 0 && listing.collectionIds) {
      for (const id of listing.collectionIds) {
        const rule = this.byCollection.get(id);
        if (rule && (!best || beats(rule, best))) best = rule;
      }
    }
    if (this.byTag.size > 0 && listing.tags) {
      for (const tag of listing.tags) {
        // Keys are normalized, so a tag found as written is already normalized; only a miss is retried.
        let rule = this.byTag.get(tag);
        if (!rule) {
          const key = tagKey(tag);
          if (key !== tag) rule = this.byTag.get(key);
        }
        if (rule && (!best || beats(rule, best))) best = rule;
      }
    }
    return best ?? this.shopDefault;
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

function keepBest(map: Map<string, CompiledRule>, key: string, rule: CompiledRule): void {
  const current = map.get(key);
  if (!current || beats(rule, current)) map.set(key, rule);
}
