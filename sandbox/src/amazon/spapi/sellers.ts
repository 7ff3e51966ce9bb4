// Sellers API v1: the seller's marketplace participations in the host's region, and its account.
import { marketplace } from '../marketplaces';
import type { Seller } from '../state';
import type { Region } from '../marketplaces';
import type { SpHandler } from './router';

function participations(seller: Seller, region: Region) {
  return seller.marketplaceIds
    .map((id) => marketplace(id))
    .filter((mp) => mp && mp.region === region)
    .map((mp) => ({
      marketplace: {
        id: mp!.id,
        countryCode: mp!.countryCode,
        name: mp!.name,
        defaultCurrencyCode: mp!.defaultCurrencyCode,
        defaultLanguageCode: mp!.defaultLanguageCode,
        domainName: mp!.domainName,
      },
      participation: { isParticipating: true, hasSuspendedListings: false },
      storeName: seller.storeName,
    }));
}

export const getMarketplaceParticipations: SpHandler = ({ seller, region }) => ({
  status: 200,
  body: { payload: participations(seller, region) },
});

export const getAccount: SpHandler = ({ seller, region }) => ({
  status: 200,
  body: {
    payload: {
      marketplaceParticipationList: participations(seller, region),
      businessType: 'PRIVATE_LIMITED',
      sellingPlan: 'PROFESSIONAL',
      business: {
        name: seller.businessName,
        registeredBusinessAddress: { addressLine1: '1 Sandbox Way', city: 'Seattle', countryCode: seller.countryCode, postalCode: '98109' },
      },
    },
  },
});
