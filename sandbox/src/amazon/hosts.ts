// Which Amazon service a Host header names. The sandbox answers the real host names, so clients keep
// their own URLs and only the connection is routed to loopback.
import { sellerCentralRegion, type Region } from './marketplaces';

export type AmazonHost =
  | { service: 'lwa' }
  | { service: 'consent'; region: Region }
  | { service: 'spapi'; region: Region }
  | { service: 'static'; region: Region }
  | { service: 'documents'; region: Region };

export const LWA_HOST = 'api.amazon.com';

/** Feed documents live in S3 buckets per region (Amazon's "tortuga" buckets). */
export const DOCUMENT_HOSTS: Record<Region, string> = {
  na: 'tortuga-prod-na.s3-external-1.amazonaws.com',
  eu: 'tortuga-prod-eu.s3-eu-west-1.amazonaws.com',
  fe: 'tortuga-prod-fe.s3-us-west-2.amazonaws.com',
};

export function spApiHost(region: Region, sandbox = false): string {
  return `${sandbox ? 'sandbox.' : ''}sellingpartnerapi-${region}.amazon.com`;
}

export function classifyHost(rawHost: string | undefined): AmazonHost | undefined {
  if (!rawHost) return undefined;
  const host = rawHost.toLowerCase().replace(/:\d+$/, '');
  if (host === LWA_HOST) return { service: 'lwa' };
  const sp = /^(sandbox\.)?sellingpartnerapi-(na|eu|fe)\.amazon\.com$/.exec(host);
  if (sp) return { service: sp[1] ? 'static' : 'spapi', region: sp[2] as Region };
  const doc = /^tortuga-prod-(na|eu|fe)\.s3[.-][a-z0-9-]+\.amazonaws\.com$/.exec(host);
  if (doc) return { service: 'documents', region: doc[1] as Region };
  const region = sellerCentralRegion(host);
  if (region) return { service: 'consent', region };
  return undefined;
}
