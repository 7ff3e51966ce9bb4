// The settings page's forms as the service reads them: each form's fields (zod), and the marketplace choice
// checked against the region. Refusals are ValidationErrors naming the field; seller-messages.ts words them.
import { z } from 'zod';
import { ValidationError, parseOrThrow } from '@calibr/shared-contracts';
import { REGIONS, findMarketplace, type Region } from '../sp-api/regions';

/** Checkboxes post one value per ticked box (none: the field is absent); a pasted list may be comma-separated. */
const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : []).map((x) => String(x).trim()).filter(Boolean);
const marketplaceIds = z.unknown().optional().transform(list);

const connectForm = z.object({ region: z.enum(REGIONS), marketplaceIds });
const credentialsForm = z.object({
  // Merchant tokens are capitals and digits; a seller may paste one in lower case.
  sellingPartnerId: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{6,20}$/),
  region: z.enum(REGIONS),
  marketplaceIds,
  lwaClientId: z.string().trim().min(1),
  lwaClientSecret: z.string().trim().min(1),
  refreshToken: z.string().trim().min(1),
});

/** The marketplaces ticked, each one we know and in `region`; none ticked is refused when `required`. */
function checkMarketplaces(ids: string[], region: Region, required: boolean): string[] {
  const chosen = [...new Set(ids)];
  const unknown = chosen.filter((id) => !findMarketplace(id));
  if (unknown.length) throw new ValidationError([{ path: 'marketplaceIds', message: `unknown marketplace ${unknown.join(', ')}`, code: 'unknown_marketplace' }]);
  const elsewhere = chosen.filter((id) => findMarketplace(id)?.region !== region);
  if (elsewhere.length) throw new ValidationError([{ path: 'marketplaceIds', message: `${elsewhere.join(', ')} not in region ${region}`, code: 'wrong_region' }]);
  if (required && chosen.length === 0) throw new ValidationError([{ path: 'marketplaceIds', message: 'choose at least one marketplace', code: 'required' }]);
  return chosen;
}

/** The region field as posted, when it is one (for the messages). */
export function postedRegion(body: unknown): Region | undefined {
  const region = (body as { region?: unknown } | undefined)?.region;
  return REGIONS.find((r) => r === region);
}

/** Connect with Amazon: a region and, optionally, marketplaces in it (none: every one the seller sells in). */
export function readConnectForm(body: unknown): { region: Region; marketplaceIds: string[] } {
  const input = parseOrThrow(connectForm, body);
  return { region: input.region, marketplaceIds: checkMarketplaces(input.marketplaceIds, input.region, false) };
}

/** Self-authorization: the seller's own app's credentials, region and optional marketplaces. */
export function readCredentialsForm(body: unknown): z.output<typeof credentialsForm> {
  const input = parseOrThrow(credentialsForm, body);
  return { ...input, marketplaceIds: checkMarketplaces(input.marketplaceIds, input.region, false) };
}

/** The marketplace choice of a connected seller: at least one, in the integration's region. */
export function readMarketplacesForm(body: unknown, region: Region): string[] {
  return checkMarketplaces(parseOrThrow(z.object({ marketplaceIds }), body).marketplaceIds, region, true);
}
