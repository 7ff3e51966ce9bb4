// What the settings page tells a seller when a form didn't work: one message per field of the form they
// posted, and one sentence for the page, in the seller's words. Every refusal (our form checks, zod's issues,
// Amazon's answers as ConnectorErrors) goes through here, so no field path, error code or "Invalid input"
// reaches the page.
import { ValidationError, type ConnectorError } from '@calibr/shared-contracts';
import { MARKETPLACES, type Region } from '../sp-api/regions';

export type SettingsForm = 'connect' | 'credentials' | 'marketplaces' | 'disconnect';
export const FORM_FIELDS = ['region', 'marketplaceIds', 'sellingPartnerId', 'lwaClientId', 'lwaClientSecret', 'refreshToken'] as const;
export type FormField = (typeof FORM_FIELDS)[number];

export interface FormProblem {
  form: SettingsForm;
  /** The sentence at the top of the page. */
  message: string;
  /** A message at each field that needs the seller's attention. */
  fields: Partial<Record<FormField, string>>;
}

export const REGION_NAMES: Record<Region, string> = { na: 'North America', eu: 'Europe', fe: 'Far East' };

/** The marketplaces a message names, by their names; ids we don't know stay out. */
function marketplacesNamed(text: string): string[] {
  return MARKETPLACES.filter((m) => text.includes(m.id)).map((m) => m.name);
}

/** "Canada", "Canada and Mexico", "Brazil, Canada and Mexico". */
function joinNames(names: string[]): string {
  if (names.length <= 1) return names[0] ?? 'a marketplace you chose';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

const SELLER_ID = 'Enter your Seller ID (it starts with A, like A1B2C3D4E5F6G7). Seller Central shows it as your Merchant Token, under Settings › Account Info.';

/** A field's message for one refusal, by what was refused. */
function fieldMessage(field: FormField, code: string | undefined, text: string, region: Region | undefined): string {
  switch (field) {
    case 'region':
      return 'Choose the region your Amazon seller account sells in.';
    case 'marketplaceIds':
      if (code === 'not_participating') return `Your Amazon seller account doesn’t sell in ${joinNames(marketplacesNamed(text))}. Choose the marketplaces you sell in, or leave them all unticked.`;
      if (code === 'wrong_region') {
        const names = marketplacesNamed(text);
        const list = joinNames(names);
        return `${list.charAt(0).toUpperCase()}${list.slice(1)} ${names.length > 1 ? 'are' : 'is'} not in ${region ? REGION_NAMES[region] : 'the region you chose'}. Choose marketplaces in that region, or change the region.`;
      }
      if (code === 'required') return 'Choose at least one marketplace.';
      return 'Choose marketplaces from the list.';
    case 'sellingPartnerId':
      return SELLER_ID;
    case 'lwaClientId':
      return 'Enter your app’s LWA client identifier (it starts with amzn1.application-oa2-client.). Seller Central shows it under Apps and Services › Develop Apps › View LWA credentials.';
    case 'lwaClientSecret':
      return 'Enter your app’s LWA client secret, shown beside its client identifier in Seller Central.';
    case 'refreshToken':
      if (code === 'invalid_grant') return 'Amazon didn’t accept this refresh token. Authorize your app again in Seller Central (Develop Apps › Authorize) and paste the new token.';
      return 'Enter the refresh token Seller Central showed when you authorized your app (a long token beginning with Atzr).';
  }
}

/** The field a refusal's path names (`marketplaceIds[0]` → marketplaceIds), if it is one of the form's. */
function fieldOf(path: string): FormField | undefined {
  const head = /^[A-Za-z]+/.exec(path)?.[0];
  return (FORM_FIELDS as readonly string[]).includes(head ?? '') ? (head as FormField) : undefined;
}

/** What a refusal that names no field means to the seller, by its kind. */
function pageMessage(form: SettingsForm, error: ConnectorError): string {
  switch (error.code) {
    case 'validation':
      return form === 'connect'
        ? 'Connecting through Seller Central isn’t available right now. Enter your own app’s credentials below, or try again later.'
        : 'Calibrate couldn’t use what you entered. Check the form and try again.';
    case 'authentication':
      return form === 'credentials'
        ? 'Amazon didn’t accept these credentials. Copy the LWA client identifier, client secret and refresh token again from Seller Central.'
        : 'Amazon no longer accepts Calibrate’s access to your account. Connect with Amazon again below.';
    case 'authorization':
      return 'Amazon refused access to this seller account. Check your Seller ID, and that your app is authorized for this account in Seller Central.';
    case 'conflict':
      return 'Connect your Amazon seller account first.';
    case 'not_found':
      return 'Amazon doesn’t know this seller account in the region you chose. Check your Seller ID and region.';
    case 'rate_limited':
      return 'Amazon is busy right now. Wait a minute and try again.';
    case 'platform_unavailable':
      return 'Amazon didn’t answer. Try again in a few minutes.';
    default:
      return 'That didn’t work. Try again; if it keeps failing, contact Calibrate support.';
  }
}

/** Which fields Amazon's refusal of credentials points at when it names none. */
const CREDENTIAL_FIELDS: Partial<Record<ConnectorError['code'], FormField[]>> = {
  authentication: ['lwaClientId', 'lwaClientSecret'],
  authorization: ['sellingPartnerId'],
  not_found: ['sellingPartnerId'],
};

/** The seller's version of why the posted form was refused. */
export function sellerProblem(form: SettingsForm, error: ConnectorError, region?: Region): FormProblem {
  const fields: Partial<Record<FormField, string>> = {};
  if (error instanceof ValidationError) {
    // A field refused several times (each marketplace Amazon refused) gets one message naming them all.
    const byField = new Map<FormField, { code: string | undefined; text: string }>();
    for (const e of error.errors) {
      const field = fieldOf(e.path);
      if (!field) continue;
      const seen = byField.get(field);
      if (!seen) byField.set(field, { code: e.code, text: e.message });
      else if (seen.code === e.code) seen.text += `; ${e.message}`;
    }
    for (const [field, { code, text }] of byField) fields[field] = fieldMessage(field, code, text, region);
  }
  const named = Object.keys(fields) as FormField[];
  if (named.length === 0 && form === 'credentials') {
    for (const field of CREDENTIAL_FIELDS[error.code] ?? []) fields[field] = fieldMessage(field, undefined, '', region);
  }
  const message = named.length > 0 ? (named.length === 1 ? 'Check the field marked below.' : 'Check the fields marked below.') : pageMessage(form, error);
  return { form, message, fields };
}
