// Amazon's three SP-API regions and the marketplaces each one serves. Facts from Amazon's
// "SP-API endpoints" and "Marketplace IDs" pages; the seller's own participations come from the Sellers API.

export const REGIONS = ['na', 'eu', 'fe'] as const;
export type Region = (typeof REGIONS)[number];

export interface RegionHosts {
  /** SP-API production endpoint. */
  spApi: string;
  /** Login with Amazon token endpoint host (amazon-sp-api always calls api.amazon.com; LWA serves every region there). */
  lwa: string;
}

export const REGION_HOSTS: Record<Region, RegionHosts> = {
  na: { spApi: 'sellingpartnerapi-na.amazon.com', lwa: 'api.amazon.com' },
  eu: { spApi: 'sellingpartnerapi-eu.amazon.com', lwa: 'api.amazon.com' },
  fe: { spApi: 'sellingpartnerapi-fe.amazon.com', lwa: 'api.amazon.com' },
};

export interface Marketplace {
  id: string;
  countryCode: string;
  name: string;
  region: Region;
  currency: string;
  /** Seller Central host where the seller consents to an app (website authorization workflow). */
  sellerCentral: string;
}

const m = (id: string, countryCode: string, name: string, region: Region, currency: string, sellerCentral: string): Marketplace => ({
  id,
  countryCode,
  name,
  region,
  currency,
  sellerCentral,
});

export const MARKETPLACES: readonly Marketplace[] = [
  m('A2Q3Y263D00KWC', 'BR', 'Brazil', 'na', 'BRL', 'sellercentral.amazon.com.br'),
  m('A2EUQ1WTGCTBG2', 'CA', 'Canada', 'na', 'CAD', 'sellercentral.amazon.ca'),
  m('A1AM78C64UM0Y8', 'MX', 'Mexico', 'na', 'MXN', 'sellercentral.amazon.com.mx'),
  m('ATVPDKIKX0DER', 'US', 'United States', 'na', 'USD', 'sellercentral.amazon.com'),
  m('A2VIGQ35RCS4UG', 'AE', 'United Arab Emirates', 'eu', 'AED', 'sellercentral.amazon.ae'),
  m('AMEN7PMS3EDWL', 'BE', 'Belgium', 'eu', 'EUR', 'sellercentral.amazon.com.be'),
  m('A1PA6795UKMFR9', 'DE', 'Germany', 'eu', 'EUR', 'sellercentral.amazon.de'),
  m('ARBP9OOSHTCHU', 'EG', 'Egypt', 'eu', 'EGP', 'sellercentral.amazon.eg'),
  m('A1RKKUPIHCS9HS', 'ES', 'Spain', 'eu', 'EUR', 'sellercentral.amazon.es'),
  m('A13V1IB3VIYZZH', 'FR', 'France', 'eu', 'EUR', 'sellercentral.amazon.fr'),
  m('A1F83G8C2ARO7P', 'GB', 'United Kingdom', 'eu', 'GBP', 'sellercentral.amazon.co.uk'),
  m('A21TJRUUN4KGV', 'IN', 'India', 'eu', 'INR', 'sellercentral.amazon.in'),
  m('APJ6JRA9NG5V4', 'IT', 'Italy', 'eu', 'EUR', 'sellercentral.amazon.it'),
  m('A1805IZSGTT6HS', 'NL', 'Netherlands', 'eu', 'EUR', 'sellercentral.amazon.nl'),
  m('A1C3SOZRARQ6R3', 'PL', 'Poland', 'eu', 'PLN', 'sellercentral.amazon.pl'),
  m('A17E79C6D8DWNP', 'SA', 'Saudi Arabia', 'eu', 'SAR', 'sellercentral.amazon.sa'),
  m('A2NODRKZP88ZB9', 'SE', 'Sweden', 'eu', 'SEK', 'sellercentral.amazon.se'),
  m('A33AVAJ2PDY3EV', 'TR', 'Turkey', 'eu', 'TRY', 'sellercentral.amazon.com.tr'),
  m('A28R8C7NBKEWEA', 'IE', 'Ireland', 'eu', 'EUR', 'sellercentral.amazon.ie'),
  m('AE08WJ6YKNBMC', 'ZA', 'South Africa', 'eu', 'ZAR', 'sellercentral.amazon.co.za'),
  m('A19VAU5U5O7RUS', 'SG', 'Singapore', 'fe', 'SGD', 'sellercentral.amazon.sg'),
  m('A39IBJ37TRP1C6', 'AU', 'Australia', 'fe', 'AUD', 'sellercentral.amazon.com.au'),
  m('A1VC38T7YXB528', 'JP', 'Japan', 'fe', 'JPY', 'sellercentral.amazon.co.jp'),
];

const BY_ID = new Map(MARKETPLACES.map((mp) => [mp.id, mp]));

export function findMarketplace(id: string): Marketplace | undefined {
  return BY_ID.get(id);
}

export function marketplacesIn(region: Region): Marketplace[] {
  return MARKETPLACES.filter((mp) => mp.region === region);
}

export function isRegion(value: unknown): value is Region {
  return typeof value === 'string' && (REGIONS as readonly string[]).includes(value);
}
