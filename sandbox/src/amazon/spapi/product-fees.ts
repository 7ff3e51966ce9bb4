// Product Fees API v0: getMyFeesEstimateForSKU, getMyFeesEstimateForASIN and getMyFeesEstimates (up to 20
// estimates per call), computed from the sandbox's one fee formula (fees-model.ts) so what a repricer is
// told a sale costs is what the market's ledger charges. FBA fees apply when the request says
// IsAmazonFulfilled, else when the seller's listing is fulfilled by Amazon.
import { feesFor } from '../fees-model';
import { marketplace } from '../marketplaces';
import { parseAmount, priceFromMinor, type Price } from '../money';
import { moneyTypeV0 } from '../money';
import type { Listing } from '../state';
import { SpApiError, invalidInput } from './errors';
import type { SpCall, SpHandler } from './router';

/** Amazon's limit of estimates in one getMyFeesEstimates call. */
export const MAX_FEES_ESTIMATES = 20;

/** What a test can make one SKU's or ASIN's estimate do (control API `fees/fault`). */
export type FeeFault = 'ClientError' | 'ServiceError' | 'InternalFailure';

type AmazonMoney = { CurrencyCode?: string; Amount?: number };
interface FeesEstimateRequest {
  MarketplaceId?: string;
  IsAmazonFulfilled?: boolean;
  PriceToEstimateFees?: { ListingPrice?: AmazonMoney; Shipping?: AmazonMoney; Points?: { PointsNumber?: number; PointsMonetaryValue?: AmazonMoney } };
  Identifier?: string;
  OptionalFulfillmentProgram?: string;
}
interface ByIdRequest {
  FeesEstimateRequest?: FeesEstimateRequest;
  IdType: 'ASIN' | 'SellerSKU';
  IdValue: string;
}

const INCORRECT_MARKETPLACE = () => invalidInput('Incorrect Marketplace identifier.');

/** The marketplace of a request, checked as Amazon's gateway does (unknown or another region's: 400). */
function requestMarketplace(call: SpCall, r: FeesEstimateRequest | undefined) {
  const mp = r?.MarketplaceId ? marketplace(r.MarketplaceId) : undefined;
  if (!mp || mp.region !== call.region) throw INCORRECT_MARKETPLACE();
  return mp;
}

function itemError(code: string, message: string, type: 'Sender' | 'Receiver' = 'Sender') {
  return { Type: type, Code: code, Message: message, Detail: [] };
}

function fee(type: string, amount: Price) {
  const zero = priceFromMinor(0n, amount.currency);
  return { FeeType: type, FeeAmount: moneyTypeV0(amount), FeePromotion: moneyTypeV0(zero), TaxAmount: moneyTypeV0(zero), FinalFee: moneyTypeV0(amount) };
}

function listingFor(call: SpCall, idType: 'ASIN' | 'SellerSKU', idValue: string, mp: string): Listing | undefined {
  if (idType === 'SellerSKU') {
    const listing = call.seller.listings[idValue];
    return listing?.offers[mp] ? listing : undefined;
  }
  return Object.values(call.seller.listings).find((l) => l.asin === idValue && l.offers[mp]);
}

/** One FeesEstimateResult, as Amazon shapes it (Status Success, ClientError or ServiceError). */
function estimate(call: SpCall, idType: 'ASIN' | 'SellerSKU', idValue: string, r: FeesEstimateRequest) {
  const mp = marketplace(r.MarketplaceId ?? '')!;
  const listing = listingFor(call, idType, idValue, mp.id);
  const fulfilledByAmazon = r.IsAmazonFulfilled ?? (listing ? listing.fulfillmentChannelCode.startsWith('AMAZON') : false);
  const identifier = {
    MarketplaceId: mp.id,
    IdType: idType,
    SellerId: call.seller.sellerId,
    SellerInputIdentifier: r.Identifier ?? '',
    IsAmazonFulfilled: fulfilledByAmazon,
    IdValue: idValue,
    ...(r.PriceToEstimateFees ? { PriceToEstimateFees: r.PriceToEstimateFees } : {}),
    ...(r.OptionalFulfillmentProgram ? { OptionalFulfillmentProgram: r.OptionalFulfillmentProgram } : {}),
  };
  const failed = (status: 'ClientError' | 'ServiceError', error: ReturnType<typeof itemError>) => ({
    Status: status,
    FeesEstimateIdentifier: identifier,
    FeesEstimate: { TimeOfFeesEstimation: new Date(call.world.now()).toISOString() },
    Error: error,
  });

  const fault = call.world.faults.feeFaults?.[idValue];
  if (fault === 'ClientError') return failed('ClientError', itemError('InvalidParameterValue', 'There is an client-side error. Please verify your inputs.'));
  if (fault === 'ServiceError') return failed('ServiceError', itemError('InternalServerError', 'There is a server-side error. Please try again later.', 'Receiver'));

  const known = idType === 'SellerSKU' ? listing !== undefined : call.world.state.catalog[idValue]?.marketplaceIds.includes(mp.id) === true;
  if (!known) {
    const what = idType === 'SellerSKU' ? `SKU ${idValue}` : `ASIN ${idValue}`;
    return failed('ClientError', itemError('InvalidParameterValue', `The ${what} is not valid for marketplace ${mp.id}.`));
  }
  const listingPrice = r.PriceToEstimateFees?.ListingPrice;
  const currency = listingPrice?.CurrencyCode;
  if (currency !== mp.defaultCurrencyCode) {
    return failed('ClientError', itemError('InvalidParameterValue', `The currency code ${String(currency)} is not valid for marketplace ${mp.id}.`));
  }
  const price = parseAmount(listingPrice?.Amount, currency);
  const shippingMoney = r.PriceToEstimateFees?.Shipping;
  const shipping = shippingMoney ? parseAmount(shippingMoney.Amount, currency) : undefined;
  if (!price || (shippingMoney && (shippingMoney.CurrencyCode !== currency || !shipping))) {
    return failed('ClientError', itemError('InvalidParameterValue', 'The price to estimate fees is not a valid amount.'));
  }

  const fees = feesFor(price, fulfilledByAmazon ? 'AFN' : 'MFN', shipping);
  const zero = priceFromMinor(0n, currency);
  const details = [
    fee('ReferralFee', priceFromMinor(fees.referralFee, currency)),
    fee('VariableClosingFee', zero),
    fee('PerItemFee', zero),
    ...(fulfilledByAmazon ? [fee('FBAFees', priceFromMinor(fees.fbaFee, currency))] : []),
  ];
  return {
    Status: 'Success',
    FeesEstimateIdentifier: identifier,
    FeesEstimate: {
      TimeOfFeesEstimation: new Date(call.world.now()).toISOString(),
      TotalFeesEstimate: moneyTypeV0(priceFromMinor(fees.total, currency)),
      FeeDetailList: details,
    },
  };
}

/** A fault that fails the whole call (500), as Amazon's service does at times. */
function throwInternalFailure(call: SpCall, idValues: string[]): void {
  if (idValues.some((id) => call.world.faults.feeFaults?.[id] === 'InternalFailure')) {
    throw new SpApiError(500, 'InternalFailure', 'We encountered an internal error. Please try again.');
  }
}

function single(idType: 'ASIN' | 'SellerSKU', pathParam: string): SpHandler {
  return (call) => {
    const r = (call.body as { FeesEstimateRequest?: FeesEstimateRequest }).FeesEstimateRequest;
    requestMarketplace(call, r);
    if (!r?.PriceToEstimateFees?.ListingPrice || !r.Identifier) throw invalidInput('Missing required FeesEstimateRequest fields: PriceToEstimateFees and Identifier.');
    const idValue = String(call.params[pathParam]);
    throwInternalFailure(call, [idValue]);
    return { status: 200, body: { payload: { FeesEstimateResult: estimate(call, idType, idValue, r) } } };
  };
}

export const getMyFeesEstimateForSKU = single('SellerSKU', 'SellerSKU');
export const getMyFeesEstimateForASIN = single('ASIN', 'Asin');

export const getMyFeesEstimates: SpHandler = (call) => {
  const requests = call.body as ByIdRequest[];
  if (!Array.isArray(requests) || requests.length === 0) throw invalidInput('The request must contain at least one fees estimate request.');
  if (requests.length > MAX_FEES_ESTIMATES) throw invalidInput(`The request can contain at most ${MAX_FEES_ESTIMATES} fees estimate requests.`);
  for (const r of requests) {
    requestMarketplace(call, r.FeesEstimateRequest);
    if (!r.FeesEstimateRequest?.PriceToEstimateFees?.ListingPrice || !r.FeesEstimateRequest.Identifier) {
      throw invalidInput('Missing required FeesEstimateRequest fields: PriceToEstimateFees and Identifier.');
    }
  }
  throwInternalFailure(call, requests.map((r) => r.IdValue));
  return { status: 200, body: requests.map((r) => estimate(call, r.IdType, r.IdValue, r.FeesEstimateRequest!)) };
};
