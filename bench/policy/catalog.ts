// A deterministic synthetic catalog shaped like the stored rows: listings with decimal-string prices,
// costs for most, Buy Box and lowest offers for most, tags and collections; rules at every scope with
// every guardrail in use, so each listing pays for selection, guardrails and rounding.
import type { PricingRuleInput } from '../../shopify-app/app/pricing/policy';
import { seededRandom } from '../support/seeded-random';

export interface ListingRow {
  id: string;
  productLinkId: string;
  currency: string;
  priceAmount: string;
  costAmount: string | null;
  floorAmount: string | null;
  buyBoxAmount: string | null;
  buyBoxIsOurs: boolean;
  lowestOfferAmount: string | null;
  tags: string[];
  collectionIds: string[];
}

function cents(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

export function generateCatalog(count: number, seed: number): { rules: PricingRuleInput[]; listings: ListingRow[] } {
  const rnd = seededRandom(seed);
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));

  const rules: PricingRuleInput[] = [
    { id: 'shop', name: 'Shop default', scope: 'shop', kind: 'match_buy_box', params: {}, currency: 'USD', minMarginPercent: '15', maxStepPercent: '10', rounding: '.99', autoApproveMaxPercent: '2' },
  ];
  for (let i = 0; i < 20; i++) {
    rules.push({ id: `tag-${i}`, name: `Tag ${i}`, scope: 'tag', scopeValue: `tag-${i}`, kind: 'beat_lowest_amount', params: { amount: '0.25' }, currency: 'USD', floorAmount: '5.00', minMarginPercent: '10', maxStepPercent: '15', rounding: '.95', priority: i % 3 });
    rules.push({ id: `col-${i}`, name: `Collection ${i}`, scope: 'collection', scopeValue: `gid://shopify/Collection/${i}`, kind: 'beat_lowest_percent', params: { percent: '2.5' }, currency: 'USD', ceilingAmount: '500.00', mapAmount: '8.00', maxStepPercent: '20', rounding: '.99', priority: (i + 1) % 3 });
  }
  const productRules = Math.floor(count / 100);
  for (let i = 0; i < productRules; i++) {
    rules.push({ id: `prod-${i}`, name: `Product ${i}`, scope: 'product', productLinkId: `link-${i * 100}`, kind: 'fixed_price', params: { price: cents(int(1000, 20000)) }, currency: 'USD', floorAmount: '1.00', ceilingAmount: '999.00', maxStepPercent: '25', rounding: '.99' });
  }

  const listings: ListingRow[] = [];
  for (let i = 0; i < count; i++) {
    const price = int(500, 30000);
    const hasCost = rnd() < 0.9;
    const market = rnd();
    const lowest = Math.max(100, Math.round(price * (0.8 + rnd() * 0.35)));
    const tags = rnd() < 0.5 ? [`tag-${int(0, 19)}`, `tag-${int(0, 19)}`] : [];
    const collections = rnd() < 0.4 ? [`gid://shopify/Collection/${int(0, 19)}`] : [];
    listings.push({
      id: `listing-${i}`,
      productLinkId: `link-${i}`,
      currency: 'USD',
      priceAmount: cents(price),
      costAmount: hasCost ? cents(Math.round(price * (0.4 + rnd() * 0.5))) : null,
      floorAmount: rnd() < 0.2 ? cents(Math.round(price * 0.7)) : null,
      buyBoxAmount: market < 0.85 ? cents(Math.max(100, Math.round(lowest * (1 + rnd() * 0.05)))) : null,
      buyBoxIsOurs: rnd() < 0.3,
      lowestOfferAmount: market < 0.95 ? cents(lowest) : null,
      tags,
      collectionIds: collections,
    });
  }
  return { rules, listings };
}
