// The reference connector's default catalog: three products, five listings, priced in USD.
import { money, type CompetitiveOffer, type Money } from '..';

export interface SeedListing {
  externalId: string;
  sku: string | null;
  title: string;
  price: Money;
  minPrice?: Money;
  maxPrice?: Money;
}

export interface SeedProduct {
  externalId: string;
  title: string;
  brand?: string;
  listings: SeedListing[];
}

export function defaultCatalog(): SeedProduct[] {
  return [
    {
      externalId: 'ref-product-1',
      title: 'Trail Running Shoe',
      brand: 'Calibrate Test Co',
      listings: [
        { externalId: 'ref-listing-1a', sku: 'SHOE-42', title: 'Trail Running Shoe / 42', price: money('89.99', 'USD') },
        { externalId: 'ref-listing-1b', sku: 'SHOE-43', title: 'Trail Running Shoe / 43', price: money('89.99', 'USD') },
      ],
    },
    {
      externalId: 'ref-product-2',
      title: 'Water Bottle',
      listings: [{ externalId: 'ref-listing-2a', sku: 'BOTTLE-1L', title: 'Water Bottle 1L', price: money('19.50', 'USD') }],
    },
    {
      externalId: 'ref-product-3',
      title: 'Headlamp',
      listings: [
        { externalId: 'ref-listing-3a', sku: 'LAMP-200', title: 'Headlamp 200lm', price: money('34.00', 'USD') },
        { externalId: 'ref-listing-3b', sku: null, title: 'Headlamp 400lm', price: money('49.00', 'USD') },
      ],
    },
  ];
}

/** Credentials the reference connector accepts. */
export const REFERENCE_CREDENTIALS = {
  platform: 'reference',
  accountId: 'ref-account',
  secrets: { apiKey: 'reference-api-key' },
} as const;

/** Offers on catalog items, by item id, in one currency each. */
export type SeedCompetition = Record<string, { currency: string; buyBox: Money | null; offers: CompetitiveOffer[] }>;

/** One catalog item with three offers: ours (holding the Buy Box) and two competitors'. */
export function defaultCompetition(): SeedCompetition {
  return {
    'ref-item-1': {
      currency: 'USD',
      buyBox: money('89.99', 'USD'),
      offers: [
        { sellerId: 'ref-rival-1', isOurs: false, fulfillment: 'MFN', landed: money('87.50', 'USD'), isBuyBoxWinner: false, isBuyBoxEligible: false, condition: 'new', feedback: { percentage: 82, count: 140 } },
        { sellerId: REFERENCE_CREDENTIALS.accountId, isOurs: true, fulfillment: 'AFN', landed: money('89.99', 'USD'), isBuyBoxWinner: true, isBuyBoxEligible: true, condition: 'new' },
        { sellerId: 'ref-rival-2', isOurs: false, fulfillment: 'AFN', landed: money('91.00', 'USD'), isBuyBoxWinner: false, isBuyBoxEligible: true, condition: 'new', feedback: { percentage: 98, count: 5200 } },
      ],
    },
  };
}

/** A fee schedule like Amazon's: 15 % referral of price + shipping, a fulfilment fee per AFN unit. */
export function defaultFeeSchedule(): { referralPercent: string; fulfillmentFee: Record<string, Money> } {
  return { referralPercent: '15', fulfillmentFee: { USD: money('3.22', 'USD'), EUR: money('3.00', 'EUR') } };
}
