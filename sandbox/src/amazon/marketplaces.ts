// Amazon's marketplaces, their SP-API regions and Seller Central hosts (public facts from Amazon's
// "Marketplace IDs" and "SP-API endpoints" pages).

export type Region = 'na' | 'eu' | 'fe';
export const REGIONS: readonly Region[] = ['na', 'eu', 'fe'];

export interface Marketplace {
  id: string;
  countryCode: string;
  name: string;
  defaultCurrencyCode: string;
  defaultLanguageCode: string;
  domainName: string;
  region: Region;
  sellerCentralHost: string;
}

const m = (
  id: string,
  countryCode: string,
  domainName: string,
  defaultCurrencyCode: string,
  defaultLanguageCode: string,
  region: Region,
  sellerCentralHost: string,
): Marketplace => ({
  id,
  countryCode,
  name: domainName.replace(/^www\./, '').replace(/^amazon/, 'Amazon'),
  defaultCurrencyCode,
  defaultLanguageCode,
  domainName,
  region,
  sellerCentralHost,
});

export const MARKETPLACES: readonly Marketplace[] = [
  m('ATVPDKIKX0DER', 'US', 'www.amazon.com', 'USD', 'en_US', 'na', 'sellercentral.amazon.com'),
  m('A2EUQ1WTGCTBG2', 'CA', 'www.amazon.ca', 'CAD', 'en_CA', 'na', 'sellercentral.amazon.ca'),
  m('A1AM78C64UM0Y8', 'MX', 'www.amazon.com.mx', 'MXN', 'es_MX', 'na', 'sellercentral.amazon.com.mx'),
  m('A2Q3Y263D00KWC', 'BR', 'www.amazon.com.br', 'BRL', 'pt_BR', 'na', 'sellercentral.amazon.com.br'),
  m('A28R8C7NBKEWEA', 'IE', 'www.amazon.ie', 'EUR', 'en_IE', 'eu', 'sellercentral.amazon.ie'),
  m('A1F83G8C2ARO7P', 'GB', 'www.amazon.co.uk', 'GBP', 'en_GB', 'eu', 'sellercentral.amazon.co.uk'),
  m('A1PA6795UKMFR9', 'DE', 'www.amazon.de', 'EUR', 'de_DE', 'eu', 'sellercentral.amazon.de'),
  m('A13V1IB3VIYZZH', 'FR', 'www.amazon.fr', 'EUR', 'fr_FR', 'eu', 'sellercentral.amazon.fr'),
  m('APJ6JRA9NG5V4', 'IT', 'www.amazon.it', 'EUR', 'it_IT', 'eu', 'sellercentral.amazon.it'),
  m('A1RKKUPIHCS9HS', 'ES', 'www.amazon.es', 'EUR', 'es_ES', 'eu', 'sellercentral.amazon.es'),
  m('A1805IZSGTT6HS', 'NL', 'www.amazon.nl', 'EUR', 'nl_NL', 'eu', 'sellercentral.amazon.nl'),
  m('A2NODRKZP88ZB9', 'SE', 'www.amazon.se', 'SEK', 'sv_SE', 'eu', 'sellercentral.amazon.se'),
  m('A1C3SOZRARQ6R3', 'PL', 'www.amazon.pl', 'PLN', 'pl_PL', 'eu', 'sellercentral.amazon.pl'),
  m('AMEN7PMS3EDWL', 'BE', 'www.amazon.com.be', 'EUR', 'fr_BE', 'eu', 'sellercentral.amazon.com.be'),
  m('A33AVAJ2PDY3EV', 'TR', 'www.amazon.com.tr', 'TRY', 'tr_TR', 'eu', 'sellercentral.amazon.com.tr'),
  m('A21TJRUUN4KGV', 'IN', 'www.amazon.in', 'INR', 'en_IN', 'eu', 'sellercentral.amazon.in'),
  m('A2VIGQ35RCS4UG', 'AE', 'www.amazon.ae', 'AED', 'en_AE', 'eu', 'sellercentral.amazon.ae'),
  m('A17E79C6D8DWNP', 'SA', 'www.amazon.sa', 'SAR', 'ar_SA', 'eu', 'sellercentral.amazon.sa'),
  m('ARBP9OOSHTCHU', 'EG', 'www.amazon.eg', 'EGP', 'ar_EG', 'eu', 'sellercentral.amazon.eg'),
  m('AE08WJ6YKNBMC', 'ZA', 'www.amazon.co.za', 'ZAR', 'en_ZA', 'eu', 'sellercentral.amazon.co.za'),
  m('A1VC38T7YXB528', 'JP', 'www.amazon.co.jp', 'JPY', 'ja_JP', 'fe', 'sellercentral.amazon.co.jp'),
  m('A39IBJ37TRP1C6', 'AU', 'www.amazon.com.au', 'AUD', 'en_AU', 'fe', 'sellercentral.amazon.com.au'),
  m('A19VAU5U5O7RUS', 'SG', 'www.amazon.sg', 'SGD', 'en_SG', 'fe', 'sellercentral.amazon.sg'),
];

const byId = new Map(MARKETPLACES.map((mp) => [mp.id, mp]));

export function marketplace(id: string): Marketplace | undefined {
  return byId.get(id);
}

export function marketplacesOf(region: Region): Marketplace[] {
  return MARKETPLACES.filter((mp) => mp.region === region);
}

/** Seller Central hosts that serve the consent page, with the region each one belongs to. */
export function sellerCentralRegion(host: string): Region | undefined {
  if (host === 'sellercentral-europe.amazon.com') return 'eu';
  if (host === 'sellercentral-japan.amazon.com') return 'fe';
  return MARKETPLACES.find((mp) => mp.sellerCentralHost === host)?.region;
}

/** Digits after the decimal point that a currency's prices may carry on Amazon. */
export function currencyDecimals(currencyCode: string): number {
  return currencyCode === 'JPY' ? 0 : 2;
}
