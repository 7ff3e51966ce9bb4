// The link the Shopify app's console opens to reach this service's Amazon settings page. Its format is the
// connector contract's (signed by the app, verified here); this module adds the page's route.
import { signSettingsLink as signContractSettingsLink, type SignSettingsLinkOptions } from '@calibr/shared-contracts';

export { SETTINGS_LINK_MAX_TTL_SECONDS, SETTINGS_LINK_TTL_SECONDS, verifySettingsLink, type SettingsLinkCheck } from '@calibr/shared-contracts';

/** The route that opens the page (the app's Amazon registration links here). */
export const SETTINGS_LINK_PATH = '/settings/amazon/open';

/** A link to this service's settings page (tests, and what the app signs through the contract). */
export function signSettingsLink(options: Omit<SignSettingsLinkOptions, 'path'>): string {
  return signContractSettingsLink({ ...options, path: SETTINGS_LINK_PATH });
}
